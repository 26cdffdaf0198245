import { createHash } from 'node:crypto';
import { type MonotonicClock, monotonicClock } from '../clock.ts';
import { addressGroups, createMemoryLimitStore, type LimitStore, type RateRule } from '../rate-limiter.ts';

/**
 * Slows password guessing down without locking the account out. Failures count per username AND
 * source (IPv4 address, IPv6 /64) together: after `freeFailures` that pair waits 1 s, 2 s, 4 s … up to
 * `maxDelayMs` between attempts. A source that fails on many usernames (a spray) meets a bucket of
 * failures per source, and its network (IPv4 /24, IPv6 /48) a looser one. The right password from a
 * source that has not failed therefore always signs in, however hard someone else guesses.
 *
 * The state lives in a `LimitStore`: by default this process's memory, bounded (`maxKeys` per table)
 * so that a spray of fresh keys never pushes out a delay, on a monotonic clock; with REDIS_URL the
 * store every node shares (`server/redis-limits.ts`), so a guesser meets the same delay on every node.
 * A pair is stored under a hash of username and source, never the username itself.
 */
export interface LoginThrottle {
  /** Seconds to wait before `username` may be tried from `client`; 0 when an attempt is allowed. */
  retryAfter(username: string, client: string): Promise<number>;
  recordFailure(username: string, client: string): Promise<void>;
  /** Clears the pair's failures (not the source's: one success does not excuse a spray). */
  recordSuccess(username: string, client: string): Promise<void>;
}

export interface LoginThrottleOptions {
  clock?: MonotonicClock;
  /** Failures of one pair without any delay (typos). */
  freeFailures?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A pair's failures are forgotten this long after its last one. */
  forgetAfterMs?: number;
  /** Failures per source, over any usernames. */
  perSource?: RateRule;
  /** Failures per network. */
  perNetwork?: RateRule;
  maxKeys?: number;
  /** Shared state (several nodes); default: this process's memory. */
  store?: LimitStore;
}

export function createLoginThrottle(options: LoginThrottleOptions = {}): LoginThrottle {
  const freeFailures = options.freeFailures ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 15 * 60_000;
  const forgetAfterMs = options.forgetAfterMs ?? 24 * 3_600_000;
  const perSource = options.perSource ?? { limit: 30, windowMs: 15 * 60_000 };
  const perNetwork = options.perNetwork ?? { limit: 120, windowMs: 15 * 60_000 };
  const store =
    options.store ??
    createMemoryLimitStore({ clock: options.clock ?? monotonicClock, maxKeys: options.maxKeys ?? 100_000 });

  const pairOf = (username: string, client: string) => {
    const id = createHash('sha256')
      .update(`${username.normalize('NFC').toLowerCase()}\u0000${addressGroups(client).host}`)
      .digest('base64url')
      .slice(0, 22);
    return { failures: `login-failures:${id}`, delay: `login-delay:${id}` };
  };
  const sourceOf = (client: string) => {
    const groups = addressGroups(client);
    return { host: `login-source:${groups.host}`, network: `login-network:${groups.network}` };
  };

  return {
    retryAfter: async (username, client) => {
      const source = sourceOf(client);
      // The next failure would push a bucket past its window: refuse attempts until there is room for one.
      const waits = await Promise.all([
        store.heldFor(pairOf(username, client).delay),
        store.wait(source.host, perSource, 1),
        store.wait(source.network, perNetwork, 1),
      ]);
      const waitMs = Math.max(...waits);
      return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
    },
    recordFailure: async (username, client) => {
      const pair = pairOf(username, client);
      const { count } = await store.count(pair.failures, forgetAfterMs, true);
      const over = count - freeFailures;
      if (over > 0) await store.hold(pair.delay, Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(over - 1, 30)));
      const source = sourceOf(client);
      await Promise.all([store.add(source.host, perSource, 1), store.add(source.network, perNetwork, 1)]);
    },
    recordSuccess: async (username, client) => {
      const pair = pairOf(username, client);
      await store.forget(pair.failures, pair.delay);
    },
  };
}
