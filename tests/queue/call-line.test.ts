import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { sqliteStorage } from '../../db/sqlite/storage.ts';
import { createApp } from '../../server/app.ts';
import { counterIds } from '../helpers/appointments.ts';
import { DEMO_DEVICE_TOKEN, signInAs } from '../helpers/auth.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';

/**
 * The call line the SQLite queue repository keeps between presses (db/sqlite/queue-store.ts `keptCallLines`,
 * ARCHITECTURE.md "The call line in memory"): answered again only while it is still the office's line — never after
 * another process's change, nor after a change of its own that rolled back.
 */
const ZIJL = 'haarlem-zijlsingel';
const NOW = '2026-11-23T08:30:00Z';
const dirs: string[] = [];
const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** An office with five passport tickets (P001…P005) and an agent at Balie 1, on a database file. */
async function office(): Promise<{
  ctx: TestContext;
  dbPath: string;
  token: string;
  counterId: number;
  ids: number[];
}> {
  const dir = mkdtempSync(join(tmpdir(), 'loket-call-line-'));
  dirs.push(dir);
  const dbPath = join(dir, 'loket.db');
  const ctx = createTestContext({ dbPath, now: NOW });
  closers.push(() => ctx.db.$client.close());
  const ids: number[] = [];
  for (let i = 0; i < 5; i++) {
    const res = await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, {
      token: DEMO_DEVICE_TOKEN,
      body: { services: [{ code: 'passport', persons: 1 }] },
    });
    expect(res.status).toBe(201);
    ids.push(res.body.id);
  }
  const token = await signInAs(ctx, 'demo-agent');
  const counterId = (await counterIds(ctx)).get('Balie 1') as number;
  expect((await call(ctx, 'POST', `/counters/${counterId}/sign-in`, { token })).status).toBe(200);
  return { ctx, dbPath, token, counterId, ids };
}

/** Call-next then start at the counter; the called ticket's id. */
async function press(ctx: TestContext, counterId: number, token: string): Promise<number> {
  const next = await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token });
  expect(next.status, JSON.stringify(next.body)).toBe(200);
  const id = next.body.ticket.id as number;
  expect((await call(ctx, 'POST', `/tickets/${id}/start`, { token })).status).toBe(200);
  return id;
}

describe('the call line kept between presses (SQLite)', () => {
  it('follows the presses of its own process', async () => {
    const { ctx, token, counterId, ids } = await office();
    const called: number[] = [];
    for (let i = 0; i < 5; i++) called.push(await press(ctx, counterId, token));
    expect(called).toEqual(ids);
    // Each press finished the ticket being served: the kept line knew it was at the counter.
    const last = await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token });
    expect(last.body.ticket).toBeNull();
    const rows = await ctx.sql.rows<{ status: string }>('SELECT status FROM tickets ORDER BY id');
    expect(rows.map((r) => r.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
  });

  it("sees another process's ticket at the next press (the office's seq moved)", async () => {
    const { ctx, dbPath, token, counterId, ids } = await office();
    expect(await press(ctx, counterId, token)).toBe(ids[0]);
    // Another process on the same file: a priority ticket, which ranks first.
    const other = openDatabase(dbPath);
    closers.push(() => other.$client.close());
    const app = createApp({ ...ctx, storage: sqliteStorage(other) });
    const staff = await signInAs({ app }, 'demo-supervisor');
    const urgent = await call({ app }, 'POST', `/locations/${ZIJL}/tickets`, {
      token: staff,
      body: { services: [{ code: 'passport', persons: 1 }], source: 'remote', priority: 5 },
    });
    expect(urgent.status, JSON.stringify(urgent.body)).toBe(201);
    expect(await press(ctx, counterId, token)).toBe(urgent.body.id);
    expect(await press(ctx, counterId, token)).toBe(ids[1]);
  });

  it('forgets a change of its own that rolled back', async () => {
    const { ctx, token, counterId, ids } = await office();
    expect(await press(ctx, counterId, token)).toBe(ids[0]);
    // A transaction cancels P002 through the repository (the kept line follows it), then fails: P002 waits on.
    await expect(
      ctx.storage.write(async (tx) => {
        expect(await tx.queue.updateTicketIf(ids[1] as number, 'waiting', { status: 'cancelled' })).not.toBeNull();
        throw new Error('undone');
      }),
    ).rejects.toThrow('undone');
    expect(await press(ctx, counterId, token)).toBe(ids[1]);
  });
});
