import { describe, expect, it } from 'vitest';
import { counterIds } from '../helpers/appointments.ts';
import { DEMO_DEVICE_TOKEN, pairTestDevice, signInAs } from '../helpers/auth.ts';
import { createTestContext } from '../helpers/context.ts';
import { call, kioskTicket } from '../helpers/http.ts';
import { countReads } from '../helpers/read-counter.ts';
import {
  cleanupAfterEach,
  clientFor,
  command,
  nextEvent,
  screenFor,
  startServerFor,
  waitConnected,
} from '../helpers/server.ts';

// Issue #9: a killed node's screens all reconnect to the others at once (ARCHITECTURE.md#scale-out). What each
// reconnect costs the node it lands on: the handshake's token check and the office's snapshot.

const ZIJL = 'haarlem-zijlsingel';
const cleanup = cleanupAfterEach();

describe('a reconnect storm', () => {
  it('gets the snapshot after this node’s own change from its live view of the queue, not a read of it', async () => {
    const ctx = createTestContext();
    const counts = countReads(ctx);
    const server = await startServerFor(cleanup, ctx, { liveViewMaxAgeMs: 600_000 });
    for (let i = 0; i < 3; i++) await kioskTicket(ctx);
    const { client: display } = await screenFor(cleanup, server, { token: DEMO_DEVICE_TOKEN });
    const agentToken = await signInAs(ctx, 'demo-agent');
    const { client: agent } = await screenFor(cleanup, server, { token: agentToken });
    const counterId = (await counterIds(ctx)).get('Balie 3') as number;
    expect((await command(agent, 'counter:sign-in', { counterId })).ok).toBe(true);
    const called = nextEvent(display, 'ticket:called');
    const answer = await command(agent, 'queue:call-next', {});
    expect(answer.ok).toBe(true);
    const fact = await called;
    await server.hub.publisher.drain();

    counts.clear();
    const screens = await Promise.all(
      Array.from({ length: 6 }, () => screenFor(cleanup, server, { token: DEMO_DEVICE_TOKEN })),
    );
    for (const { snapshot } of screens) {
      // At or after the call, with the called ticket as called: nothing the room was sent before the join is missing.
      expect(snapshot.seq).toBeGreaterThanOrEqual(fact.seq as number);
      expect(snapshot.recentCalls[0]?.ticketId).toBe(fact.ticketId);
      expect(snapshot.tickets.find((t) => t.id === fact.ticketId)?.status).toBe('called');
    }
    // The queue was not read: the call kept the live view current. One build served all six.
    expect(counts.get('queue.liveQueue') ?? 0).toBe(0);
    expect(counts.get('queue.recentCalls') ?? 0).toBe(1);
    // Nor the office per screen (a screen's access does not depend on it): the build's read alone.
    expect(counts.get('queue.location') ?? 0).toBe(1);
  });

  it('checks a device token once for the screens that share it, and a revoked one is refused at once', async () => {
    const ctx = createTestContext();
    const server = await startServerFor(cleanup, ctx);
    const deviceToken = await pairTestDevice(ctx, ZIJL, 'display');
    const counts = countReads(ctx);
    const screens = [];
    for (let i = 0; i < 5; i++) screens.push(await screenFor(cleanup, server, { token: deviceToken }));
    expect(counts.get('auth.devicesByTokenHash') ?? 0).toBe(1);
    expect(counts.get('auth.liveSession') ?? 0).toBe(1);

    const sup = await signInAs(ctx, 'demo-supervisor');
    const list = await call(ctx, 'GET', `/locations/${ZIJL}/devices`, { token: sup });
    const device = list.body.devices.find((d: { name: string }) => d.name === 'test display');
    const gone = screens.map(({ client }) => new Promise<string>((resolve) => client.once('disconnect', resolve)));
    expect((await call(ctx, 'DELETE', `/devices/${device.id}`, { token: sup })).status).toBe(200);
    expect(await Promise.all(gone)).toEqual(Array(5).fill('io server disconnect'));
    await expect(waitConnected(clientFor(cleanup, server, { token: deviceToken }))).rejects.toThrow('unauthorized');
  });

  it('checks a device token once for screens arriving together, before its first read has answered', async () => {
    const ctx = createTestContext();
    const server = await startServerFor(cleanup, ctx);
    const deviceToken = await pairTestDevice(ctx, ZIJL, 'display');
    const counts = countReads(ctx);
    // The device reads wait until every screen's handshake is on the node (as under a storm's queueing storage).
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const auth = ctx.storage.read.auth;
    const devicesByTokenHash = auth.devicesByTokenHash.bind(auth);
    ctx.storage.read.auth = Object.assign(Object.create(auth), {
      devicesByTokenHash: async (...args: Parameters<typeof devicesByTokenHash>) => {
        await gate;
        return devicesByTokenHash(...args);
      },
    });
    const screens = Array.from({ length: 6 }, () => screenFor(cleanup, server, { token: deviceToken }));
    await expect.poll(() => server.hub.io.engine.clientsCount).toBe(6);
    await new Promise((resolve) => setTimeout(resolve, 200));
    open();
    for (const { snapshot } of await Promise.all(screens)) expect(snapshot.locationId).toBe(ZIJL);
    expect(counts.get('auth.devicesByTokenHash')).toBe(1);
  });

  it('re-checks the screens that share a device token with one read, and all of them see its revocation', async () => {
    const ctx = createTestContext();
    const server = await startServerFor(cleanup, ctx, { recheckMs: 1_000, sweepMs: 10 });
    const deviceToken = await pairTestDevice(ctx, ZIJL, 'display');
    const screens = [];
    for (let i = 0; i < 5; i++) screens.push(await screenFor(cleanup, server, { token: deviceToken }));
    const counts = countReads(ctx);
    // Every screen's check goes stale at once: the next sweep re-checks all five, sharing the one read.
    ctx.clock.advance(1_001);
    await expect.poll(() => counts.get('auth.devicesByTokenHash') ?? 0).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(counts.get('auth.devicesByTokenHash')).toBe(1);
    for (const { client } of screens) expect(client.connected).toBe(true);

    // Revoked straight in the database (no auth:revoked in this process): the shared read disconnects every screen.
    const gone = screens.map(({ client }) => new Promise<string>((resolve) => client.once('disconnect', resolve)));
    await ctx.sql.exec('UPDATE devices SET revoked_at = ? WHERE name = ?', [ctx.clock.now().getTime(), 'test display']);
    ctx.clock.advance(1_001);
    expect(await Promise.all(gone)).toEqual(Array(5).fill('io server disconnect'));
    expect(counts.get('auth.devicesByTokenHash')).toBe(2);
  });
});
