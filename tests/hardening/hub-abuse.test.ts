import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { devices, staffSessions } from '../../db/schema/index.ts';
import type { HubAuth } from '../../server/contracts/hub.ts';
import { type CommandName, commands } from '../../server/hub/commands.ts';
import type { HubOptions } from '../../server/hub/hub.ts';
import { DEMO_DEVICE_TOKEN, pairTestDevice, signInAs } from '../helpers/auth.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { kioskTicket } from '../helpers/http.ts';
import {
  cleanupAfterEach,
  clientFor,
  command,
  type HubClient,
  nextEvent,
  type RunningServer,
  startServerFor,
  waitConnected,
} from '../helpers/server.ts';

const ZIJL = 'haarlem-zijlsingel';
const cleanup = cleanupAfterEach();

async function boot(hubOptions: HubOptions = {}) {
  // The test context's monotonic clock follows ctx.clock, which stands still: buckets refill only when
  // the test moves it, so counts are exact whatever the machine's speed.
  const ctx = createTestContext({ now: '2026-11-23T08:30:00Z' });
  return { ctx, server: await startServerFor(cleanup, ctx, hubOptions) };
}

const client = (server: RunningServer, auth: HubAuth = {}) => clientFor(cleanup, server, auth);
const disconnected = (c: HubClient) => new Promise<string>((resolve) => c.once('disconnect', resolve));
const takeTicket = (ctx: TestContext): Promise<{ publicId: string }> => kioskTicket(ctx);

describe('finding 1: one socket flooding the hub', () => {
  it('20,000 ticket:follow from one anonymous socket: a handful answered, the socket cut off, others served', async () => {
    const { ctx, server } = await boot();
    const ticket = await takeTicket(ctx);
    const flooder = client(server);
    await waitConnected(flooder);
    const gone = disconnected(flooder);
    let answered = 0;
    let refused = 0;
    for (let i = 0; i < 20_000; i++) {
      flooder.emit('ticket:follow', { publicId: ticket.publicId }, (ack) => {
        if (ack.ok) answered++;
        else refused++;
      });
    }
    expect(await gone).toBe('io server disconnect');
    // The socket's bucket holds 5; up to 20 refusals (strikes) are answered before the cut.
    expect(answered).toBeLessThanOrEqual(5);
    expect(refused).toBeLessThanOrEqual(21);

    const health = await ctx.app.request('/api/v1/health');
    expect(health.status).toBe(200);
    const resident = client(server);
    await waitConnected(resident);
    expect((await command(resident, 'ticket:follow', { publicId: ticket.publicId })).ok).toBe(true);
  });

  it('every command at flood rate: the flooding staff socket is cut off and the hub keeps serving', async () => {
    const { ctx, server } = await boot();
    const token = await signInAs(ctx, 'demo-supervisor');
    // Every command the hub has (complete by type over ClientToServerEvents), so a new one is tried too.
    const names = Object.keys(commands) as CommandName[];
    for (const name of [...names, 'no:such-event']) {
      const flooder = client(server, { token, locationId: ZIJL });
      await waitConnected(flooder);
      const gone = disconnected(flooder);
      const emit = (flooder as unknown as { emit: (...a: unknown[]) => void }).emit.bind(flooder);
      for (let i = 0; i < 2_000; i++) emit(name, { ticketId: i + 1, counterId: 1, locationId: ZIJL, paused: true });
      expect(await gone, name).toBe('io server disconnect');
    }
    const fresh = client(server, { token, locationId: ZIJL });
    await waitConnected(fresh);
    expect((await command(fresh, 'queue:subscribe', { locationId: ZIJL })).ok).toBe(true);
  });

  it('a socket’s bucket refuses the sixth follow at once and refills with time', async () => {
    const { ctx, server } = await boot();
    const ticket = await takeTicket(ctx);
    const resident = client(server);
    await waitConnected(resident);
    const codes: string[] = [];
    for (let i = 0; i < 7; i++) {
      const ack = await command(resident, 'ticket:follow', { publicId: ticket.publicId });
      codes.push(ack.ok ? 'ok' : (ack.error?.code ?? '?'));
    }
    expect(codes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'rate-limited', 'rate-limited']);
    ctx.clock.advance(2_000);
    expect((await command(resident, 'ticket:follow', { publicId: ticket.publicId })).ok).toBe(true);
  });

  it('caps the tickets one socket follows', async () => {
    const { ctx, server } = await boot({ limits: { maxFollowsPerSocket: 3 } });
    const tickets = [await takeTicket(ctx), await takeTicket(ctx), await takeTicket(ctx), await takeTicket(ctx)];
    const resident = client(server);
    await waitConnected(resident);
    const codes: string[] = [];
    for (const t of [...tickets, tickets[0]]) {
      ctx.clock.advance(2_000);
      const ack = await command(resident, 'ticket:follow', { publicId: t?.publicId });
      codes.push(ack.ok ? 'ok' : (ack.error?.code ?? '?'));
    }
    // The fourth is one too many; following one it already follows again is fine.
    expect(codes).toEqual(['ok', 'ok', 'ok', 'rate-limited', 'ok']);
  });

  it('caps the tickets one socket follows also when the follows arrive all at once', async () => {
    const { ctx, server } = await boot({ limits: { maxFollowsPerSocket: 3 } });
    const tickets = [await takeTicket(ctx), await takeTicket(ctx), await takeTicket(ctx), await takeTicket(ctx)];
    const resident = client(server);
    await waitConnected(resident);
    ctx.clock.advance(10_000);
    const acks = await Promise.all(tickets.map((t) => command(resident, 'ticket:follow', { publicId: t?.publicId })));
    const codes = acks.map((ack) => (ack.ok ? 'ok' : (ack.error?.code ?? '?'))).sort();
    expect(codes).toEqual(['ok', 'ok', 'ok', 'rate-limited']);
    // A ticket that does not exist does not use up a place.
    ctx.clock.advance(10_000);
    const unknown = await command(resident, 'ticket:follow', { publicId: 'no-such-ticket-0000000' });
    expect(unknown.ok).toBe(false);
    expect((await command(resident, 'ticket:follow', { publicId: tickets[0]?.publicId })).ok).toBe(true);
  });

  it('limits connections per address, anonymous ones more', async () => {
    const { ctx, server } = await boot({
      limits: { maxAnonymousConnectionsPerAddress: 2, maxConnectionsPerAddress: 3 },
    });
    const a = client(server);
    const b = client(server);
    await Promise.all([waitConnected(a), waitConnected(b)]);
    await expect(waitConnected(client(server))).rejects.toThrow('rate-limited');
    const staff = client(server, { token: await signInAs(ctx, 'demo-agent') });
    await waitConnected(staff);
    await expect(waitConnected(client(server, { token: DEMO_DEVICE_TOKEN }))).rejects.toThrow('rate-limited');
    const closed = disconnected(a);
    a.disconnect();
    await closed;
    // The server sees the close a moment later; retry until the slot is free.
    let again: HubClient | null = null;
    for (let i = 0; i < 50 && !again; i++) {
      const c = client(server);
      try {
        await waitConnected(c);
        again = c;
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    expect(again?.connected).toBe(true);
  });

  it('an address cut off for flooding four times in a minute is refused for a minute', async () => {
    const { ctx, server } = await boot();
    const outcomes: string[] = [];
    for (let round = 0; round < 5; round++) {
      const flooder = client(server);
      try {
        await waitConnected(flooder);
      } catch (err) {
        outcomes.push((err as Error).message);
        continue;
      }
      const gone = disconnected(flooder);
      for (let i = 0; i < 200; i++) flooder.emit('ticket:follow', { publicId: 'no-such-ticket-0000000' }, () => {});
      outcomes.push(await gone);
    }
    expect(outcomes).toEqual([
      'io server disconnect',
      'io server disconnect',
      'io server disconnect',
      'io server disconnect',
      'rate-limited',
    ]);
    ctx.clock.advance(60_001);
    await waitConnected(client(server));
  });

  it('a flooder cut off and reconnecting meets the per-address connection bucket', async () => {
    const { server } = await boot({ limits: { connectsPerAddress: { limit: 3, windowMs: 60_000 } } });
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = client(server);
      try {
        await waitConnected(c);
        outcomes.push('connected');
        c.disconnect();
      } catch (err) {
        outcomes.push((err as Error).message);
      }
    }
    expect(outcomes).toEqual(['connected', 'connected', 'connected', 'rate-limited', 'rate-limited']);
  });
});

describe('finding 5: sockets outliving their session or device', () => {
  it('disconnects a display revoked by another process, without any command from it', async () => {
    const { ctx, server } = await boot({ recheckMs: 1_000, sweepMs: 10 });
    const deviceToken = await pairTestDevice(ctx, ZIJL, 'display');
    const display = client(server, { token: deviceToken });
    const snapshot = nextEvent(display, 'queue:snapshot');
    await waitConnected(display);
    await snapshot;
    const gone = disconnected(display);
    // Revoked straight in the database: no auth:revoked event reaches this process.
    ctx.db.update(devices).set({ revokedAt: ctx.clock.now() }).where(eq(devices.name, 'test display')).run();
    ctx.clock.advance(1_001);
    expect(await gone).toBe('io server disconnect');
  });

  it('disconnects a staff socket when its session expires', async () => {
    const { ctx, server } = await boot({ sweepMs: 10 });
    const token = await signInAs(ctx, 'demo-agent');
    const session = ctx.db.select().from(staffSessions).all().at(-1);
    const agent = client(server, { token });
    await waitConnected(agent);
    const gone = disconnected(agent);
    ctx.clock.set(new Date((session?.expiresAt.getTime() ?? 0) + 1));
    expect(await gone).toBe('io server disconnect');
  });
});
