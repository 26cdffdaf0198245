import { expect, it } from 'vitest';
import type { ClusterLog } from '../../server/cluster/log-store.ts';
import { counterIds } from '../helpers/appointments.ts';
import { DEMO_DEVICE_TOKEN, pairTestDevice, signInAs } from '../helpers/auth.ts';
import { call } from '../helpers/http.ts';
import { cleanupAfterEach, nextEvent, screenFor, startServerFor, until } from '../helpers/server.ts';
import { describeWithRedis } from '../helpers/servers.ts';
import { peerFactsValve, twoNodesOnRedis } from '../helpers/two-nodes.ts';

// Issue 9 (clerks on every node: displays seconds late): a node whose tail waits for another node's message about
// one office's fact sends the facts of the other offices meanwhile — its own above all, which the other nodes wait
// for in turn. Holding every later fact behind the one awaited made each node wait on the others, and with clerks
// on all four nodes of the bench every node fell 10–30 s behind.

const ZIJL = 'haarlem-zijlsingel';
const SCHALKWIJK = 'haarlem-schalkwijk';
const cleanup = cleanupAfterEach();

describeWithRedis('facts of several offices across nodes', () => {
  it('a node sends its own office’s change while another node’s message about another office is on its way', async () => {
    await ownChangeWhileHeld(0);
  });
  it('… also when its own change lies pages beyond the held fact', async () => {
    // B reads its log two facts a page: A's three facts of Schalkwijk fill the first page and start the second.
    await ownChangeWhileHeld(2, 2);
  });
});

/**
 * `extra`: further changes of A's on Schalkwijk (held on B too) before B's own change; `page`: B's log pages hold at
 * most this many facts (0: as the tail asks).
 */
async function ownChangeWhileHeld(extra: number, page = 0): Promise<void> {
  {
    const { a, b } = twoNodesOnRedis(cleanup, 'peer-offices');
    const nodeA = await startServerFor(cleanup, a, { pollMs: 20 });
    // B waits for A's messages as long as it takes (a minute): no fact of A's reaches B's sockets but with its message.
    const logB = b.storage.clusterLog();
    cleanup.push(() => logB.close());
    const pagedLog: ClusterLog = {
      ...logB,
      after: (afterId, limit) => logB.after(afterId, page > 0 ? Math.min(limit, page) : limit),
    };
    const nodeB = await startServerFor(cleanup, b, { pollMs: 20, peerWaitMs: 60_000, clusterLog: pagedLog });
    const valve = await peerFactsValve(nodeA, nodeB, ZIJL);
    const agent = await signInAs(b, 'demo-agent');
    const counterId = (await counterIds(b)).get('Balie 1') as number;
    const kiosk = await pairTestDevice(a, SCHALKWIJK, 'kiosk');
    const { client: display } = await screenFor(cleanup, nodeB, { token: DEMO_DEVICE_TOKEN });
    await Promise.all([nodeA.hub.publisher.drain(), nodeB.hub.publisher.drain()]);

    // A's change of Schalkwijk: its message to B is held back, so B's tail waits for it.
    valve.held = true;
    const drawn = await call(a, 'POST', `/locations/${SCHALKWIJK}/tickets`, {
      token: kiosk,
      body: { services: [{ code: 'passport', persons: 1 }] },
    });
    expect(drawn.status).toBe(201);
    for (let i = 0; i < extra; i++) {
      const more = await call(a, 'POST', `/locations/${SCHALKWIJK}/tickets`, {
        token: kiosk,
        body: { services: [{ code: 'passport', persons: 1 }] },
      });
      expect(more.status).toBe(201);
    }
    await nodeA.hub.publisher.drain();
    await until(() => valve.withheld.length > 0, 'node A’s message about Schalkwijk');
    await nodeB.hub.publisher.drain();

    // Then B's own change of the Zijlsingel (later in the log): its display gets it without A's message.
    const signedIn = nextEvent(display, 'counter:updated', 5_000);
    expect((await call(b, 'POST', `/counters/${counterId}/sign-in`, { token: agent })).status).toBe(200);
    const counter = await signedIn;
    expect(counter.id).toBe(counterId);
    expect(valve.withheld.length).toBeGreaterThan(0);

    // A's message comes: B's tail goes on, and the Zijlsingel's change is not sent twice.
    const again: unknown[] = [];
    display.on('counter:updated', (c) => again.push(c));
    valve.release();
    await nodeB.hub.publisher.drain();
    await new Promise((r) => setTimeout(r, 100));
    await nodeB.hub.publisher.drain();
    expect(again).toEqual([]);
  }
}
