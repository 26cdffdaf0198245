import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type MonotonicClock, monotonicClock } from './clock.ts';
import type { Logger } from './logger.ts';
import {
  type CountState,
  createMemoryLimitStore,
  type LimitStore,
  type RateDecision,
  type RateRule,
} from './rate-limiter.ts';

/**
 * The limit state of every node in one Redis (REDIS_URL), under REDIS_KEY_PREFIX: booking and look-up
 * limits, API-key limits, the login throttle, kiosk check-in misses and the hub's per-address limits.
 *
 * Why our own Lua scripts and not rate-limiter-flexible: its Redis limiters count fixed windows, which
 * let a client through twice its limit around a window's edge; ours are the same GCRA token buckets as
 * the in-memory store (`server/rate-limiter.ts`), with fractional refill, `Retry-After` to the
 * millisecond, costs, peeks and penalties, one round trip and one key per bucket. Each script reads
 * Redis's own clock (`TIME`), so every node agrees on it; a step back of that clock can lock a bucket
 * for at most one window more, never forever.
 *
 * Redis is an accelerator of fairness, not a dependency of serving: every call that fails, or takes
 * longer than `timeoutMs`, is answered by this node's own memory store instead, and Redis is left alone
 * for `retryAfterFailureMs` before it is tried again. A node whose Redis is gone thus keeps serving and
 * keeps limiting, each node on its own, until Redis answers again.
 *
 * Open hub connections per address are counted per node (a hash per node, rewritten from the node's
 * own counts every `heartbeatMs`, expiring when the node stops), so a node that dies frees its share.
 */
export interface RedisLimitStore extends LimitStore {
  /** Whether the last call went to Redis (false while falling back). */
  readonly shared: boolean;
  /** Stops the heartbeat and removes this node's connection counts (the connection is the caller's). */
  close(): Promise<void>;
}

export interface RedisLimitOptions {
  /** REDIS_KEY_PREFIX: every key written starts with it. */
  prefix: string;
  log: Logger;
  /** The fallback store's clock (tests pass their own). Timeouts always use the real monotonic clock. */
  clock?: MonotonicClock;
  timeoutMs?: number;
  retryAfterFailureMs?: number;
  heartbeatMs?: number;
  /** This node's name in the connection counts (default: random). */
  nodeId?: string;
}

// Buckets: the value is the theoretical arrival time (ms on Redis's clock); expires once it is past.
// ARGV: interval, window, cost, mode ('take' | 'wait' | 'add'). Answers the wait in ms (0: taken).
const GCRA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval, window, cost, mode = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local tat = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if tat > now + 2 * window then tat = now + 2 * window end
if tat < now then tat = now end
local nxt = tat + interval * cost
local wait = nxt - now - window
if mode == 'wait' then return tostring(math.max(0, wait)) end
if mode == 'take' and wait > 0 then return tostring(wait) end
if nxt > now + 2 * window then nxt = now + 2 * window end
redis.call('SET', KEYS[1], string.format('%.3f', nxt), 'PX', math.ceil(nxt - now) + 1)
return '0'
`;

// GCRA's 'take' on each key in order (KEYS[i]; ARGV: interval, window, cost of each), stopping at the first that
// refuses: its wait in ms, or '0' when every one was taken. One round trip for a host's and its network's bucket.
const GCRA_IN_ORDER = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
for i = 1, #KEYS do
  local interval, window, cost = tonumber(ARGV[3 * i - 2]), tonumber(ARGV[3 * i - 1]), tonumber(ARGV[3 * i])
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0') or 0
  if tat > now + 2 * window then tat = now + 2 * window end
  if tat < now then tat = now end
  local nxt = tat + interval * cost
  local wait = nxt - now - window
  if wait > 0 then return tostring(wait) end
  if nxt > now + 2 * window then nxt = now + 2 * window end
  redis.call('SET', KEYS[i], string.format('%.3f', nxt), 'PX', math.ceil(nxt - now) + 1)
end
return '0'
`;

// ARGV: ttl, extend ('1' | '0'). Answers { count, ttl left }.
const COUNT = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if n == 1 or ARGV[2] == '1' or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { n, ttl }
`;

// ARGV: ms. A hold only ever gets longer.
const HOLD = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 1
`;

// KEYS: the node set (sorted by last heartbeat), this node's hash. ARGV: node id, stale ms, host field
// suffix, anonymous ('1' | '0'), cap of all, cap of anonymous, prefix of node hashes.
const CLAIM = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local stale = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - stale)
local all, anon = 0, 0
for _, node in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local v = redis.call('HMGET', ARGV[7] .. node, 'a:' .. ARGV[3], 'n:' .. ARGV[3])
  all = all + (tonumber(v[1]) or 0)
  anon = anon + (tonumber(v[2]) or 0)
end
if all >= tonumber(ARGV[5]) then return 0 end
if ARGV[4] == '1' and anon >= tonumber(ARGV[6]) then return 0 end
redis.call('HINCRBY', KEYS[2], 'a:' .. ARGV[3], 1)
if ARGV[4] == '1' then redis.call('HINCRBY', KEYS[2], 'n:' .. ARGV[3], 1) end
redis.call('PEXPIRE', KEYS[2], stale)
return 1
`;

// KEYS: this node's hash. ARGV: host, anonymous.
const RELEASE = `
if redis.call('HINCRBY', KEYS[1], 'a:' .. ARGV[1], -1) <= 0 then redis.call('HDEL', KEYS[1], 'a:' .. ARGV[1]) end
if ARGV[2] == '1' and redis.call('HINCRBY', KEYS[1], 'n:' .. ARGV[1], -1) <= 0 then
  redis.call('HDEL', KEYS[1], 'n:' .. ARGV[1])
end
return 1
`;

// KEYS: the node set, this node's hash. ARGV: node id, stale ms, then field, value pairs.
const HEARTBEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('DEL', KEYS[2])
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[1], now, ARGV[1])
return 1
`;

type Script = (keys: string[], args: (string | number)[]) => Promise<unknown>;

/** EVALSHA, loading the script on the first NOSCRIPT. */
function script(redis: Redis, lua: string): Script {
  const sha = createHash('sha1').update(lua).digest('hex');
  return async (keys, args) => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      return redis.eval(lua, keys.length, ...keys, ...args);
    }
  };
}

class Timeout extends Error {}

export function createRedisLimitStore(redis: Redis, options: RedisLimitOptions): RedisLimitStore {
  const { prefix, log } = options;
  const timeoutMs = options.timeoutMs ?? 250;
  const retryAfterFailureMs = options.retryAfterFailureMs ?? 1_000;
  const heartbeatMs = options.heartbeatMs ?? 5_000;
  const staleMs = heartbeatMs * 3;
  const nodeId = options.nodeId ?? randomBytes(8).toString('hex');
  const local = createMemoryLimitStore({ clock: options.clock });
  const gcra = script(redis, GCRA);
  const gcraInOrder = script(redis, GCRA_IN_ORDER);
  const count = script(redis, COUNT);
  const hold = script(redis, HOLD);
  const claim = script(redis, CLAIM);
  const release = script(redis, RELEASE);
  const heartbeat = script(redis, HEARTBEAT);
  const k = (key: string) => `${prefix}limit:${key}`;
  const nodesKey = `${prefix}hub-nodes`;
  const nodeHashPrefix = `${prefix}hub-connections:`;
  const ownHash = `${nodeHashPrefix}${nodeId}`;

  let downUntil = 0;
  let shared = false;
  let outage = false;

  /** `remote` on Redis, or `fallback` on this node's own state when Redis fails or is slow. */
  const guarded = async <T>(remote: () => Promise<T>, fallback: () => Promise<T>): Promise<T> => {
    if (redis.status !== 'ready' || monotonicClock.nowMs() < downUntil) {
      shared = false;
      return fallback();
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = await Promise.race([
        remote(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Timeout(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      if (outage) log.info('rate limits: Redis answers again, limits are shared');
      outage = false;
      shared = true;
      return answer;
    } catch (error) {
      downUntil = monotonicClock.nowMs() + retryAfterFailureMs;
      shared = false;
      if (!outage) {
        log.warn('rate limits: Redis does not answer, this node limits on its own', {
          error: (error as Error).message,
        });
      }
      outage = true;
      return fallback();
    } finally {
      clearTimeout(timer);
    }
  };

  const bucket = (key: string, rule: RateRule, cost: number, mode: 'take' | 'wait' | 'add') =>
    gcra([k(key)], [rule.windowMs / rule.limit, rule.windowMs, cost, mode]).then((v) => Number(v));

  // This node's open hub connections per host: the truth the heartbeat writes to Redis.
  const open = new Map<string, { all: number; anonymous: number }>();
  const beat = () => {
    const fields: (string | number)[] = [];
    for (const [host, c] of open)
      fields.push(`a:${host}`, c.all, ...(c.anonymous > 0 ? [`n:${host}`, c.anonymous] : []));
    return guarded(
      async () => {
        await heartbeat([nodesKey, ownHash], [nodeId, staleMs, ...fields]);
      },
      async () => {},
    );
  };
  const timer = setInterval(() => void beat(), heartbeatMs);
  timer.unref();

  return {
    get shared() {
      return shared;
    },
    take: (key, rule, cost) =>
      guarded<RateDecision>(
        async () => {
          const wait = await bucket(key, rule, cost, 'take');
          return wait > 0 ? { allowed: false, retryAfterMs: Math.ceil(wait) } : { allowed: true, retryAfterMs: 0 };
        },
        async () => local.take(key, rule, cost),
      ),
    takeInOrder: (steps) =>
      guarded<RateDecision>(
        async () => {
          const wait = Number(
            await gcraInOrder(
              steps.map((s) => k(s.key)),
              steps.flatMap((s) => [s.rule.windowMs / s.rule.limit, s.rule.windowMs, s.cost]),
            ),
          );
          return wait > 0 ? { allowed: false, retryAfterMs: Math.ceil(wait) } : { allowed: true, retryAfterMs: 0 };
        },
        async () => local.takeInOrder?.(steps) ?? { allowed: true, retryAfterMs: 0 },
      ),
    wait: (key, rule, cost) =>
      guarded(
        async () => Math.ceil(await bucket(key, rule, cost, 'wait')),
        () => local.wait(key, rule, cost),
      ),
    add: (key, rule, cost) =>
      guarded(
        async () => {
          await bucket(key, rule, cost, 'add');
        },
        () => local.add(key, rule, cost),
      ),
    count: (key, ttlMs, extend) =>
      guarded<CountState>(
        async () => {
          const [n, ttl] = (await count([k(key)], [Math.ceil(ttlMs), extend ? '1' : '0'])) as [number, number];
          return { count: Number(n), ttlMs: Math.max(0, Number(ttl)) };
        },
        () => local.count(key, ttlMs, extend),
      ),
    peekCount: (key) =>
      guarded<CountState>(
        async () => {
          const [n, ttl] = await redis
            .multi()
            .get(k(key))
            .pttl(k(key))
            .exec()
            .then((r) => (r ?? []).map((x) => x[1]));
          const c = Number(n ?? 0);
          return c > 0 && Number(ttl) > 0 ? { count: c, ttlMs: Number(ttl) } : { count: 0, ttlMs: 0 };
        },
        () => local.peekCount(key),
      ),
    hold: (key, ms) =>
      guarded(
        async () => {
          await hold([k(key)], [Math.ceil(ms)]);
        },
        () => local.hold(key, ms),
      ),
    heldFor: (key) =>
      guarded(
        async () => Math.max(0, await redis.pttl(k(key))),
        () => local.heldFor(key),
      ),
    forget: (...keys) =>
      guarded(
        async () => {
          if (keys.length > 0) await redis.unlink(...keys.map(k));
          await local.forget(...keys);
        },
        () => local.forget(...keys),
      ),
    claimConnection: async (host, anonymous, caps) => {
      const admitted = await guarded(
        async () =>
          Number(
            await claim(
              [nodesKey, ownHash],
              [nodeId, staleMs, host, anonymous ? '1' : '0', caps.all, caps.anonymous, nodeHashPrefix],
            ),
          ) === 1,
        // Redis gone: the caller's own counts are the cap.
        async () => true,
      );
      if (admitted) {
        const c = open.get(host) ?? { all: 0, anonymous: 0 };
        c.all++;
        if (anonymous) c.anonymous++;
        open.set(host, c);
      }
      return admitted;
    },
    releaseConnection: (host, anonymous) => {
      const c = open.get(host);
      if (c) {
        c.all--;
        if (anonymous) c.anonymous--;
        if (c.all <= 0) open.delete(host);
      }
      // A lost release is repaired by the next heartbeat, which rewrites this node's counts.
      void guarded(
        async () => {
          await release([ownHash], [host, anonymous ? '1' : '0']);
        },
        async () => {},
      );
    },
    close: async () => {
      clearInterval(timer);
      await guarded(
        async () => {
          await redis.multi().del(ownHash).zrem(nodesKey, nodeId).exec();
        },
        async () => {},
      );
    },
  };
}
