import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPool } from '../../db/pg/client.ts';
import { pgClusterLog } from '../../db/pg/cluster-log.ts';
import { preparePgDatabase } from '../../db/pg/migrate.ts';
import type { ClusterLog } from '../../server/cluster/log-store.ts';
import { createPgTestDatabase, describeWithPostgres } from '../helpers/servers.ts';

/** What only PostgreSQL has to prove: facts of concurrent transactions get ids in commit order. */
describeWithPostgres('PostgreSQL cluster log: ids in commit order', () => {
  let database: Awaited<ReturnType<typeof createPgTestDatabase>>;
  let pool: pg.Pool;
  let log: ClusterLog;

  beforeAll(async () => {
    database = await createPgTestDatabase();
    pool = openPool(database.url, { max: 12 });
    await preparePgDatabase(pool, { seedDemo: true });
    log = pgClusterLog(pool);
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  const revoke = (client: pg.Pool | pg.PoolClient, deviceId: number) =>
    client.query(
      `INSERT INTO audit_entries (municipality_id, actor_type, action, target_id, at)
       VALUES ('haarlem', 'system', 'device.revoked', $1, now())`,
      [String(deviceId)],
    );

  it('a fact that commits late gets a higher id than one that committed meanwhile', async () => {
    const start = await log.lastId();
    const slow = await pool.connect();
    try {
      await slow.query('BEGIN');
      await revoke(slow, 1);
      await revoke(pool, 2);
      const seen = await log.after(start, 10);
      expect(seen.map((f) => f.subjectId)).toEqual([2]);
      await slow.query('COMMIT');
      const later = await log.after(seen[0]?.id ?? 0, 10);
      expect(later.map((f) => f.subjectId)).toEqual([1]);
    } finally {
      slow.release();
    }
  });

  it('a tailer polling during many concurrent writers sees every fact exactly once', async () => {
    const start = await log.lastId();
    const writers = 8;
    const perWriter = 25;
    let done = false;
    const seen: number[] = [];
    const tail = (async () => {
      let last = start;
      for (let round = 0; round < 100_000; round++) {
        const finished = done;
        const facts = await log.after(last, 50);
        for (const f of facts) seen.push(f.subjectId ?? -1);
        if (facts.length > 0) last = facts.at(-1)?.id ?? last;
        else if (finished) return;
      }
    })();
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) {
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            await revoke(client, w * 1000 + i);
            // A little work after the fact, so transactions overlap and commit out of insert order.
            await client.query('SELECT pg_sleep($1)', [Math.random() / 500]);
            await client.query('COMMIT');
          } finally {
            client.release();
          }
        }
      }),
    );
    done = true;
    await tail;
    expect(seen).toHaveLength(writers * perWriter);
    expect(new Set(seen).size).toBe(writers * perWriter);
  });
});
