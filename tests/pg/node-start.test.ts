import { existsSync } from 'node:fs';
import { type AddressInfo, createServer, connect as dial, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type pg from 'pg';
import { expect, it } from 'vitest';
import { openPool } from '../../db/pg/client.ts';
import { type NodeProcess, startNode, tempDir } from '../helpers/node-process.ts';
import { cleanupAfterEach } from '../helpers/server.ts';
import { createPgTestDatabase, describeWithPostgres } from '../helpers/servers.ts';

// Issue #9: server/main.ts with DATABASE_URL, as an operator starts a node: it migrates and seeds an empty
// database once (however many nodes start together), serves, books as on SQLite, and reports the database
// unreachable in /api/v1/health.

const ZIJL = 'haarlem-zijlsingel';
const DEMO_BLOCK = '=== Loket demo access';
const SEEDED = '"msg":"seeded the demo municipality"';

const cleanup = cleanupAfterEach();

/**
 * A TCP relay on the loopback to the test's PostgreSQL that the test can cut (every connection through it
 * dropped, new ones refused) and restore on the same port: the database unreachable for a node, as when
 * the network or the server goes away, without touching the server the other tests share.
 */
async function relayTo(
  host: string,
  port: number,
): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let own = 0;
  const listen = async () => {
    const next = createServer((client) => {
      const upstream = dial(port, host);
      const end = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('error', end);
        socket.on('close', end);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => next.listen(own, '127.0.0.1', resolve));
    own = (next.address() as AddressInfo).port;
    server = next;
  };
  await listen();
  const cut = async () => {
    const closing = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await new Promise<void>((resolve) => (closing ? closing.close(() => resolve()) : resolve()));
  };
  cleanup.push(cut);
  return { port: own, cut, restore: listen };
}

async function pgDatabase(): Promise<{ url: string; pool: pg.Pool }> {
  const database = await createPgTestDatabase();
  const pool = openPool(database.url, { max: 2 });
  cleanup.push(() => database.drop());
  cleanup.push(() => pool.end());
  return { url: database.url, pool };
}

async function count(pool: pg.Pool, table: string): Promise<number> {
  const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0].n as number;
}

/** What the demo seed and its access put in: one municipality, its two offices, three staff, four devices. */
async function demoCounts(pool: pg.Pool): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['municipalities', 'locations', 'staff_users', 'devices'])
    counts[table] = await count(pool, table);
  return counts;
}
const DEMO = { municipalities: 1, locations: 2, staff_users: 3, devices: 4 };

async function start(env: Record<string, string>): Promise<NodeProcess> {
  // Two nodes compiling with tsx at once on a loaded machine take a while.
  const node = await startNode({ LOKET_DEMO_HISTORY_DAYS: '0', ...env }, 120_000);
  cleanup.push(() => node.kill());
  return node;
}

async function health(node: NodeProcess): Promise<{ status: number; body: { status: string; reason?: string } }> {
  const res = await fetch(`${node.url}/api/v1/health`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as { status: string; reason?: string } };
}

/** Polls (bounded in count and time) until `probe` answers true. */
async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  expect(res.status, url).toBe(200);
  return (await res.json()) as T;
}

describeWithPostgres('server/main.ts on PostgreSQL (DATABASE_URL)', () => {
  it('migrates and seeds an empty database once, serves and books as on SQLite, and reports the database unreachable', async () => {
    const { url, pool } = await pgDatabase();
    const target = new URL(url);
    const relay = await relayTo(target.hostname, Number(target.port || 5432));
    const viaRelay = new URL(url);
    viaRelay.hostname = '127.0.0.1';
    viaRelay.port = String(relay.port);
    const tmp = tempDir('pg-node');
    cleanup.push(() => tmp.remove());
    // LOKET_DB points at a file that must never be created: DATABASE_URL wins.
    const sqliteFile = join(tmp.dir, 'unused.db');
    const env = {
      DATABASE_URL: viaRelay.toString(),
      LOKET_DB: sqliteFile,
      RATE_LIMIT_BOOKINGS_PER_MINUTE: '1000',
    };

    const first = await start(env);
    expect(existsSync(sqliteFile)).toBe(false);
    expect(await health(first)).toEqual({ status: 200, body: { status: 'ok' } });
    expect(first.output.filter((line) => line.includes(SEEDED))).toHaveLength(1);
    expect(first.output.filter((line) => line.includes(DEMO_BLOCK))).toHaveLength(1);
    expect(await demoCounts(pool)).toEqual(DEMO);

    // Twelve residents want the same first free time: each gets 201 or 409, never more 201s than places.
    const { days } = await getJson<{ days: string[] }>(
      `${first.url}/api/v1/locations/${ZIJL}/available-days?services=passport:1`,
    );
    const day = days[0] as string;
    const timesOf = async () =>
      (
        await getJson<{ times: string[] }>(
          `${first.url}/api/v1/locations/${ZIJL}/available-times?services=passport:1&date=${day}`,
        )
      ).times;
    const start0 = (await timesOf())[0] as string;
    const answers = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const res = await fetch(`${first.url}/api/v1/appointments`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            locationId: ZIJL,
            services: [{ code: 'passport', persons: 1 }],
            start: start0,
            customer: { name: `Inwoner ${i}`, email: `inwoner${i}@example.nl` },
          }),
          signal: AbortSignal.timeout(30_000),
        });
        return { status: res.status, body: (await res.json()) as { reference?: string; manageToken?: string } };
      }),
    );
    const statuses = answers.map((a) => a.status);
    expect(
      statuses.every((s) => s === 201 || s === 409),
      statuses.join(','),
    ).toBe(true);
    const booked = answers.filter((a) => a.status === 201);
    expect(booked.length).toBeGreaterThan(0);
    // Every 201 is in the database at that time, each on its own counter, and nothing else is.
    const rows = await pool.query(
      `SELECT reference, counter_id FROM appointments WHERE location_id = $1 AND starts_at = $2 AND status = 'booked'`,
      [ZIJL, new Date(start0)],
    );
    expect(rows.rows.map((r) => r.reference).sort()).toEqual(booked.map((a) => a.body.reference).sort());
    expect(new Set(rows.rows.map((r) => r.counter_id)).size).toBe(rows.rows.length);
    // Invariant 1 (ARCHITECTURE.md#invariants) on what was stored: no counter holds two overlapping appointments.
    const overlaps = await pool.query(
      `SELECT a.id FROM appointments a JOIN appointments b
         ON a.counter_id = b.counter_id AND a.id < b.id AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
       WHERE a.status IN ('held', 'booked', 'checked-in') AND b.status IN ('held', 'booked', 'checked-in')`,
    );
    expect(overlaps.rows).toEqual([]);
    // Whoever got 409 lost to a full time: it is no longer offered.
    if (booked.length < answers.length) expect(await timesOf()).not.toContain(start0);

    // A restart finds the database migrated and seeded: no second seed, no secrets shown again.
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const second = await start(env);
    expect(second.output.some((line) => line.includes(SEEDED))).toBe(false);
    expect(second.output.some((line) => line.includes(DEMO_BLOCK))).toBe(false);
    expect(await demoCounts(pool)).toEqual(DEMO);
    const mine = booked[0]?.body;
    const again = await fetch(`${second.url}/api/v1/appointments/${mine?.reference}`, {
      headers: { authorization: `Bearer ${mine?.manageToken}` },
    });
    expect(again.status).toBe(200);

    // The database unreachable: the node says so to the load balancer (once no pooled connection has answered for a
    // second: a busy node's taken pool is not a dead database, db/pg/storage.ts), and recovers when it is back.
    await relay.cut();
    await until('health 503', async () => (await health(second)).status === 503);
    const down = await health(second);
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('unavailable');
    expect(down.body.reason).toMatch(/database/);
    await relay.restore();
    await until('health 200 again', async () => (await health(second)).status === 200);
  }, 300_000);

  it('two nodes starting at the same moment on one empty database seed it exactly once', async () => {
    const { url, pool } = await pgDatabase();
    const tmp = tempDir('pg-nodes');
    cleanup.push(() => tmp.remove());
    const nodes = await Promise.all(
      ['a', 'b'].map((name) => start({ DATABASE_URL: url, LOKET_DB: join(tmp.dir, `${name}.db`) })),
    );
    expect(await demoCounts(pool)).toEqual(DEMO);
    // Only the node that seeded says so, and only it shows the demo secrets (the other's were never stored).
    expect(nodes.filter((node) => node.output.some((line) => line.includes(SEEDED)))).toHaveLength(1);
    expect(nodes.filter((node) => node.output.some((line) => line.includes(DEMO_BLOCK)))).toHaveLength(1);
    for (const node of nodes) expect((await health(node)).status).toBe(200);
    const journal = await import('../../db/pg/migrations/meta/_journal.json', { with: { type: 'json' } });
    expect(await count(pool, 'drizzle.__drizzle_migrations')).toBe(journal.default.entries.length);
  }, 300_000);
});
