import { describe, expect, it } from 'vitest';
import type { BatchedFact, FactOrder, HubAuth } from '../../server/contracts/hub.ts';
import { counterIds } from '../helpers/appointments.ts';
import { DEMO_DEVICE_TOKEN, signInAs } from '../helpers/auth.ts';
import { createTestContext } from '../helpers/context.ts';
import { call, kioskTicket } from '../helpers/http.ts';
import { cleanupAfterEach, command, type HubClient, screenFor, startServerFor, until } from '../helpers/server.ts';
import { describeWithRedis } from '../helpers/servers.ts';
import { twoNodesOnRedis } from '../helpers/two-nodes.ts';

const ZIJL = 'haarlem-zijlsingel';
const cleanup = cleanupAfterEach();

/** Every message a client gets, as event name and payload, in order (acks apart). */
function messages(c: HubClient): { event: string; data: unknown }[] {
  const seen: { event: string; data: unknown }[] = [];
  c.onAny((event: string, data: unknown) => seen.push({ event, data }));
  return seen;
}

const batches = (seen: { event: string; data: unknown }[]) =>
  seen.filter((m) => m.event === 'queue:facts').map((m) => (m.data as { facts: BatchedFact[] }).facts);
const order = (f: BatchedFact) => f.data as FactOrder;

describe('batched staff facts (HubAuth.facts)', () => {
  it('a batched console learns its own changes from the acks, an observer gets one message per change, a console of before one per fact', async () => {
    const ctx = createTestContext();
    const server = await startServerFor(cleanup, ctx, { pollMs: 20 });
    const agentToken = await signInAs(ctx, 'demo-agent');
    const supToken = await signInAs(ctx, 'demo-supervisor');
    const batched = (token: string): HubAuth => ({ token, locationId: ZIJL, facts: 'batched' });
    const { client: agent, snapshot } = await screenFor(cleanup, server, batched(agentToken));
    const { client: observer } = await screenFor(cleanup, server, batched(supToken));
    const { client: before } = await screenFor(cleanup, server, { token: supToken, locationId: ZIJL });
    const { client: display } = await screenFor(cleanup, server, { token: DEMO_DEVICE_TOKEN });
    const agentSeen = messages(agent);
    const observerSeen = messages(observer);
    const beforeSeen = messages(before);
    const displaySeen = messages(display);

    for (let i = 0; i < 2; i++) {
      const res = await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, {
        token: DEMO_DEVICE_TOKEN,
        body: { services: [{ code: 'passport', persons: 1 }] },
      });
      expect(res.status).toBe(201);
    }
    const counterId = (await counterIds(ctx)).get('Balie 1') as number;
    const signIn = await command(agent, 'counter:sign-in', { counterId });
    const first = await command(agent, 'queue:call-next', {});
    const started = await command(agent, 'ticket:start', { ticketId: first.data.ticket.id });
    const second = await command(agent, 'queue:call-next', {});
    for (const ack of [signIn, first, started, second]) expect(ack.ok).toBe(true);
    expect(second.data.finished).toMatchObject({ id: first.data.ticket.id, status: 'done' });
    expect(second.data.ticket.id).not.toBe(first.data.ticket.id);
    // Someone else's change after the agent's: the agent gets it, chained to the seq of its last ack.
    const third = await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, {
      token: DEMO_DEVICE_TOKEN,
      body: { services: [{ code: 'passport', persons: 1 }] },
    });
    expect(third.status).toBe(201);
    const factsOf = (seen: { event: string; data: unknown }[]) => batches(seen).flat();
    await until(() => factsOf(agentSeen).length === 3, 'the agent hears the three kiosk tickets');
    await until(() => factsOf(observerSeen).length === 8, 'the observer hears every change');
    await until(() => beforeSeen.filter((m) => m.event === 'ticket:issued').length === 3, 'the old console');

    // The agent: nothing of its own four commands, only the kiosk's tickets, in order.
    const agentFacts = factsOf(agentSeen);
    expect(agentFacts.map((f) => f.event)).toEqual(['ticket:issued', 'ticket:issued', 'ticket:issued']);
    expect(agentSeen.some((m) => m.event === 'ticket:called' || m.event === 'ticket:updated')).toBe(false);
    // Each ack names the last seq of its change; the next fact the agent gets chains to the last one.
    const seqs = [signIn, first, started, second].map((a) => (a as { seq?: number }).seq);
    const start = snapshot.seq as number;
    expect(seqs).toEqual([start + 3, start + 4, start + 5, start + 7]);
    expect(order(agentFacts[2] as BatchedFact)).toEqual(expect.objectContaining({ seq: start + 8, prev: start + 7 }));

    // The observer: every fact in order, one message per change — the press that finished and called carries both.
    const observerFacts = factsOf(observerSeen).map(order);
    expect(observerFacts.map((f) => f.seq)).toEqual(observerFacts.map((_, i) => start + 1 + i));
    expect(observerFacts.every((f) => f.prev === (f.seq as number) - 1)).toBe(true);
    expect(factsOf(observerSeen).map((f) => f.event)).toEqual([
      'ticket:issued',
      'ticket:issued',
      'counter:updated',
      'ticket:called',
      'ticket:updated',
      'ticket:updated',
      'ticket:called',
      'ticket:issued',
    ]);
    const press = batches(observerSeen).find((b) => b.some((f) => order(f).seq === start + 7));
    expect(press?.map((f) => f.event)).toEqual(['ticket:updated', 'ticket:called']);
    expect(press?.[1]).toMatchObject({ data: { ticket: { id: second.data.ticket.id } } });
    expect(observerSeen.some((m) => m.event === 'ticket:called' || m.event === 'ticket:updated')).toBe(false);

    // A console of before: one event per fact, as ever; a display: the calls.
    expect(beforeSeen.filter((m) => m.event !== 'wait:estimates').map((m) => m.event)).toEqual([
      'ticket:issued',
      'ticket:issued',
      'counter:updated',
      'ticket:called',
      'ticket:updated',
      'ticket:updated',
      'ticket:called',
      'ticket:issued',
    ]);
    expect(beforeSeen.some((m) => m.event === 'queue:facts')).toBe(false);
    await until(() => displaySeen.filter((m) => m.event === 'ticket:called').length === 2, 'the display');
  });

  it('a call’s waits reach the batched console that pressed in its ack', async () => {
    const ctx = createTestContext();
    const server = await startServerFor(cleanup, ctx, { pollMs: 20 });
    const agentToken = await signInAs(ctx, 'demo-agent');
    const { client: agent } = await screenFor(cleanup, server, {
      token: agentToken,
      locationId: ZIJL,
      facts: 'batched',
    });
    const { client: display } = await screenFor(cleanup, server, { token: DEMO_DEVICE_TOKEN });
    const displaySeen = messages(display);
    for (let i = 0; i < 2; i++)
      await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, {
        token: DEMO_DEVICE_TOKEN,
        body: { services: [{ code: 'passport', persons: 1 }] },
      });
    const counterId = (await counterIds(ctx)).get('Balie 1') as number;
    expect((await command(agent, 'counter:sign-in', { counterId })).ok).toBe(true);
    await server.hub.publisher.settled();
    const pressed = await command(agent, 'queue:call-next', {});
    expect(pressed.ok).toBe(true);
    await until(() => displaySeen.some((m) => m.event === 'ticket:called'), 'the call on the display');
    const onDisplay = displaySeen.find((m) => m.event === 'ticket:called')?.data as { estimates?: unknown };
    // Without estimates on the call (a slow predictor keeps to its share of the process: a loaded machine) none in
    // the ack either; the wait:estimates after it goes to the agent's office room as to every screen.
    expect((pressed as { estimates?: unknown }).estimates).toEqual(onDisplay.estimates);
  });
});

describeWithRedis('batched staff facts across nodes', () => {
  it('a press on node A: the console that pressed gets its acks alone, a console on node B one message per change', async () => {
    const { a, b } = twoNodesOnRedis(cleanup, 'batched');
    const nodeA = await startServerFor(cleanup, a, { pollMs: 20 });
    const nodeB = await startServerFor(cleanup, b, { pollMs: 20 });
    for (let i = 0; i < 3; i++) await kioskTicket(a);
    const agentToken = await signInAs(a, 'demo-agent');
    const supToken = await signInAs(a, 'demo-supervisor');
    const { client: agent } = await screenFor(cleanup, nodeA, {
      token: agentToken,
      locationId: ZIJL,
      facts: 'batched',
    });
    const { client: observer, snapshot } = await screenFor(cleanup, nodeB, {
      token: supToken,
      locationId: ZIJL,
      facts: 'batched',
    });
    const agentSeen = messages(agent);
    const observerSeen = messages(observer);
    const counterId = (await counterIds(a)).get('Balie 1') as number;
    const acks = [await command(agent, 'counter:sign-in', { counterId })];
    acks.push(await command(agent, 'queue:call-next', {}));
    acks.push(await command(agent, 'ticket:start', { ticketId: acks[1]?.data.ticket.id }));
    acks.push(await command(agent, 'queue:call-next', {}));
    for (const ack of acks) expect(ack.ok).toBe(true);
    const start = snapshot.seq as number;
    // Facts at or below the snapshot's seq may still come (node B's tail catching up); a client ignores them by seq.
    const fresh = () => batches(observerSeen).filter((batch) => batch.some((f) => (order(f).seq as number) > start));
    const freshFacts = () => fresh().flatMap((batch) => batch.filter((f) => (order(f).seq as number) > start));
    await until(() => freshFacts().length >= 5, 'node B’s console hears the four changes');
    expect(freshFacts().map((f) => [f.event, order(f).seq])).toEqual([
      ['counter:updated', start + 1],
      ['ticket:called', start + 2],
      ['ticket:updated', start + 3],
      ['ticket:updated', start + 4],
      ['ticket:called', start + 5],
    ]);
    // One message per change at most (node B's tail may take two changes in one round).
    expect(fresh().length).toBeLessThanOrEqual(4);
    // The agent on A: no fact of its own changes; each ack the last seq of its change.
    expect(acks.map((ack) => (ack as { seq?: number }).seq)).toEqual([start + 1, start + 2, start + 3, start + 5]);
    await nodeA.hub.publisher.settled();
    expect(agentSeen.filter((m) => m.event !== 'wait:estimates')).toEqual([]);
  });
});
