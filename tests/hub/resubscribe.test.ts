import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HubSnapshot } from '../../server/contracts/hub.ts';
import { counterIds } from '../helpers/appointments.ts';
import { DEMO_DEVICE_TOKEN, signInAs } from '../helpers/auth.ts';
import { createTestContext } from '../helpers/context.ts';
import { kioskTicket } from '../helpers/http.ts';
import { countReads } from '../helpers/read-counter.ts';
import { cleanupAfterEach, command, nextEvent, screenFor, startServerFor, until } from '../helpers/server.ts';

// Issue #9: a display reconnecting gets its office's snapshot unasked at the handshake, then subscribes again
// (shared-web/use-location-feed.ts does on every connect). Under a reconnect storm the second snapshot — built again
// once the node's kept one is a second old, emitted and put in the ack — was the survivors' CPU. A client saying which
// seq it has is answered `{ current, seq }` when the snapshot it was sent is still current; a gap still gets a fresh one.

const ZIJL = 'haarlem-zijlsingel';
const cleanup = cleanupAfterEach();
afterEach(() => vi.restoreAllMocks());

/** Every `queue:snapshot` the client is sent from now on. */
function snapshotsOf(client: { on(event: 'queue:snapshot', fn: (s: HubSnapshot) => void): unknown }): HubSnapshot[] {
  const seen: HubSnapshot[] = [];
  client.on('queue:snapshot', (s) => seen.push(s));
  return seen;
}

describe('a display subscribing after its handshake', () => {
  it('with the seq it has, is told its snapshot is current: nothing built or sent again', async () => {
    const ctx = createTestContext();
    const server = await startServerFor(cleanup, ctx, { liveViewMaxAgeMs: 600_000 });
    await kioskTicket(ctx);
    const { client: display, snapshot } = await screenFor(cleanup, server, { token: DEMO_DEVICE_TOKEN });
    const later = snapshotsOf(display);
    const counts = countReads(ctx);
    // Past the age the node keeps an office's last snapshot (publish.ts): a second snapshot would be built again.
    const now = Date.now;
    vi.spyOn(Date, 'now').mockImplementation(() => now() + 5_000);

    const ack = await command(display, 'queue:subscribe', { locationId: ZIJL, seq: snapshot.seq });
    expect(ack).toEqual({ ok: true, data: { current: true, seq: snapshot.seq } });
    // No build (each reads the office once) and no second `queue:snapshot`.
    expect(counts.get('queue.location') ?? 0).toBe(0);
    expect(counts.get('queue.recentCalls') ?? 0).toBe(0);
    await server.hub.publisher.drain();
    expect(later).toEqual([]);
  });

  it('without a seq (a client of before), still gets the snapshot in its ack', async () => {
    const ctx = createTestContext();
    const server = await startServerFor(cleanup, ctx);
    const { client: display, snapshot } = await screenFor(cleanup, server, { token: DEMO_DEVICE_TOKEN });
    const ack = await command(display, 'queue:subscribe', { locationId: ZIJL });
    expect(ack.ok).toBe(true);
    expect(ack.data.locationId).toBe(ZIJL);
    expect(ack.data.seq).toBe(snapshot.seq);
    expect(ack.data.current).toBeUndefined();
  });

  it('after a gap (a fact it missed), gets a fresh snapshot with that fact', async () => {
    const ctx = createTestContext();
    const server = await startServerFor(cleanup, ctx);
    for (let i = 0; i < 2; i++) await kioskTicket(ctx);
    const { client: display, snapshot } = await screenFor(cleanup, server, { token: DEMO_DEVICE_TOKEN });
    const agentToken = await signInAs(ctx, 'demo-agent');
    const { client: agent } = await screenFor(cleanup, server, { token: agentToken });
    const counterId = (await counterIds(ctx)).get('Balie 3') as number;
    expect((await command(agent, 'counter:sign-in', { counterId })).ok).toBe(true);
    const called = nextEvent(display, 'ticket:called');
    expect((await command(agent, 'queue:call-next', {})).ok).toBe(true);
    const fact = await called;
    const later = snapshotsOf(display);

    // The client says it has only the handshake's snapshot (as if the call had not reached it).
    const ack = await command(display, 'queue:subscribe', { locationId: ZIJL, seq: snapshot.seq });
    expect(ack.ok).toBe(true);
    expect(ack.data.current).toBeUndefined();
    expect(ack.data.seq).toBeGreaterThanOrEqual(fact.seq as number);
    expect(ack.data.recentCalls[0]?.ticketId).toBe(fact.ticketId);
    await until(() => later.length === 1, 'the fresh snapshot');
    expect(later[0]?.seq).toBe(ack.data.seq);
  });

  it('claiming a seq newer than it was sent, gets the snapshot', async () => {
    const ctx = createTestContext();
    const server = await startServerFor(cleanup, ctx);
    const { client: display, snapshot } = await screenFor(cleanup, server, { token: DEMO_DEVICE_TOKEN });
    const ack = await command(display, 'queue:subscribe', { locationId: ZIJL, seq: (snapshot.seq as number) + 1 });
    expect(ack.ok).toBe(true);
    expect(ack.data.locationId).toBe(ZIJL);
    expect((await command(display, 'queue:subscribe', { locationId: ZIJL, seq: -1 })).error?.code).toBe(
      'validation-failed',
    );
  });
});
