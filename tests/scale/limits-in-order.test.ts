import { afterAll, expect, it } from 'vitest';
import { silentLogger } from '../../server/logger.ts';
import {
  consumeByAddress,
  createMemoryLimitStore,
  createRateLimiter,
  type RateLimitStore,
} from '../../server/rate-limiter.ts';
import { createRedisLimitStore } from '../../server/redis-limits.ts';
import { deleteRedisPrefix, describeWithRedis, testRedis, uniquePrefix } from '../helpers/servers.ts';

/**
 * A booking's host and network limits are taken in one call when both limiters share a store (issue #9: one
 * round trip to Redis instead of two). Same decisions as taking them one after the other: the host first, the
 * network only when the host allowed it, and a host take kept when the network then refuses.
 */
const prefix = uniquePrefix('limits-in-order');
afterAll(async () => {
  await deleteRedisPrefix(prefix);
});

/** The decisions of a fixed sequence of bookings from addresses in two networks, through `store`. */
async function decisions(store: RateLimitStore): Promise<string[]> {
  const host = createRateLimiter({ name: 'h', limit: 2, windowMs: 60_000 }, { store });
  const network = createRateLimiter({ name: 'n', limit: 3, windowMs: 60_000 }, { store });
  const out: string[] = [];
  for (const address of ['192.0.2.1', '192.0.2.1', '192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.3', '198.51.100.7'])
    out.push((await consumeByAddress(address, { host, network })).allowed ? 'ok' : 'refused');
  // The host bucket of .2 kept its take although the network refused .3: one more from .2 is its second.
  const again = await host.consume('192.0.2.2');
  out.push(again.allowed ? 'host-ok' : 'host-refused');
  return out;
}

const expected = ['ok', 'ok', 'refused', 'ok', 'refused', 'refused', 'ok', 'host-ok'];

it('takes in order from memory as one take after the other would', async () => {
  const store = createMemoryLimitStore();
  let inOrder = 0;
  const counted: RateLimitStore = {
    take: store.take,
    takeInOrder: (steps) => {
      inOrder++;
      return store.takeInOrder?.(steps) ?? { allowed: false, retryAfterMs: 0 };
    },
  };
  expect(await decisions(counted)).toEqual(expected);
  expect(inOrder).toBe(7);
});

describeWithRedis('host and network limits in one round trip to Redis', () => {
  it('gives the same decisions as memory, one script call per booking, with a wait to the millisecond', async () => {
    const redis = testRedis();
    try {
      if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
      const store = createRedisLimitStore(redis, { prefix, log: silentLogger });
      let calls = 0;
      const evalsha = redis.evalsha.bind(redis) as (...args: unknown[]) => Promise<unknown>;
      (redis as unknown as { evalsha: unknown }).evalsha = (...args: unknown[]) => {
        calls++;
        return evalsha(...args);
      };
      try {
        expect(await decisions(store)).toEqual(expected);
        expect(store.shared).toBe(true);
        // Seven bookings in one call each, and the host's own take at the end.
        expect(calls).toBe(8);
        const host = createRateLimiter({ name: 'h', limit: 2, windowMs: 60_000 }, { store });
        const network = createRateLimiter({ name: 'n', limit: 3, windowMs: 60_000 }, { store });
        const refused = await consumeByAddress('192.0.2.9', { host, network });
        expect(refused.allowed).toBe(false);
        expect(refused.retryAfterMs).toBeGreaterThan(0);
        expect(refused.retryAfterMs).toBeLessThanOrEqual(20_000);
      } finally {
        await store.close();
      }
    } finally {
      redis.disconnect();
    }
  });
});
