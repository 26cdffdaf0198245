import { type AddressInfo, createServer, type Server, Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import type { Config } from '../../server/config.ts';
import { silentLogger } from '../../server/logger.ts';
import { createNodeHealth } from '../../server/node-health.ts';
import { createRedisLimitStore, type RedisLimitStore } from '../../server/redis-limits.ts';
import { DEMO_PASSWORD } from '../helpers/auth.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { cleanupAfterEach, connectClient, startServer, waitConnected } from '../helpers/server.ts';
import { deleteRedisPrefix, describeWithRedis, redisTestUrl, testRedis, uniquePrefix } from '../helpers/servers.ts';

// Issue #9 item 4: the limits every node shares in Redis, and each node's own limits when Redis is away.

const prefix = uniquePrefix('limits');
const cleanup = cleanupAfterEach();
afterAll(async () => {
  await deleteRedisPrefix(prefix);
});

/** An app connection to Redis the way openRedis makes it (fail fast, no offline queue). */
function appRedis(url = redisTestUrl()): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 50, 500),
  });
  redis.on('error', () => {});
  cleanup.push(() => redis.disconnect());
  return redis;
}

async function ready(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
}

function store(redis: Redis, options: { heartbeatMs?: number; timeoutMs?: number } = {}): RedisLimitStore {
  const s = createRedisLimitStore(redis, { prefix, log: silentLogger, ...options });
  cleanup.push(() => s.close());
  return s;
}

/** One node: its own database and app, the limits in `limits`. */
function node(limits: RedisLimitStore, config: Partial<Config> = {}): TestContext {
  const base = createTestContext({ config: { TRUST_PROXY: true, ...config } });
  const deps = { ...base, sharedLimits: limits };
  return { ...deps, app: createApp(deps) };
}

/** A look-up (free days of an office): 'ok' when answered, 'limited' on 429; any other status as is. */
const lookup = async (ctx: TestContext, from: string) => {
  const res = await ctx.app.request('/api/v1/locations/haarlem-zijlsingel/available-days?service=passport&persons=1', {
    headers: { 'x-forwarded-for': from },
  });
  return res.status === 429 ? 'limited' : res.status < 500 ? 'ok' : res.status;
};

/**
 * A TCP proxy to Redis that can hold everything back (a hung Redis, like DEBUG SLEEP, without pausing
 * the Redis other tests share); thawing delivers what was held, in order.
 */
async function freezableProxy(): Promise<{ url: string; freeze(): void; thaw(): void; close(): Promise<void> }> {
  const target = new URL(redisTestUrl());
  let frozen = false;
  const held: (() => void)[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    sockets.add(client);
    sockets.add(upstream);
    upstream.connect(Number(target.port || 6379), target.hostname);
    const pass = (to: Socket) => (chunk: Buffer) => {
      if (frozen) held.push(() => to.write(chunk));
      else to.write(chunk);
    };
    client.on('data', pass(upstream));
    upstream.on('data', pass(client));
    for (const s of [client, upstream]) {
      s.on('error', () => {});
      s.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(redisTestUrl());
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);
  return {
    url: url.toString(),
    freeze: () => {
      frozen = true;
    },
    thaw: () => {
      frozen = false;
      for (const deliver of held.splice(0)) deliver();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describeWithRedis('shared limits in Redis', () => {
  it('GCRA on Redis: a burst of `limit`, then a wait of one refill interval, per key, under the prefix', async () => {
    const redis = appRedis();
    await ready(redis);
    const limits = store(redis);
    const rule = { limit: 3, windowMs: 60_000 };
    const taken = [];
    for (let i = 0; i < 4; i++) taken.push(await limits.take('t:a', rule, 1));
    expect(taken.slice(0, 3).every((d) => d.allowed)).toBe(true);
    expect(taken[3]?.allowed).toBe(false);
    // One token comes back every 20 s; a few ms have passed since the burst.
    expect(taken[3]?.retryAfterMs).toBeGreaterThan(19_000);
    expect(taken[3]?.retryAfterMs).toBeLessThanOrEqual(20_000);
    expect((await limits.take('t:b', rule, 1)).allowed).toBe(true);
    expect(await limits.wait('t:a', rule, 1)).toBeGreaterThan(19_000);
    expect(await limits.wait('t:c', rule, 1)).toBe(0);
    // A cost larger than the bucket is refused and takes nothing.
    expect((await limits.take('t:c', rule, 4)).allowed).toBe(false);
    expect((await limits.take('t:c', rule, 3)).allowed).toBe(true);
    expect(limits.shared).toBe(true);
    const inspect = testRedis();
    cleanup.push(() => inspect.disconnect());
    expect(await inspect.exists(`${prefix}limit:t:a`)).toBe(1);
    expect(await inspect.pttl(`${prefix}limit:t:a`)).toBeGreaterThan(59_000);
  });

  it('counters (fixed and extended windows), holds that only grow, and forget', async () => {
    const redis = appRedis();
    await ready(redis);
    const limits = store(redis);
    expect(await limits.count('c:fixed', 60_000, false)).toMatchObject({ count: 1 });
    expect(await limits.count('c:fixed', 120_000, false)).toMatchObject({ count: 2 });
    expect((await limits.peekCount('c:fixed')).ttlMs).toBeLessThanOrEqual(60_000);
    await limits.count('c:extended', 60_000, true);
    expect((await limits.count('c:extended', 120_000, true)).ttlMs).toBeGreaterThan(60_000);
    expect(await limits.peekCount('c:none')).toEqual({ count: 0, ttlMs: 0 });
    await limits.hold('h', 30_000);
    await limits.hold('h', 1_000);
    expect(await limits.heldFor('h')).toBeGreaterThan(29_000);
    await limits.forget('h', 'c:fixed');
    expect(await limits.heldFor('h')).toBe(0);
    expect((await limits.peekCount('c:fixed')).count).toBe(0);
  });

  it('a per-address limit holds across two app instances sharing one Redis', async () => {
    const [ra, rb] = [appRedis(), appRedis()];
    await Promise.all([ready(ra), ready(rb)]);
    const a = node(store(ra), { RATE_LIMIT_LOOKUPS_PER_MINUTE: 4 });
    const b = node(store(rb), { RATE_LIMIT_LOOKUPS_PER_MINUTE: 4 });
    const statuses: unknown[] = [];
    for (let i = 0; i < 8; i++) statuses.push(await lookup(i % 2 === 0 ? a : b, '198.51.100.7'));
    // Four look-ups in all (not four per node), then 429 on both.
    expect(statuses).toEqual(['ok', 'ok', 'ok', 'ok', 'limited', 'limited', 'limited', 'limited']);
    // Another address is not affected.
    expect(await lookup(b, '198.51.100.8')).toBe('ok');
  });

  it('the login throttle holds across nodes: a guesser delayed on one node is delayed on the other', async () => {
    const [ra, rb] = [appRedis(), appRedis()];
    await Promise.all([ready(ra), ready(rb)]);
    const a = node(store(ra));
    const b = node(store(rb));
    const signIn = (ctx: TestContext, password: string, from: string) =>
      ctx.app.request('/api/v1/sessions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
        body: JSON.stringify({ username: 'demo-agent', password }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await signIn(i % 2 === 0 ? a : b, `guess-${i}`, '203.0.113.9')).status);
    expect(statuses).toEqual([401, 401, 401, 401]);
    const refused = await signIn(b, DEMO_PASSWORD, '203.0.113.9');
    expect(refused.status).toBe(429);
    expect((await signIn(a, DEMO_PASSWORD, '203.0.113.9')).status).toBe(429);
    // The clerk from another source signs in on either node.
    expect((await signIn(a, DEMO_PASSWORD, '198.51.100.10')).status).toBe(201);

    // The throttle's keys hold no username.
    const inspect = testRedis();
    cleanup.push(() => inspect.disconnect());
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await inspect.scan(cursor, 'MATCH', `${prefix}limit:login-*`, 'COUNT', 500);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.some((k) => k.includes('demo-agent'))).toBe(false);
  });

  it('hub connections per address are capped across nodes, and a closed socket frees its slot', async () => {
    const [ra, rb] = [appRedis(), appRedis()];
    await Promise.all([ready(ra), ready(rb)]);
    const config = { HUB_MAX_ANONYMOUS_CONNECTIONS_PER_ADDRESS: 3 };
    const serverA = await startServer(node(store(ra), config));
    const serverB = await startServer(node(store(rb), config));
    cleanup.push(
      () => serverA.close(),
      () => serverB.close(),
    );
    const open = (url: string) => {
      const c = connectClient(url);
      cleanup.push(() => {
        c.disconnect();
      });
      return c;
    };
    const first = open(serverA.url);
    await waitConnected(first);
    await waitConnected(open(serverB.url));
    await waitConnected(open(serverA.url));
    // Three anonymous sockets from 127.0.0.1 over two nodes: the fourth is refused on either node.
    await expect(waitConnected(open(serverB.url))).rejects.toThrow('rate-limited');
    await expect(waitConnected(open(serverA.url))).rejects.toThrow('rate-limited');
    first.disconnect();
    // The release reaches Redis asynchronously: a new socket on the other node is admitted soon after.
    let admitted = false;
    for (let i = 0; i < 20 && !admitted; i++) {
      admitted = await waitConnected(open(serverB.url)).then(
        () => true,
        () => false,
      );
      if (!admitted) await new Promise((r) => setTimeout(r, 50));
    }
    expect(admitted).toBe(true);
  });

  it('Redis unreachable (a closed port): requests are served and limited by each node on its own, no 5xx', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const redis = appRedis(`redis://127.0.0.1:${port}`);
    const limits = store(redis);
    const ctx = node(limits, { RATE_LIMIT_LOOKUPS_PER_MINUTE: 3 });
    const statuses: unknown[] = [];
    for (let i = 0; i < 5; i++) statuses.push(await lookup(ctx, '192.0.2.44'));
    expect(statuses).toEqual(['ok', 'ok', 'ok', 'limited', 'limited']);
    expect(limits.shared).toBe(false);
  });

  it('Redis hung mid-way: answers within the timeout from local limits, and shares again once Redis answers', async () => {
    const proxy = await freezableProxy();
    cleanup.push(() => proxy.close());
    const redis = appRedis(proxy.url);
    await ready(redis);
    const limits = store(redis, { timeoutMs: 500 });
    const ctx = node(limits, { RATE_LIMIT_LOOKUPS_PER_MINUTE: 3 });
    expect(await lookup(ctx, '192.0.2.55')).toBe('ok');
    expect(limits.shared).toBe(true);
    proxy.freeze();
    const statuses: unknown[] = [];
    for (let i = 0; i < 4; i++) statuses.push(await lookup(ctx, '192.0.2.55'));
    // Local limits start from this node's own (empty) count: three more, then 429; never a 5xx.
    expect(statuses).toEqual(['ok', 'ok', 'ok', 'limited']);
    expect(limits.shared).toBe(false);
    proxy.thaw();
    // After the pause (1 s) the next request goes to Redis again, where the first look-up still counts.
    await new Promise((r) => setTimeout(r, 1_100));
    const after = [await lookup(ctx, '192.0.2.55'), await lookup(ctx, '192.0.2.55')];
    expect(limits.shared).toBe(true);
    expect(after.every((s) => s === 'ok' || s === 'limited')).toBe(true);
  });

  it('health answers 503 while Redis does not answer (a cached PING), and 200 once it does', async () => {
    const proxy = await freezableProxy();
    cleanup.push(() => proxy.close());
    const redis = appRedis(proxy.url);
    await ready(redis);
    const base = createTestContext();
    const nodeHealth = createNodeHealth({ redis, probeEveryMs: 50, timeoutMs: 100 });
    const deps = { ...base, nodeHealth };
    const app = createApp(deps);
    const health = async () => {
      const res = await app.request('/api/v1/health');
      return { status: res.status, body: await res.json() };
    };
    const until = async (status: number) => {
      for (let i = 0; i < 100; i++) {
        const h = await health();
        if (h.status === status) return h;
        await new Promise((r) => setTimeout(r, 20));
      }
      return health();
    };
    expect(await until(200)).toEqual({ status: 200, body: { status: 'ok' } });
    proxy.freeze();
    expect(await until(503)).toEqual({ status: 503, body: { status: 'unavailable', reason: 'Redis does not answer' } });
    proxy.thaw();
    expect((await until(200)).status).toBe(200);
    nodeHealth.drain();
    expect(await health()).toEqual({ status: 503, body: { status: 'unavailable', reason: 'draining' } });
  });
});
