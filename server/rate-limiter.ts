import { isIPv4, isIPv6 } from 'node:net';
import { type MonotonicClock, monotonicClock } from './clock.ts';

/**
 * Rate limits as token buckets (GCRA: one number per key, the bucket's "theoretical arrival time"), on a
 * monotonic clock so a wall-clock step neither frees nor locks a client. The store is an interface so
 * several processes can share one (`server/redis-limits.ts`: the same GCRA as one Lua script on Redis's
 * clock); the in-memory store is bounded and cannot be flushed by spraying keys (see `BoundedKeyMap`).
 */

/** `limit` requests at once, refilled evenly over `windowMs` (a bucket of `limit` tokens). */
export interface RateRule {
  limit: number;
  windowMs: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Milliseconds until the request (same cost) would be allowed; 0 when allowed. */
  retryAfterMs: number;
}

/** One bucket of `takeInOrder`. */
export interface RateStep {
  key: string;
  rule: RateRule;
  cost: number;
}

/** Shared state of many limiters: one GCRA step, atomic per key. */
export interface RateLimitStore {
  take(key: string, rule: RateRule, cost: number): RateDecision | Promise<RateDecision>;
  /**
   * `take` of each step in order until one refuses — that one's decision (the steps before it keep what they
   * took), else the last one's — in one call (one round trip to a shared store), where the store offers it.
   */
  takeInOrder?(steps: readonly RateStep[]): RateDecision | Promise<RateDecision>;
}

export interface RateLimiter {
  readonly rule: RateRule;
  /** Takes `cost` tokens (default 1) from the key's bucket; refused takes take nothing. */
  consume(key: string, cost?: number): Promise<RateDecision>;
  /** Where `consume` takes from: the store and the store's key for `key` (for `consumeByAddress`). */
  readonly store?: RateLimitStore;
  keyOf?(key: string): string;
}

/** `takeInOrder` over a store's own `take`, for the stores that answer at once (memory). */
function takeEachInOrder(
  take: (key: string, rule: RateRule, cost: number) => RateDecision,
  steps: readonly RateStep[],
): RateDecision {
  let decision: RateDecision = { allowed: true, retryAfterMs: 0 };
  for (const step of steps) {
    decision = take(step.key, step.rule, step.cost);
    if (!decision.allowed) return decision;
  }
  return decision;
}

/**
 * A map bounded to `maxKeys` entries that an attacker cannot flush: when full, it drops entries that
 * carry no state any more (`isIdle`), else the entry with the least at stake (`weight`) among the
 * `sample` least recently touched. Pushing out a client's lockout thus takes `maxKeys` other keys
 * with more at stake, each bought with as many refused requests. O(sample) per insertion.
 */
export class BoundedKeyMap<V> {
  private readonly entries = new Map<string, V>();

  constructor(
    private readonly maxKeys: number,
    private readonly isIdle: (value: V) => boolean,
    private readonly weight: (value: V) => number,
    private readonly sample = 32,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  /** Stores the value as the most recently touched. */
  set(key: string, value: V): void {
    if (this.entries.has(key)) this.entries.delete(key);
    else if (this.entries.size >= this.maxKeys) this.makeRoom();
    this.entries.set(key, value);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  private makeRoom(): void {
    let victim: string | null = null;
    let least = Number.POSITIVE_INFINITY;
    let seen = 0;
    for (const [key, value] of this.entries) {
      if (this.isIdle(value)) {
        this.entries.delete(key);
        return;
      }
      const w = this.weight(value);
      if (w < least) {
        least = w;
        victim = key;
      }
      if (++seen >= this.sample) break;
    }
    if (victim !== null) this.entries.delete(victim);
  }
}

/** GCRA over a bounded map: the store for one process. */
export function createMemoryRateLimitStore(
  options: { clock?: MonotonicClock; maxKeys?: number } = {},
): RateLimitStore & {
  takeSync(key: string, rule: RateRule, cost: number): RateDecision;
  waitSync(key: string, rule: RateRule, cost: number): number;
  addSync(key: string, rule: RateRule, cost: number): void;
  delete(key: string): void;
  readonly size: number;
} {
  const clock = options.clock ?? monotonicClock;
  // Value: the theoretical arrival time; the bucket is full again once it is in the past.
  const tats = new BoundedKeyMap<number>(
    options.maxKeys ?? 100_000,
    (tat) => tat <= clock.nowMs(),
    (tat) => tat,
  );
  const takeSync = (key: string, rule: RateRule, cost: number): RateDecision => {
    const now = clock.nowMs();
    const interval = rule.windowMs / rule.limit;
    const tat = Math.max(tats.get(key) ?? now, now);
    const next = tat + interval * cost;
    const wait = next - now - rule.windowMs;
    if (wait > 0) return { allowed: false, retryAfterMs: Math.ceil(wait) };
    tats.set(key, next);
    return { allowed: true, retryAfterMs: 0 };
  };
  const waitSync = (key: string, rule: RateRule, cost: number): number => {
    const now = clock.nowMs();
    const tat = Math.max(tats.get(key) ?? now, now);
    return Math.max(0, Math.ceil(tat + (rule.windowMs / rule.limit) * cost - now - rule.windowMs));
  };
  const addSync = (key: string, rule: RateRule, cost: number): void => {
    const now = clock.nowMs();
    const tat = Math.max(tats.get(key) ?? now, now);
    tats.set(key, Math.min(tat + (rule.windowMs / rule.limit) * cost, now + 2 * rule.windowMs));
  };
  return {
    takeSync,
    waitSync,
    addSync,
    delete: (key) => tats.delete(key),
    take: takeSync,
    takeInOrder: (steps) => takeEachInOrder(takeSync, steps),
    get size() {
      return tats.size;
    },
  };
}

/** A counter that expires: `ttlMs` left (0 when there is none). */
export interface CountState {
  count: number;
  ttlMs: number;
}

/**
 * Every limit state a node keeps: GCRA buckets, expiring counters, holds (bans and delays) and, for the
 * hub, open connections per address. In memory for one process (`createMemoryLimitStore`); over Redis
 * for several (`server/redis-limits.ts`), which falls back to its own memory store whenever Redis does
 * not answer, so none of these methods ever rejects.
 */
export interface LimitStore extends RateLimitStore {
  /** Milliseconds until `cost` could be taken from the bucket (0: now), taking nothing. */
  wait(key: string, rule: RateRule, cost: number): Promise<number>;
  /** Adds `cost` to the bucket even past its limit (a penalty); the wait it causes is capped near one window. */
  add(key: string, rule: RateRule, cost: number): Promise<void>;
  /**
   * Counts one event under `key`. `extend`: the count is forgotten `ttlMs` after the LAST event (else
   * after the first: a fixed window). Answers the count and its time left.
   */
  count(key: string, ttlMs: number, extend: boolean): Promise<CountState>;
  peekCount(key: string): Promise<CountState>;
  /** Holds `key` for `ms` (a delay or a ban); a shorter hold never shortens a longer one. */
  hold(key: string, ms: number): Promise<void>;
  /** Milliseconds left of the key's hold, 0 when none. */
  heldFor(key: string): Promise<number>;
  forget(...keys: string[]): Promise<void>;
  /**
   * Counts a connection of `host` against caps held across every node (true: admitted). One process
   * has no other nodes: the memory store admits and the caller checks its own counts.
   */
  claimConnection(host: string, anonymous: boolean, caps: { all: number; anonymous: number }): Promise<boolean>;
  releaseConnection(host: string, anonymous: boolean): void;
}

/** The limit state of one process, bounded and unflushable like every map here (`BoundedKeyMap`). */
export function createMemoryLimitStore(
  options: { clock?: MonotonicClock; maxKeys?: number } = {},
): LimitStore & { readonly size: number } {
  const clock = options.clock ?? monotonicClock;
  const maxKeys = options.maxKeys ?? 100_000;
  const buckets = createMemoryRateLimitStore({ clock, maxKeys });
  const counts = new BoundedKeyMap<{ count: number; expiresAt: number }>(
    maxKeys,
    (c) => c.expiresAt <= clock.nowMs(),
    (c) => c.count,
  );
  const holds = new BoundedKeyMap<number>(
    maxKeys,
    (until) => until <= clock.nowMs(),
    (until) => until,
  );
  const live = (key: string) => {
    const c = counts.get(key);
    return c && c.expiresAt > clock.nowMs() ? c : undefined;
  };
  return {
    take: async (key, rule, cost) => buckets.takeSync(key, rule, cost),
    takeInOrder: async (steps) => takeEachInOrder(buckets.takeSync, steps),
    wait: async (key, rule, cost) => buckets.waitSync(key, rule, cost),
    add: async (key, rule, cost) => buckets.addSync(key, rule, cost),
    count: async (key, ttlMs, extend) => {
      const now = clock.nowMs();
      const c = live(key);
      const next = { count: (c?.count ?? 0) + 1, expiresAt: c && !extend ? c.expiresAt : now + ttlMs };
      counts.set(key, next);
      return { count: next.count, ttlMs: next.expiresAt - now };
    },
    peekCount: async (key) => {
      const c = live(key);
      return c ? { count: c.count, ttlMs: c.expiresAt - clock.nowMs() } : { count: 0, ttlMs: 0 };
    },
    hold: async (key, ms) => {
      const until = clock.nowMs() + ms;
      if ((holds.get(key) ?? 0) < until) holds.set(key, until);
    },
    heldFor: async (key) => Math.max(0, (holds.get(key) ?? 0) - clock.nowMs()),
    forget: async (...keys) => {
      for (const key of keys) {
        buckets.delete(key);
        counts.delete(key);
        holds.delete(key);
      }
    },
    claimConnection: async () => true,
    releaseConnection: () => {},
    get size() {
      return buckets.size + counts.size + holds.size;
    },
  };
}

/**
 * A limiter for one rule. Without a store it gets its own in-memory one; limiters sharing a store
 * (one Redis for every process) never collide, as each prefixes its keys with its name.
 */
export function createRateLimiter(
  rule: RateRule & { name: string },
  options: { store?: RateLimitStore; clock?: MonotonicClock } = {},
): RateLimiter {
  const store = options.store ?? createMemoryRateLimitStore({ clock: options.clock });
  if (!(rule.limit > 0 && rule.windowMs > 0)) throw new Error(`rate rule ${rule.name}: limit and window must be > 0`);
  const { name, ...bare } = rule;
  const keyOf = (key: string) => `${name}:${key}`;
  return {
    rule: bare,
    consume: async (key, cost = 1) => store.take(keyOf(key), bare, cost),
    store,
    keyOf,
  };
}

/** A token bucket held by its owner (a socket): no map, no store, synchronous. */
export class TokenBucket {
  private tat: number;

  constructor(
    private readonly rule: RateRule,
    private readonly clock: MonotonicClock = monotonicClock,
  ) {
    this.tat = clock.nowMs();
  }

  take(cost = 1): boolean {
    const now = this.clock.nowMs();
    const next = Math.max(this.tat, now) + (this.rule.windowMs / this.rule.limit) * cost;
    if (next - now > this.rule.windowMs) return false;
    this.tat = next;
    return true;
  }
}

/**
 * The keys a client address is limited under. One IPv6 subscriber gets a whole /64 (often far more),
 * so a host is its /64; a network is an IPv4 /24 or an IPv6 /48, limited more loosely, so one
 * subscriber or cloud tenant rotating addresses still meets a limit. IPv4-mapped IPv6 counts as IPv4.
 */
export function addressGroups(address: string): { host: string; network: string } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ip = mapped?.[1] ?? address;
  if (isIPv4(ip)) {
    const parts = ip.split('.');
    return { host: ip, network: `${parts.slice(0, 3).join('.')}.0/24` };
  }
  const groups = isIPv6(ip) ? expandIPv6(ip) : null;
  if (!groups) return { host: address, network: address };
  return { host: `${groups.slice(0, 4).join(':')}::/64`, network: `${groups.slice(0, 3).join(':')}::/48` };
}

/** Eight hextets without leading zeros, or null. Zone ids (`%eth0`) are dropped. */
function expandIPv6(ip: string): string[] | null {
  let text = ip.split('%')[0] ?? '';
  // An embedded IPv4 tail becomes two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1]) {
    const b = v4[1].split('.').map(Number);
    text = `${text.slice(0, -v4[1].length)}${(((b[0] ?? 0) << 8) | (b[1] ?? 0)).toString(16)}:${(((b[2] ?? 0) << 8) | (b[3] ?? 0)).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  if (fill < 0) return null;
  const all = [...left, ...Array<string>(fill).fill('0'), ...right];
  if (all.length !== 8) return null;
  return all.map((h) => Number.parseInt(h || '0', 16).toString(16));
}

/** Takes from the host's bucket and, when that allows it, the network's (given one); refuses with the refusing one's wait. */
export async function consumeByAddress(
  address: string,
  limiters: { host: RateLimiter; network?: RateLimiter },
): Promise<RateDecision> {
  const groups = addressGroups(address);
  const { host, network } = limiters;
  // Both buckets in one call when they share a store that takes in order (one round trip to Redis, not two).
  const store = host.store;
  if (network && store?.takeInOrder && network.store === store && host.keyOf && network.keyOf)
    return store.takeInOrder([
      { key: host.keyOf(groups.host), rule: host.rule, cost: 1 },
      { key: network.keyOf(groups.network), rule: network.rule, cost: 1 },
    ]);
  const decision = await host.consume(groups.host);
  if (!decision.allowed || !network) return decision;
  return network.consume(groups.network);
}
