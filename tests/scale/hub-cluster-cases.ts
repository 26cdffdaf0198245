import { afterEach, expect, it } from 'vitest';
import type { FactOrder, HubSnapshot } from '../../server/contracts/hub.ts';
import { DEMO_DEVICE_TOKEN } from '../helpers/auth.ts';
import { connectClient, type HubClient, nextEvent, waitConnected } from '../helpers/server.ts';
import { testRedis } from '../helpers/servers.ts';
import { type Engine, http, type NodeProcess, signIn, startBalancer, startCluster, until, ZIJL } from './hub-nodes.ts';

/**
 * The hub on several nodes (ARCHITECTURE.md#scale-out): `server/main.ts` processes on one database — an SQLite
 * file (WAL) in hub-cluster.test.ts, PostgreSQL in pg-hub-cluster.test.ts — and one Redis key prefix, clients on
 * loopback. Facts travel through the cluster log; revocation through the log and the Redis Streams adapter.
 * The same cases run on both engines: declare them inside a describe block with `hubClusterCases(engine)`.
 */
const cleanup: (() => Promise<unknown> | unknown)[] = [];

/** Registers a clean-up step of the running test (run last-registered first after it). */
export function onCleanup(fn: () => Promise<unknown> | unknown): void {
  cleanup.push(fn);
}

/** Declares the afterEach that runs the clean-up steps; call once inside each describe block. */
export function cleaningUpAfterEach(): void {
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
}

export function socket(url: string, auth: Parameters<typeof connectClient>[1], reconnection = false): HubClient {
  const c = connectClient(url, auth, { reconnection, reconnectionDelay: 100 });
  cleanup.push(() => {
    c.disconnect();
  });
  return c;
}

export async function watching(url: string, auth: Parameters<typeof connectClient>[1], reconnection = false) {
  const c = socket(url, auth, reconnection);
  const snapshot = nextEvent(c, 'queue:snapshot', 15_000);
  await waitConnected(c, 15_000);
  return { client: c, snapshot: (await snapshot) as HubSnapshot };
}

export async function issue(url: string, token: string, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const res = await http(url, 'POST', `/locations/${ZIJL}/tickets`, {
      token,
      body: { services: [{ code: 'passport', persons: 1 }] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ids.push(res.body.id);
  }
  return ids;
}

/**
 * "Next" pressed once at a counter, as the console does. Two counters on two nodes racing for one ticket do
 * not make the loser press again: it is given the next best ticket (server/queue/call-next.ts). A node that
 * dies under the request is status 0 (no answer).
 */
// biome-ignore lint/suspicious/noExplicitAny: tests read answers loosely
export async function callNext(url: string, counter: number, token: string): Promise<{ status: number; body: any }> {
  return http(url, 'POST', `/counters/${counter}/call-next`, { token }).catch(() => ({ status: 0, body: null }));
}

export async function counterId(url: string, token: string, name: string): Promise<number> {
  const res = await http(url, 'GET', `/locations/${ZIJL}/queue`, { token });
  const counter = res.body.counters.find((c: { name: string }) => c.name === name);
  if (!counter) throw new Error(`no counter ${name}`);
  return counter.id;
}

/** The cases, on nodes of `on`; call inside a describe block (it registers its own afterEach clean-up). */
export function hubClusterCases(engine: Engine): void {
  cleaningUpAfterEach();
  let keyPrefix = '';
  const cluster = async (count: number): Promise<NodeProcess[]> => {
    const started = await startCluster(count, { engine, onCleanup });
    keyPrefix = started.keyPrefix;
    return started.nodes;
  };

  it('a kiosk ticket from node A is in node B’s snapshot, a call on A reaches B’s display in order, and revocation on A cuts B’s sockets', async () => {
    const [a, b] = (await cluster(2)) as [NodeProcess, NodeProcess];
    const { client: display, snapshot } = await watching(b.url, { token: DEMO_DEVICE_TOKEN });
    const facts: (FactOrder & { name: string; ticketId?: number })[] = [];
    display.on('ticket:called', (c) => facts.push({ name: 'called', ticketId: c.ticketId, seq: c.seq, prev: c.prev }));
    display.on('counter:updated', (c) => facts.push({ name: 'counter', seq: c.seq, prev: c.prev }));

    // The kiosk (demo device token) on A.
    const [ticketId] = await issue(a.url, DEMO_DEVICE_TOKEN, 1);
    const resync = await display.timeout(5_000).emitWithAck('queue:subscribe', { locationId: ZIJL });
    expect(resync.ok).toBe(true);
    if (!resync.ok) return;
    expect(resync.data.tickets.map((t: { id: number }) => t.id)).toContain(ticketId);
    expect(resync.data.seq).toBeGreaterThan(snapshot.seq ?? 0);

    const agent = await signIn(a.url, 'demo-agent');
    const balie = await counterId(a.url, agent, 'Balie 1');
    expect((await http(a.url, 'POST', `/counters/${balie}/sign-in`, { token: agent })).status).toBe(200);
    const called = await http(a.url, 'POST', `/counters/${balie}/call-next`, { token: agent });
    expect(called.status).toBe(200);
    await until(() => facts.some((f) => f.name === 'called' && f.ticketId === ticketId), 'the call on node B');
    const probe = testRedis();
    cleanup.push(() => probe.disconnect());
    /** Estimate claims (SET NX keys) of this change that are still held. */
    let estimateClaims = 0;
    for (let i = 0; i < 20 && estimateClaims === 0; i++) {
      const [, keys] = await probe.scan('0', 'MATCH', `${keyPrefix}hub:estimates:*`, 'COUNT', 1000);
      estimateClaims = keys.length;
      if (estimateClaims === 0) await new Promise((r) => setTimeout(r, 100));
    }
    // In order: every public fact names the one before it.
    let last = snapshot.seq ?? 0;
    for (const f of facts) {
      expect(f.prev).toBeLessThanOrEqual(last);
      expect(f.seq).toBeGreaterThan(last);
      last = f.seq as number;
    }

    // The nodes share a socket.io stream in Redis, and one of them took the estimate run of this change.
    expect(estimateClaims).toBeGreaterThan(0);
    expect(await probe.exists(`${keyPrefix}hub`)).toBe(1);

    // A display paired and revoked through node A, connected to node B.
    const supervisor = await signIn(a.url, 'demo-supervisor');
    const code = await http(a.url, 'POST', `/locations/${ZIJL}/pairing-codes`, {
      token: supervisor,
      body: { kind: 'display', name: 'scale display' },
    });
    expect(code.status).toBe(201);
    const paired = await http(a.url, 'POST', '/devices/pair', { body: { code: code.body.code } });
    expect(paired.status).toBe(201);
    const { client: pairedDisplay } = await watching(b.url, { token: paired.body.token });
    const cut = new Promise<string>((resolve) => pairedDisplay.once('disconnect', resolve));
    expect((await http(a.url, 'DELETE', `/devices/${paired.body.device.id}`, { token: supervisor })).status).toBe(200);
    expect(await cut).toBe('io server disconnect');

    // Signing out on A drops the staff member's socket on B.
    const { client: console } = await watching(b.url, { token: agent });
    const dropped = new Promise<string>((resolve) => console.once('disconnect', resolve));
    expect((await http(a.url, 'DELETE', '/sessions', { token: agent })).status).toBe(204);
    expect(await dropped).toBe('io server disconnect');
  }, 120_000);

  it('SIGKILL of a node during a burst of calls: no acknowledged call is lost on the other node, and its display comes back elsewhere with a fresh snapshot', async () => {
    const [a, b, c] = (await cluster(3)) as [NodeProcess, NodeProcess, NodeProcess];
    // Displays reach node C through a balancer (node C first, the others when it refuses), as behind HAProxy.
    const balancer = await startBalancer(() => [c.port, b.port, a.port]);
    cleanup.push(() => balancer.close());

    const staff = await signIn(a.url, 'demo-supervisor');
    await issue(a.url, staff, 40);
    const agents = [await signIn(a.url, 'demo-agent'), await signIn(c.url, 'agent-2')] as const;
    const counters = [await counterId(a.url, staff, 'Balie 1'), await counterId(a.url, staff, 'Balie 2')] as const;
    expect((await http(a.url, 'POST', `/counters/${counters[0]}/sign-in`, { token: agents[0] })).status).toBe(200);
    expect((await http(c.url, 'POST', `/counters/${counters[1]}/sign-in`, { token: agents[1] })).status).toBe(200);

    const { client: steady, snapshot: steadySnapshot } = await watching(b.url, { token: DEMO_DEVICE_TOKEN });
    const seenOnB: (FactOrder & { ticketId: number })[] = [];
    steady.on('ticket:called', (call) => seenOnB.push({ ticketId: call.ticketId, seq: call.seq, prev: call.prev }));
    const publicSeqsOnB: FactOrder[] = [];
    steady.on('ticket:called', (f) => publicSeqsOnB.push({ seq: f.seq, prev: f.prev }));
    steady.on('counter:updated', (f) => publicSeqsOnB.push({ seq: f.seq, prev: f.prev }));

    const { client: moving } = await watching(balancer.url, { token: DEMO_DEVICE_TOKEN }, true);
    const movingSnapshots: HubSnapshot[] = [];
    moving.on('queue:snapshot', (s) => movingSnapshots.push(s));
    let movingSeq = 0;
    for (const name of ['ticket:called', 'counter:updated'] as const)
      moving.on(name, (f: FactOrder) => {
        movingSeq = Math.max(movingSeq, f.seq ?? 0);
      });
    /** When the display lost node C: how many snapshots it had and the newest seq it had seen. */
    let lost: { snapshots: number; seq: number } | null = null;
    moving.on('disconnect', () => {
      lost ??= { snapshots: movingSnapshots.length, seq: movingSeq };
    });

    // The burst: both agents press "next" in turn (A and C); C is killed after its fourth acknowledged call.
    const acknowledged: number[] = [];
    let cAlive = true;
    let cCalls = 0;
    for (let round = 0; round < 12; round++) {
      const presses = [callNext(a.url, counters[0], agents[0])];
      if (cAlive) presses.push(callNext(c.url, counters[1], agents[1]));
      for (const res of await Promise.all(presses)) {
        if (res.status === 200 && res.body?.ticket) acknowledged.push(res.body.ticket.id);
      }
      if (cAlive && ++cCalls === 4) {
        await c.kill('SIGKILL');
        cAlive = false;
      }
    }
    expect(acknowledged.length).toBeGreaterThanOrEqual(12 + 4);

    // Every acknowledged call reached the display on B, whichever node made it, in order without a gap.
    await until(() => acknowledged.every((id) => seenOnB.some((s) => s.ticketId === id)), 'every call on B', 20_000);
    let last = steadySnapshot.seq ?? 0;
    // A fact the snapshot already holds may still arrive after it (it was broadcast to the room while the
    // snapshot was read); a client ignores seq ≤ the last it has, as the protocol says, and so does this check.
    const fresh = publicSeqsOnB.filter((f) => (f.seq as number) > (steadySnapshot.seq ?? 0));
    fresh.forEach((f, i) => {
      // The first names a fact at or before the snapshot; each later one exactly the one before it.
      if (i === 0) expect(f.prev).toBeLessThanOrEqual(last);
      else expect(f.prev).toBe(last);
      expect(f.seq).toBeGreaterThan(last);
      last = f.seq as number;
    });

    // The display that was on C lost it, came back through the balancer to another node, with a fresh snapshot.
    await until(() => lost !== null, 'the display on C to notice', 20_000);
    const atLoss = lost as unknown as { snapshots: number; seq: number };
    await until(
      () => movingSnapshots.slice(atLoss.snapshots).some((s) => (s.seq ?? 0) >= atLoss.seq),
      'a fresh snapshot on another node',
      20_000,
    );
    expect(moving.connected).toBe(true);
    // And it follows the calls from there: the last acknowledged one reaches it too.
    const lastCall = acknowledged[acknowledged.length - 1];
    await until(
      () =>
        movingSnapshots.some((s) => s.recentCalls.some((call) => call.ticketId === lastCall)) ||
        movingSeq >= (seenOnB.find((f) => f.ticketId === lastCall)?.seq ?? Number.POSITIVE_INFINITY),
      'the last call on the moved display',
      20_000,
    );
  }, 180_000);
}
