import { expect, it } from 'vitest';
import type { ClusterLog } from '../../server/cluster/log-store.ts';
import type { FactOrder } from '../../server/contracts/hub.ts';
import { counterIds } from '../helpers/appointments.ts';
import { DEMO_DEVICE_TOKEN, signInAs } from '../helpers/auth.ts';
import { call, kioskTicket } from '../helpers/http.ts';
import { countReads } from '../helpers/read-counter.ts';
import { cleanupAfterEach, nextEvent, screenFor, startServerFor, until } from '../helpers/server.ts';
import { describeWithRedis } from '../helpers/servers.ts';
import { twoNodesOnRedis } from '../helpers/two-nodes.ts';

// Issue 9 item 3: a change made on node A reaches node B's sockets with what A's use-case built (`hub:facts` through
// the Redis adapter), so B reads neither the tickets nor the queue for it, and A alone computes the estimates — sent
// with the call to every node's screens.

const ZIJL = 'haarlem-zijlsingel';
const cleanup = cleanupAfterEach();

/**
 * B's adapter reads the stream from when it starts (a message sent before is not for it): waits until B hears A.
 * Each of A's messages then reaches B's publisher through `deliver` (at once by default).
 */
async function untilBHearsA(
  nodeA: Awaited<ReturnType<typeof startServerFor>>,
  nodeB: Awaited<ReturnType<typeof startServerFor>>,
  deliver: (apply: () => void) => void = (apply) => apply(),
): Promise<void> {
  let heard = 0;
  const applyPeerFacts = nodeB.hub.publisher.applyPeerFacts;
  nodeB.hub.publisher.applyPeerFacts = (locationId, facts) => {
    heard++;
    deliver(() => applyPeerFacts(locationId, facts));
  };
  await until(() => {
    nodeA.hub.io.serverSideEmit('hub:facts', ZIJL, []);
    return heard > 0;
  }, 'node B hearing node A');
}

describeWithRedis('facts across nodes with Redis', () => {
  it('a call on node A reaches node B’s display in order with A’s ticket, and B reads nothing for it', async () => {
    const { a, b } = twoNodesOnRedis(cleanup, 'peers');
    const countsB = countReads(b);
    const nodeA = await startServerFor(cleanup, a, { pollMs: 20 });
    for (let i = 0; i < 3; i++) await kioskTicket(a);
    // A loaded machine may take longer than the default 150 ms between A's commit and its message: B then reads
    // (correct, only slower), which this test is not about.
    const nodeB = await startServerFor(cleanup, b, { pollMs: 20, peerWaitMs: 5_000 });
    await untilBHearsA(nodeA, nodeB);
    const agent = await signInAs(a, 'demo-agent');
    const counterId = (await counterIds(a)).get('Balie 1') as number;
    const { client: display, snapshot } = await screenFor(cleanup, nodeB, { token: DEMO_DEVICE_TOKEN });
    // A's own screen: the same facts, as A sent them.
    const { client: onA } = await screenFor(cleanup, nodeA, { token: DEMO_DEVICE_TOKEN });
    const seen: { name: string; seq?: number; prev?: number }[] = [];
    for (const name of ['ticket:called', 'counter:updated'] as const)
      display.on(name, (p: FactOrder) => seen.push({ name, seq: p.seq, prev: p.prev }));
    const estimatesOnB: unknown[] = [];
    display.on('wait:estimates', (e) => estimatesOnB.push(e));

    // Node B has processed everything so far (the kiosk tickets, its own snapshot): count from here.
    await nodeB.hub.publisher.drain();
    countsB.clear();
    const signedIn = nextEvent(display, 'counter:updated');
    expect((await call(a, 'POST', `/counters/${counterId}/sign-in`, { token: agent })).status).toBe(200);
    const counter = await signedIn;
    expect(counter.id).toBe(counterId);
    const calledOnB = nextEvent(display, 'ticket:called');
    const calledOnA = nextEvent(onA, 'ticket:called');
    const answer = await call(a, 'POST', `/counters/${counterId}/call-next`, { token: agent });
    expect(answer.status).toBe(200);
    const [onB, fromA] = await Promise.all([calledOnB, calledOnA]);
    expect(onB.ticketId).toBe(answer.body.ticket.id);
    expect(onB).toEqual(fromA);
    expect(onB.counterName).toBe('Balie 1');
    // In order, chained by prev from the snapshot on (a display's prev is the previous public fact's seq): no gap,
    // so no resync.
    expect(seen.map((f) => f.name)).toEqual(['counter:updated', 'ticket:called']);
    expect(seen[0]?.seq).toBeGreaterThan(snapshot.seq as number);
    expect(seen[0]?.prev).toBeLessThanOrEqual(snapshot.seq as number);
    expect(seen[1]?.prev).toBe(seen[0]?.seq);
    // The waits after the call, computed on A at once, reach B's display with the call (one message per screen and
    // call); the runs after it find the same waits and send no `wait:estimates`.
    expect(onB.estimates?.waits.length).toBeGreaterThan(0);
    await Promise.all([nodeA.hub.publisher.settled(), nodeB.hub.publisher.settled()]);
    expect(estimatesOnB).toEqual([]);

    // Node B read no ticket, no counter and no queue for A's changes (its token sweep may check tokens).
    const queueReads = [...countsB].filter(([key]) => key.startsWith('queue.'));
    expect(queueReads).toEqual([]);
  });
  it('a node that sent a call before its maker’s message came leaves the estimates to the maker', async () => {
    const { a, b } = twoNodesOnRedis(cleanup, 'peers-late');
    const countsB = countReads(b);
    const nodeA = await startServerFor(cleanup, a, { pollMs: 20 });
    for (let i = 0; i < 3; i++) await kioskTicket(a);
    // B never waits for A's message, which comes 300 ms late: every fact of A's reaches B's sockets from B's own
    // read, the message after.
    const nodeB = await startServerFor(cleanup, b, { pollMs: 20, peerWaitMs: 0 });
    await untilBHearsA(nodeA, nodeB, (apply) => setTimeout(apply, 300));
    const agent = await signInAs(a, 'demo-agent');
    const counterId = (await counterIds(a)).get('Balie 1') as number;
    expect((await call(a, 'POST', `/counters/${counterId}/sign-in`, { token: agent })).status).toBe(200);
    const { client: onB } = await screenFor(cleanup, nodeB, { token: DEMO_DEVICE_TOKEN });
    const { client: onA } = await screenFor(cleanup, nodeA, { token: DEMO_DEVICE_TOKEN });
    await Promise.all([nodeA.hub.publisher.settled(), nodeB.hub.publisher.settled()]);
    // The sign-in's waits go through the adapter (Redis) after the run that sent them has ended.
    await new Promise((r) => setTimeout(r, 300));
    const estimates: { a: unknown[]; b: unknown[] } = { a: [], b: [] };
    onA.on('wait:estimates', (e) => estimates.a.push(e));
    onB.on('wait:estimates', (e) => estimates.b.push(e));
    countsB.clear();

    const calledOnA = nextEvent(onA, 'ticket:called');
    const calledOnB = nextEvent(onB, 'ticket:called');
    expect((await call(a, 'POST', `/counters/${counterId}/call-next`, { token: agent })).status).toBe(200);
    const [fromA, fromB] = await Promise.all([calledOnA, calledOnB]);
    // Past B's check whether A's message came (1 s): A's was only late, so B computed nothing.
    await new Promise((r) => setTimeout(r, 1_500));
    await Promise.all([nodeA.hub.publisher.settled(), nodeB.hub.publisher.settled()]);
    expect(fromA.estimates?.waits.length).toBeGreaterThan(0);
    // A's screen got the waits with the call, and no run of B's for the cluster after it; B's screen got A's waits
    // when A's message came (B had sent the call without them).
    expect(estimates.a).toEqual([]);
    if (fromB.estimates === undefined) expect(estimates.b).toEqual([{ locationId: ZIJL, ...fromA.estimates }]);
    else expect(estimates.b).toEqual([]);
    // B read the call's ticket (no message yet), never the office's queue for estimates.
    const queueReads = [...countsB.keys()].filter((key) => key.startsWith('queue.'));
    expect(queueReads.filter((key) => key !== 'queue.ticketsWithDetails' && key !== 'queue.counters')).toEqual([]);
  });
  it('a node sends another node’s facts when their message comes, without reading the log for them', async () => {
    const { a, b } = twoNodesOnRedis(cleanup, 'peers-ahead');
    const logB = b.storage.clusterLog();
    let readsOfB = 0;
    const countingLog: ClusterLog = {
      ...logB,
      after: (afterId, limit) => {
        readsOfB++;
        return logB.after(afterId, limit);
      },
    };
    cleanup.push(() => logB.close());
    const nodeA = await startServerFor(cleanup, a, { pollMs: 20 });
    for (let i = 0; i < 3; i++) await kioskTicket(a);
    // B reads the log only when asked (no poll within the test), and waits for A's messages as long as needed.
    const nodeB = await startServerFor(cleanup, b, { pollMs: 60_000, peerWaitMs: 60_000, clusterLog: countingLog });
    await untilBHearsA(nodeA, nodeB);
    const agent = await signInAs(a, 'demo-agent');
    const counterId = (await counterIds(a)).get('Balie 1') as number;
    const { client: display } = await screenFor(cleanup, nodeB, { token: DEMO_DEVICE_TOKEN });
    const signedIn = nextEvent(display, 'counter:updated');
    expect((await call(a, 'POST', `/counters/${counterId}/sign-in`, { token: agent })).status).toBe(200);
    const counter = await signedIn;
    await nodeB.hub.publisher.drain();

    readsOfB = 0;
    const called = nextEvent(display, 'ticket:called');
    const answer = await call(a, 'POST', `/counters/${counterId}/call-next`, { token: agent });
    const onB = await called;
    expect(onB.ticketId).toBe(answer.body.ticket.id);
    // Next after the sign-in (a display's prev is the previous public fact's seq): no gap.
    expect(onB.prev).toBe(counter.seq);
    expect(readsOfB).toBe(0);
    // The log's round brings the call again: passed by, not sent twice.
    const again: unknown[] = [];
    display.on('ticket:called', (c) => again.push(c));
    await nodeB.hub.publisher.drain();
    expect(readsOfB).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(again).toEqual([]);
  });
});
