import { type MonotonicClock, monotonicClock } from '../clock.ts';
import { addressGroups, BoundedKeyMap, type RateRule } from '../rate-limiter.ts';

/**
 * Slows password guessing down without locking the account out. Failures count per username AND
 * source (IPv4 address, IPv6 /64) together: after `freeFailures` that pair waits 1 s, 2 s, 4 s … up to
 * `maxDelayMs` between attempts. A source that fails on many usernames (a spray) meets a bucket of
 * failures per source, and its network (IPv4 /24, IPv6 /48) a looser one. The right password from a
 * source that has not failed therefore always signs in, however hard someone else guesses.
 *
 * Memory is bounded (`maxKeys` per table) by `BoundedKeyMap`, which never lets a spray of fresh keys
 * push out a delay: only entries with less at stake go first. Windows run on a monotonic clock.
 * The interface is asynchronous so a shared store (Redis) can stand in for several processes.
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
}

interface PairState {
  failures: number;
  lastFailureAt: number;
  blockedUntil: number;
}

export function createLoginThrottle(options: LoginThrottleOptions = {}): LoginThrottle {
  const clock = options.clock ?? monotonicClock;
  const freeFailures = options.freeFailures ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 15 * 60_000;
  const forgetAfterMs = options.forgetAfterMs ?? 24 * 3_600_000;
  const perSource = options.perSource ?? { limit: 30, windowMs: 15 * 60_000 };
  const perNetwork = options.perNetwork ?? { limit: 120, windowMs: 15 * 60_000 };
  const maxKeys = options.maxKeys ?? 100_000;

  const pairs = new BoundedKeyMap<PairState>(
    maxKeys,
    (s) => clock.nowMs() - s.lastFailureAt > forgetAfterMs,
    (s) => s.failures,
  );
  // GCRA buckets of failures (theoretical arrival times), as in rate-limit.ts.
  const buckets = new BoundedKeyMap<number>(
    maxKeys,
    (tat) => tat <= clock.nowMs(),
    (tat) => tat,
  );

  const pairKey = (username: string, client: string) =>
    `${username.normalize('NFC').toLowerCase()}\u0000${addressGroups(client).host}`;
  const bucketWait = (key: string, rule: RateRule, now: number): number => {
    const tat = buckets.get(key);
    if (tat === undefined) return 0;
    // The next failure would push past the window: refuse attempts until there is room for one.
    return Math.max(0, tat + rule.windowMs / rule.limit - now - rule.windowMs);
  };
  const addToBucket = (key: string, rule: RateRule, now: number) => {
    buckets.set(key, Math.max(buckets.get(key) ?? now, now) + rule.windowMs / rule.limit);
  };

  return {
    retryAfter: async (username, client) => {
      const now = clock.nowMs();
      const groups = addressGroups(client);
      const pair = pairs.get(pairKey(username, client));
      const waitMs = Math.max(
        pair ? pair.blockedUntil - now : 0,
        bucketWait(`s:${groups.host}`, perSource, now),
        bucketWait(`n:${groups.network}`, perNetwork, now),
      );
      return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
    },
    recordFailure: async (username, client) => {
      const now = clock.nowMs();
      const key = pairKey(username, client);
      const previous = pairs.get(key);
      const failures = previous && now - previous.lastFailureAt <= forgetAfterMs ? previous.failures + 1 : 1;
      const over = failures - freeFailures;
      const delay = over > 0 ? Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(over - 1, 30)) : 0;
      pairs.set(key, { failures, lastFailureAt: now, blockedUntil: now + delay });
      const groups = addressGroups(client);
      addToBucket(`s:${groups.host}`, perSource, now);
      addToBucket(`n:${groups.network}`, perNetwork, now);
    },
    recordSuccess: async (username, client) => {
      pairs.delete(pairKey(username, client));
    },
  };
}
