import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { DEMO_DEVICE_TOKEN } from '../helpers/auth.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';
import {
  cleanupAfterEach,
  connectClient,
  type HubClient,
  nextEvent,
  type RunningServer,
  startServer,
  until,
  waitConnected,
} from '../helpers/server.ts';
import { deleteRedisPrefix, describeWithRedis, redisTestUrl, testRedis, uniquePrefix } from '../helpers/servers.ts';

const ZIJL = 'haarlem-zijlsingel';
const cleanup = cleanupAfterEach();

async function display(server: RunningServer): Promise<HubClient> {
  const c = connectClient(server.url, { token: DEMO_DEVICE_TOKEN });
  cleanup.push(() => {
    c.disconnect();
  });
  const snapshot = nextEvent(c, 'queue:snapshot', 10_000);
  await waitConnected(c, 10_000);
  await snapshot;
  return c;
}

describeWithRedis('wait estimates on several nodes', () => {
  it('are computed once per change in the cluster and reach the displays of every node once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loket-hub-estimates-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const dbPath = join(dir, 'loket.db');
    const prefix = uniquePrefix('hub');
    cleanup.push(() => deleteRedisPrefix(prefix));
    const config = { REDIS_URL: redisTestUrl(), REDIS_KEY_PREFIX: prefix };
    const contexts: TestContext[] = [createTestContext({ dbPath, config }), createTestContext({ dbPath, config })];
    cleanup.push(() => {
      for (const ctx of contexts) ctx.db.$client.close();
    });
    const servers: RunningServer[] = [];
    for (const ctx of contexts) {
      const server = await startServer(ctx, 0, { pollMs: 20 });
      cleanup.push(() => server.close());
      servers.push(server);
    }
    const displays = [await display(servers[0] as RunningServer), await display(servers[1] as RunningServer)];
    const received = [0, 0];
    for (const [i, d] of displays.entries()) {
      d.on('wait:estimates', () => {
        received[i] = (received[i] ?? 0) + 1;
      });
    }

    const res = await call(contexts[0] as TestContext, 'POST', `/locations/${ZIJL}/tickets`, {
      token: DEMO_DEVICE_TOKEN,
      body: { services: [{ code: 'passport', persons: 1 }] },
    });
    expect(res.status).toBe(201);
    await until(() => received.every((n) => n > 0), 'the estimates on both nodes');

    // One claim for this change (location + seq), taken by one node; the other skipped it.
    const redis = testRedis();
    cleanup.push(() => redis.disconnect());
    const [, claims] = await redis.scan('0', 'MATCH', `${prefix}hub:estimates:*`, 'COUNT', 1000);
    expect(claims).toHaveLength(1);
    // Nothing more follows: had both nodes computed, each display would get two.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(received).toEqual([1, 1]);

    // A display whose connection drops: the adapter stores its session for recovery (msgpack, in Redis) —
    // which must not choke on what is not data (an unhandled rejection would fail this test, and end a node).
    const dropped = displays[0] as HubClient;
    const gone = new Promise<string>((resolve) => dropped.once('disconnect', resolve));
    dropped.io.engine.close();
    await gone;
    await until(() => (servers[0] as RunningServer).hub.io.of('/').sockets.size === 0, 'the server to see the drop');
    await new Promise((r) => setTimeout(r, 200));
  }, 60_000);
});
