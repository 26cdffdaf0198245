import { expect, it } from 'vitest';
import type { ClusterLog } from '../../server/cluster/log-store.ts';
import type { Repositories } from '../../server/storage.ts';
import { counterIds } from '../helpers/appointments.ts';
import { DEMO_DEVICE_TOKEN, pairTestDevice, signInAs } from '../helpers/auth.ts';
import { call } from '../helpers/http.ts';
import { cleanupAfterEach, nextEvent, screenFor, startServerFor, until } from '../helpers/server.ts';
import { describeWithRedis } from '../helpers/servers.ts';
import { peerFactsValve, twoNodesOnRedis } from '../helpers/two-nodes.ts';

// Issue 9 (clerks on every node: displays 25–40 s late): a fact of another node's change whose message is on its
// way waits in memory with its office's later facts; the node's tail reads on from where its last read ended. Until
// 2026-12-07 the cursor stayed before the held fact, and every round read it and the rows after it again — with
// clerks on four nodes every read was a full page of 500, most of it thrown away, round after round.

const ZIJL = 'haarlem-zijlsingel';
const SCHALKWIJK = 'haarlem-schalkwijk';
const cleanup = cleanupAfterEach();

describeWithRedis('a fact awaiting a peer’s message', () => {
  it('is read from the log once, however many rounds it waits, and goes out when the message comes', async () => {
    const { a, b } = twoNodesOnRedis(cleanup, 'peer-held');
    const nodeA = await startServerFor(cleanup, a, { pollMs: 20 });
    // Every fact B's tail is given, by id: none may come twice.
    const logB = b.storage.clusterLog();
    cleanup.push(() => logB.close());
    const given: number[] = [];
    const countingLog: ClusterLog = {
      ...logB,
      after: async (afterId, limit) => {
        const facts = await logB.after(afterId, limit);
        given.push(...facts.map((f) => f.id));
        return facts;
      },
    };
    // B waits for A's messages as long as it takes (a minute): no fact of A's reaches B's sockets but with its message.
    const nodeB = await startServerFor(cleanup, b, { pollMs: 20, peerWaitMs: 60_000, clusterLog: countingLog });
    const valve = await peerFactsValve(nodeA, nodeB, ZIJL);
    const agent = await signInAs(b, 'demo-agent');
    const admin = await signInAs(b, 'demo-admin');
    const counterId = (await counterIds(b)).get('Balie 1') as number;
    const kiosk = await pairTestDevice(a, SCHALKWIJK, 'kiosk');
    const { client: display } = await screenFor(cleanup, nodeB, { token: DEMO_DEVICE_TOKEN });
    const { client: staff } = await screenFor(cleanup, nodeB, { token: admin, locationId: SCHALKWIJK });
    await Promise.all([nodeA.hub.publisher.drain(), nodeB.hub.publisher.drain()]);

    // A's kiosk ticket at Schalkwijk: its message to B is held back, so the fact waits on B.
    valve.held = true;
    const issued: { number: string }[] = [];
    staff.on('ticket:issued', (t) => issued.push(t));
    const drawn = await call(a, 'POST', `/locations/${SCHALKWIJK}/tickets`, {
      token: kiosk,
      body: { services: [{ code: 'passport', persons: 1 }] },
    });
    expect(drawn.status).toBe(201);
    await nodeA.hub.publisher.drain();
    await until(() => valve.withheld.length > 0, 'node A’s message about Schalkwijk');

    // B's own change of the Zijlsingel goes out meanwhile, and round after round passes.
    const signedIn = nextEvent(display, 'counter:updated', 5_000);
    expect((await call(b, 'POST', `/counters/${counterId}/sign-in`, { token: agent })).status).toBe(200);
    expect((await signedIn).id).toBe(counterId);
    for (let i = 0; i < 5; i++) await nodeB.hub.publisher.drain();
    expect(issued).toEqual([]);
    expect(given.length).toBeGreaterThan(0);
    expect(new Set(given).size).toBe(given.length);

    // The message comes: the held fact goes out, once, as A built it.
    valve.release();
    await until(() => issued.length > 0, 'the held ticket:issued on B');
    for (let i = 0; i < 3; i++) await nodeB.hub.publisher.drain();
    expect(issued.map((t) => t.number)).toEqual([(drawn.body as { number: string }).number]);
    expect(new Set(given).size).toBe(given.length);
  });

  it('being read here (its message late) holds back no other office: the node’s own change goes out meanwhile', async () => {
    const { a, b } = twoNodesOnRedis(cleanup, 'peer-slow');
    // B's reads of tickets hang while `gate` is shut: a read of a late peer fact that takes long on a loaded database.
    let shut = false;
    let hung = 0;
    const opened: (() => void)[] = [];
    const inner = b.storage;
    const queue = new Proxy(inner.read.queue, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop !== 'ticketsWithDetails' || typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          if (shut) {
            hung++;
            await new Promise<void>((resolve) => opened.push(resolve));
          }
          return value.apply(target, args);
        };
      },
    });
    b.storage = {
      read: { ...inner.read, queue } as Repositories,
      write: (work, options) => inner.write(work, options),
      problem: () => inner.problem(),
      afterErasure: () => inner.afterErasure(),
      clusterLog: () => inner.clusterLog(),
      close: () => inner.close(),
    };
    const nodeA = await startServerFor(cleanup, a, { pollMs: 20 });
    const nodeB = await startServerFor(cleanup, b, { pollMs: 20, peerWaitMs: 50 });
    // Reverse order: before node B stops, its hanging reads end (a failing run must not hang in clean-up).
    cleanup.push(() => {
      shut = false;
      for (const open of opened.splice(0)) open();
    });
    const valve = await peerFactsValve(nodeA, nodeB, ZIJL);
    const agent = await signInAs(b, 'demo-agent');
    const admin = await signInAs(b, 'demo-admin');
    const counterId = (await counterIds(b)).get('Balie 1') as number;
    const kiosk = await pairTestDevice(a, SCHALKWIJK, 'kiosk');
    const { client: display } = await screenFor(cleanup, nodeB, { token: DEMO_DEVICE_TOKEN });
    const { client: staff } = await screenFor(cleanup, nodeB, { token: admin, locationId: SCHALKWIJK });
    await Promise.all([nodeA.hub.publisher.drain(), nodeB.hub.publisher.drain()]);

    // A's kiosk ticket at Schalkwijk, its message withheld: B reads the ticket itself after 50 ms, and that read hangs.
    valve.held = true;
    shut = true;
    const issued: { number: string }[] = [];
    staff.on('ticket:issued', (t) => issued.push(t));
    const drawn = await call(a, 'POST', `/locations/${SCHALKWIJK}/tickets`, {
      token: kiosk,
      body: { services: [{ code: 'passport', persons: 1 }] },
    });
    expect(drawn.status).toBe(201);
    await until(() => hung > 0, 'node B reading the late fact');

    // B's own change of the Zijlsingel reaches its display while that read hangs.
    const signedIn = nextEvent(display, 'counter:updated', 5_000);
    expect((await call(b, 'POST', `/counters/${counterId}/sign-in`, { token: agent })).status).toBe(200);
    expect((await signedIn).id).toBe(counterId);
    expect(issued).toEqual([]);

    // The read ends: Schalkwijk's fact goes out, once.
    shut = false;
    for (const open of opened.splice(0)) open();
    await until(() => issued.length > 0, 'the late ticket:issued on B');
    valve.release();
    await nodeB.hub.publisher.drain();
    expect(issued.map((t) => t.number)).toEqual([(drawn.body as { number: string }).number]);
    b.storage = inner;
  });
});
