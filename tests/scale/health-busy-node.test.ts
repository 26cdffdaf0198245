import type { Redis } from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import { openPool } from '../../db/pg/client.ts';
import { pgStorage } from '../../db/pg/storage.ts';
import { createNodeHealth } from '../../server/node-health.ts';
import { createPgTestDatabase, describeWithPostgres, describeWithRedis, testRedis } from '../helpers/servers.ts';

// Issue #9: a node taking over a dead node's screens is busy — its event loop late, its pool taken. Its /health must
// still say what its database and Redis do, not that it is busy: a 503 makes the balancer take it out, screens and all.

const cleanup: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** Keeps the event loop from turning for `ms` (a node's main thread busy with a storm's handshakes and snapshots). */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
}

describeWithRedis('node health with Redis on a busy event loop', () => {
  it('takes a PONG that came in while the loop was busy for an answer, not for silence', async () => {
    const redis: Redis = testRedis();
    cleanup.push(() => redis.quit());
    await redis.ping();
    const health = createNodeHealth({ redis, probeEveryMs: 60_000, timeoutMs: 50 });
    expect(health.problem()).toBeNull(); // the first probe is sent now
    busy(300); // its PONG arrives meanwhile; its bound (50 ms) passes too
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(health.problem()).toBeNull();
  });
});

describeWithPostgres('the PostgreSQL readiness probe on a busy node', () => {
  it('counts a connection given back lately as the database answering, and probes when none was', async () => {
    const database = await createPgTestDatabase();
    cleanup.push(() => database.drop());
    const pool = openPool(database.url, { max: 1 });
    cleanup.push(() => pool.end());
    const storage = pgStorage(pool);
    await pool.query('select 1');
    // Every connection taken (a storm's reads): the probe would wait for one past its bound.
    const held = await pool.connect();
    cleanup.push(() => held.release());
    expect(await storage.problem()).toBeNull();
    // Nothing given back for longer than that: the probe asks, and the pool has nothing to ask with.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await storage.problem()).toBe('the database does not answer in time');
  });
});
