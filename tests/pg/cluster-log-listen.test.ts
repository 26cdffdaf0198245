import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPool } from '../../db/pg/client.ts';
import { type FactWatch, listenForFacts, pgClusterLog } from '../../db/pg/cluster-log.ts';
import { preparePgDatabase } from '../../db/pg/migrate.ts';
import { pgStorage } from '../../db/pg/storage.ts';
import { createPgTestDatabase, describeWithPostgres } from '../helpers/servers.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HOUR = 3_600_000;

/**
 * The hub's tail on PostgreSQL asks the database only when something may be new (db/pg/cluster-log.ts#listenForFacts):
 * a notification from the commit of a transaction with a hub fact, a commit of this process, a page left unread, a
 * dropped listening connection, or the safety read.
 */
describeWithPostgres('PostgreSQL cluster log: reads only when something may be new', () => {
  let database: Awaited<ReturnType<typeof createPgTestDatabase>>;
  let pool: pg.Pool;
  const watches: FactWatch[] = [];

  beforeAll(async () => {
    database = await createPgTestDatabase();
    pool = openPool(database.url, { max: 4 });
    await preparePgDatabase(pool, { seedDemo: true });
  });
  afterAll(async () => {
    for (const w of watches) w.close();
    await pool?.end();
    await database?.drop();
  });

  const revoke = (deviceId: number) =>
    pool.query(
      `INSERT INTO audit_entries (municipality_id, actor_type, action, target_id, at)
       VALUES ('haarlem', 'system', 'device.revoked', $1, now())`,
      [String(deviceId)],
    );
  /** A log on a counting pool (its statements) with a watch of its own. */
  async function watched(options: Parameters<typeof listenForFacts>[1] = {}) {
    const watch = listenForFacts(database.url, { retryMs: 50, ...options });
    watches.push(watch);
    for (let i = 0; i < 200 && !watch.listening; i++) await sleep(10);
    expect(watch.listening).toBe(true);
    let statements = 0;
    const counting = new Proxy(pool, {
      get(target, key, receiver) {
        if (key === 'query')
          return (...args: unknown[]) => {
            statements++;
            return (target.query as (...a: unknown[]) => unknown)(...args);
          };
        return Reflect.get(target, key, receiver);
      },
    });
    return { watch, log: pgClusterLog(counting, watch), statements: () => statements };
  }

  it('an idle tail asks once, and a fact committed on another connection wakes it', async () => {
    const { log, statements } = await watched({ safetyReadMs: HOUR });
    const start = await log.lastId();
    expect(await log.after(start, 10)).toEqual([]);
    const asked = statements();
    for (let i = 0; i < 20; i++) expect(await log.after(start, 10)).toEqual([]);
    expect(statements()).toBe(asked);
    await revoke(41);
    // Only the notification can make it ask again (the safety read is an hour away).
    let seen: number[] = [];
    for (let i = 0; i < 500 && seen.length === 0; i++) {
      seen = (await log.after(start, 10)).map((f) => f.subjectId ?? -1);
      if (seen.length === 0) await sleep(10);
    }
    expect(seen).toEqual([41]);
  });

  it('asks again after a commit of this process, a full page, an older cursor and the safety interval', async () => {
    let now = 0;
    const { watch, log, statements } = await watched({ safetyReadMs: 1_000, nowMs: () => now });
    const start = await log.lastId();
    await log.after(start, 10);
    let asked = statements();
    await log.after(start, 10);
    expect(statements()).toBe(asked);

    watch.committed();
    await log.after(start, 10);
    expect(statements()).toBe(++asked);
    await log.after(start, 10);
    expect(statements()).toBe(asked);

    // Two facts and a page of one: the second is read at the next call, notification or not.
    await revoke(51);
    await revoke(52);
    let first: Awaited<ReturnType<typeof log.after>> = [];
    for (let i = 0; i < 500 && first.length === 0; i++) {
      first = await log.after(start, 1);
      if (first.length === 0) await sleep(10);
    }
    expect(first.map((f) => f.subjectId)).toEqual([51]);
    const cursor = first[0]?.id ?? 0;
    expect((await log.after(cursor, 1)).map((f) => f.subjectId)).toEqual([52]);
    // A caller that held facts back asks from before the newest it was given: read, not answered from memory.
    asked = statements();
    expect((await log.after(cursor, 10)).map((f) => f.subjectId)).toEqual([52]);
    expect(statements()).toBe(asked + 1);
    const end = await log.lastId();
    await log.after(end, 10);
    asked = statements();
    await log.after(end, 10);
    expect(statements()).toBe(asked);
    now += 1_001;
    await log.after(end, 10);
    expect(statements()).toBe(asked + 1);
  });

  it('reads every time while its listening connection is gone, and listens again', async () => {
    const { watch, log, statements } = await watched({ safetyReadMs: HOUR, retryMs: 200 });
    const start = await log.lastId();
    await log.after(start, 10);
    await pool.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'loket-hub-listen' AND datname = current_database()",
    );
    for (let i = 0; i < 200 && watch.listening; i++) await sleep(5);
    expect(watch.listening).toBe(false);
    const asked = statements();
    await log.after(start, 10);
    await log.after(start, 10);
    expect(statements()).toBe(asked + 2);
    for (let i = 0; i < 300 && !watch.listening; i++) await sleep(10);
    expect(watch.listening).toBe(true);
    // Back: one read for what may have committed meanwhile, then quiet again.
    await log.after(start, 10);
    const after = statements();
    await log.after(start, 10);
    expect(statements()).toBe(after);
  });

  it("the storage's write transactions, not a booking's group, tell the hub's log that a fact may be there", async () => {
    const made: { committed: number }[] = [];
    const storage = pgStorage(pool, {
      listenForFacts: (url) => {
        const inner = listenForFacts(url);
        const seen = { committed: 0 };
        made.push(seen);
        watches.push(inner);
        return {
          after: inner.after,
          saw: inner.saw,
          committed: () => {
            seen.committed++;
            inner.committed();
          },
          get listening() {
            return inner.listening;
          },
          close: inner.close,
        };
      },
    });
    const log = storage.clusterLog();
    try {
      const start = await log.lastId();
      for (let i = 0; i < 5; i++) {
        await storage.write((tx) =>
          tx.audit.record(null, 'haarlem', new Date(), { action: 'device.revoked', targetId: 60 + i }),
        );
        // Read at once, whether or not the notification has come back yet.
        const facts = await log.after(start, 100);
        expect(facts.map((f) => f.subjectId)).toContain(60 + i);
      }
      expect(made[0]?.committed).toBe(5);
      await storage.write(async () => 0, { group: true });
      expect(made[0]?.committed).toBe(5);
    } finally {
      log.close();
    }
  });
});
