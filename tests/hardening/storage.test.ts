import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { appointments } from '../../db/schema/index.ts';
import { sqliteStorage } from '../../db/sqlite/storage.ts';
import { createApp } from '../../server/app.ts';
import type { Config } from '../../server/config.ts';
import { erasePersonalData } from '../../server/jobs/retention.ts';
import { DEMO_DEVICE_TOKEN } from '../helpers/auth.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';

const dirs: string[] = [];
const contexts: TestContext[] = [];
afterEach(() => {
  for (const ctx of contexts.splice(0)) {
    try {
      ctx.db.$client.close();
    } catch {
      // already closed
    }
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function onDisk(config: Partial<Config> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'loket-storage-'));
  dirs.push(dir);
  const dbPath = join(dir, 'loket.db');
  const ctx = createTestContext({ now: '2026-11-23T08:00:00Z', dbPath, config });
  contexts.push(ctx);
  return { ctx, dir, dbPath };
}

const book = (ctx: TestContext, start: string, name: string, email: string, phone?: string) =>
  call(ctx, 'POST', '/appointments', {
    body: {
      locationId: 'haarlem-zijlsingel',
      services: [{ code: 'passport', persons: 1 }],
      start,
      customer: { name, email, ...(phone ? { phone } : {}) },
    },
  });

/** Occurrences of `needle` (UTF-8) in a file's raw bytes; 0 when the file does not exist. */
function occurrences(file: string, needle: string): number {
  if (!existsSync(file)) return 0;
  const hay = readFileSync(file);
  const pattern = Buffer.from(needle, 'utf8');
  let count = 0;
  for (let at = hay.indexOf(pattern); at !== -1; at = hay.indexOf(pattern, at + 1)) count++;
  return count;
}

describe('finding 4: erased personal data is gone from the database file and its WAL', () => {
  it('after the retention job no byte of the names and addresses remains in loket.db or loket.db-wal', async () => {
    const { ctx, dbPath } = onDisk({ RETENTION_DAYS: 7 });
    const people = [
      ['Wilhelmina Zoutekouw', 'w.zoutekouw@example.nl', '2026-11-24T11:00:00+01:00'],
      ['Bartholomeus Quist', 'b.quist.prive@example.nl', '2026-11-24T11:30:00+01:00'],
      ['Zoë Ñandú', 'zoe.nandu@example.nl', '2026-11-25T11:00:00+01:00'],
    ] as const;
    for (const [name, email, start] of people) {
      const res = await book(ctx, start, name, email, '+31 6 4817 2935');
      expect(res.status).toBe(201);
      // Reschedule once so older versions of the row exist in more pages.
      const moved = await ctx.app.request(`/api/v1/appointments/${res.body.reference}/reschedule`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${res.body.manageToken}` },
        body: JSON.stringify({ start: start.replace('T11:', 'T12:') }),
      });
      expect(moved.status).toBe(200);
    }
    const files = [dbPath, `${dbPath}-wal`];
    const before = people.flatMap((p) => [p[0], p[1]]).map((v) => files.map((f) => occurrences(f, v)));
    expect(before.every((perFile) => perFile.reduce((a, b) => a + b, 0) > 0)).toBe(true);

    ctx.clock.set('2026-12-10T00:00:00Z');
    expect(await erasePersonalData(ctx)).toBe(3);
    for (const [name, email] of people) {
      for (const file of files) {
        expect(occurrences(file, name), `${name} in ${file}`).toBe(0);
        expect(occurrences(file, email), `${email} in ${file}`).toBe(0);
      }
    }
    for (const file of files) {
      expect(occurrences(file, '+31 6 4817 2935'), `phone in ${file}`).toBe(0);
      expect(occurrences(file, '64817293'), `phone digits in ${file}`).toBe(0);
    }
    // The appointments stay, without a person.
    expect(
      ctx.db
        .select()
        .from(appointments)
        .all()
        .every((a) => a.customerEmail === null),
    ).toBe(true);
  });
});

describe('finding 6: readiness tells the truth and writes are refused, not lost', () => {
  const issue = (ctx: TestContext) =>
    call(ctx, 'POST', '/locations/haarlem-zijlsingel/tickets', {
      token: DEMO_DEVICE_TOKEN,
      body: { services: [{ code: 'passport', persons: 1 }] },
    });

  it('the data directory deleted under the running server: /health 503, bookings 503, nothing acknowledged', async () => {
    const { ctx, dir } = onDisk();
    expect((await ctx.app.request('/api/v1/health')).status).toBe(200);
    expect((await book(ctx, '2026-11-24T11:00:00+01:00', 'Anna', 'anna@example.nl')).status).toBe(201);
    rmSync(dir, { recursive: true, force: true });
    const health = await ctx.app.request('/api/v1/health');
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'unavailable', reason: 'the database file is gone' });
    const refused = await book(ctx, '2026-11-24T11:30:00+01:00', 'Bob', 'bob@example.nl');
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('unavailable');
    expect((await issue(ctx)).status).toBe(503);
  });

  it('the file replaced by another: 503 until the server is restarted on it', async () => {
    const { ctx, dir, dbPath } = onDisk();
    const other = openDatabase(join(dir, 'other.db'));
    other.$client.close();
    renameSync(join(dir, 'other.db'), dbPath);
    const health = await ctx.app.request('/api/v1/health');
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ reason: 'the database file was replaced' });
    expect((await issue(ctx)).status).toBe(503);
  });

  it('a full disk: 503 and writes refused', async () => {
    const { ctx: seeded, dbPath } = onDisk();
    seeded.db.$client.close();
    // More free space demanded than any disk has: the real statfs check reports the disk as full.
    const db = openDatabase(dbPath, { minFreeBytes: Number.MAX_SAFE_INTEGER });
    const storage = sqliteStorage(db);
    const ctx = { ...seeded, db, storage, app: createApp({ ...seeded, storage }) };
    contexts.push(ctx);
    const health = await ctx.app.request('/api/v1/health');
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ reason: 'the disk is full' });
    const refused = await book(ctx, '2026-11-24T11:00:00+01:00', 'Anna', 'anna@example.nl');
    expect(refused.status).toBe(503);
    expect(ctx.db.select().from(appointments).all()).toHaveLength(0);
  });
});
