import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pairTestDevice, signInAs } from '../helpers/auth.ts';
import { createTestContext } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';
import { cleanupAfterEach, clientFor, screenFor, startServerFor, until, waitConnected } from '../helpers/server.ts';
import { describeWithRedis } from '../helpers/servers.ts';
import { twoNodesOnRedis } from '../helpers/two-nodes.ts';

// Issue 9: a device revoked on node A is cut off on node B, and B's handshake cache of device tokens (a token checked
// less than 5 s ago is taken as checked then) no longer lets it in again — not on the reconnect right after the cut.

const ZIJL = 'haarlem-zijlsingel';
const cleanup = cleanupAfterEach();

/** B's adapter reads the stream from when it starts: waits until a message of A's reaches B. */
async function untilBHearsA(
  nodeA: Awaited<ReturnType<typeof startServerFor>>,
  nodeB: Awaited<ReturnType<typeof startServerFor>>,
): Promise<void> {
  let heard = 0;
  const applyPeerFacts = nodeB.hub.publisher.applyPeerFacts;
  nodeB.hub.publisher.applyPeerFacts = (locationId, facts) => {
    heard++;
    applyPeerFacts(locationId, facts);
  };
  await until(() => {
    nodeA.hub.io.serverSideEmit('hub:facts', ZIJL, []);
    return heard > 0;
  }, 'node B hearing node A');
}

async function revokeOnA(a: Parameters<typeof signInAs>[0]): Promise<void> {
  const sup = await signInAs(a, 'demo-supervisor');
  const list = await call(a, 'GET', `/locations/${ZIJL}/devices`, { token: sup });
  const device = list.body.devices.find((d: { name: string }) => d.name === 'test display');
  expect((await call(a, 'DELETE', `/devices/${device.id}`, { token: sup })).status).toBe(200);
}

describeWithRedis('a device revoked on another node', () => {
  it('is cut off on node B and B’s handshake refuses its token on the reconnect right after', async () => {
    const { a, b } = twoNodesOnRedis(cleanup, 'revoked');
    const nodeA = await startServerFor(cleanup, a);
    const nodeB = await startServerFor(cleanup, b);
    await untilBHearsA(nodeA, nodeB);
    const deviceToken = await pairTestDevice(a, ZIJL, 'display');
    // Two screens of the token on B: the handshakes' check is cached on B (the test's clock does not move).
    const { client: screen } = await screenFor(cleanup, nodeB, { token: deviceToken });
    await screenFor(cleanup, nodeB, { token: deviceToken });

    const gone = new Promise<string>((resolve) => screen.once('disconnect', resolve));
    await revokeOnA(a);
    expect(await gone).toBe('io server disconnect');
    await expect(waitConnected(clientFor(cleanup, nodeB, { token: deviceToken }))).rejects.toThrow('unauthorized');
  });

  it('is refused by node B’s handshake when B only had its token cached, with no socket of it left', async () => {
    const { a, b } = twoNodesOnRedis(cleanup, 'revoked-cached');
    const nodeA = await startServerFor(cleanup, a);
    const nodeB = await startServerFor(cleanup, b);
    await untilBHearsA(nodeA, nodeB);
    const deviceToken = await pairTestDevice(a, ZIJL, 'display');
    const { client: screen } = await screenFor(cleanup, nodeB, { token: deviceToken });
    screen.disconnect();
    await until(() => nodeB.hub.io.of('/').sockets.size === 0, 'the screen gone from node B');

    // B learns of the revocation by a message of A's (no socket of B's is cut to show it): wait for it.
    let heard = false;
    nodeB.hub.io.on('hub:revoked', () => {
      heard = true;
    });
    await revokeOnA(a);
    await until(() => heard, 'node B hearing the revocation');
    await expect(waitConnected(clientFor(cleanup, nodeB, { token: deviceToken }))).rejects.toThrow('unauthorized');
  });
});

describe('a device revoked on another node, without Redis', () => {
  it('is refused by node B’s handshake as soon as B reads the revocation from the cluster log', async () => {
    // Two nodes on one SQLite file and no Redis: no `hub:revoked` message, only the cluster log carries it.
    const dir = mkdtempSync(join(tmpdir(), 'loket-revoked-no-redis-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const a = createTestContext({ dbPath: join(dir, 'loket.db') });
    const b = createTestContext({ dbPath: join(dir, 'loket.db') });
    cleanup.push(() => {
      a.db.$client.close();
      b.db.$client.close();
    });
    // Node A revokes (its hub sends its own sockets' cut-off; nothing reaches B but the log).
    await startServerFor(cleanup, a);
    const nodeB = await startServerFor(cleanup, b);
    expect([a.config.REDIS_URL, b.config.REDIS_URL].filter(Boolean)).toEqual([]);
    const deviceToken = await pairTestDevice(a, ZIJL, 'display');
    // The screen's handshake on B caches its token there (the test's clock does not move: no re-check comes); it
    // leaves, so no socket of B's is cut off to show the revocation.
    const { client: screen } = await screenFor(cleanup, nodeB, { token: deviceToken });
    screen.disconnect();
    await until(() => nodeB.hub.io.of('/').sockets.size === 0, 'the screen gone from node B');

    await revokeOnA(a);
    // B reads the log (its poll would within 75 ms).
    await nodeB.hub.publisher.drain();
    await expect(waitConnected(clientFor(cleanup, nodeB, { token: deviceToken }))).rejects.toThrow('unauthorized');
  });
});
