/**
 * The bare baseline of item 7: hono on @hono/node-server, one INSERT per POST into a SQLite file opened by
 * `openDatabase` (the same pragmas as Loket's: WAL, synchronous=FULL, busy timeout), nothing else. Run
 * through tsx like the nodes. Prints `listening <port>`.
 *
 * Like for like on durability: each insert commits on its own (autocommit: one fsync of the WAL per request, as
 * any plain endpoint does) before its 201, and so is each of Loket's bookings before its 201 — except that Loket's
 * bookings that arrive together share one COMMIT (group commit, db/sqlite/storage.ts). That is part of what the
 * row measures: the ratio compares the two servers' work per answered request, not commits.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { openDatabase } from '../../db/client.ts';

const [dbPath] = process.argv.slice(2);
const db = openDatabase(dbPath ?? ':memory:');
db.$client.exec(
  'CREATE TABLE IF NOT EXISTS bookings (id INTEGER PRIMARY KEY, location_id TEXT NOT NULL, starts_at TEXT NOT NULL, name TEXT NOT NULL, email TEXT NOT NULL, created_at INTEGER NOT NULL)',
);
const insert = db.$client.prepare(
  'INSERT INTO bookings (location_id, starts_at, name, email, created_at) VALUES (?, ?, ?, ?, ?)',
);
const app = new Hono().post('/api/v1/appointments', async (c) => {
  const b = (await c.req.json()) as { locationId: string; start: string; customer: { name: string; email: string } };
  const r = insert.run(b.locationId, b.start, b.customer.name, b.customer.email, Date.now());
  return c.json({ reference: `B${r.lastInsertRowid}` }, 201);
});
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
  process.stdout.write(`listening ${info.port}\n`),
);
process.on('SIGTERM', () => {
  db.$client.close();
  process.exit(0);
});
