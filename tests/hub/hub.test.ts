import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HubAuth } from '../../server/contracts/hub.ts';
import type { QueueSnapshot, TicketDto } from '../../server/contracts/queue.ts';
import { type CommandName, commands } from '../../server/hub/commands.ts';
import type { HubOptions } from '../../server/hub/hub.ts';
import { counterIds } from '../helpers/appointments.ts';
import { createStaffUser, DEMO_DEVICE_TOKEN, pairTestDevice, signInAs } from '../helpers/auth.ts';
import {
  type ContextOptions,
  createTestContext,
  describeEachEngine,
  type EngineContext,
  type EngineUnderTest,
} from '../helpers/context.ts';
import { call, kioskTicket } from '../helpers/http.ts';
import {
  cleanupAfterEach,
  clientFor,
  command,
  connectClient,
  type HubClient,
  nextEvent,
  type RunningServer,
  screenFor,
  startServer,
  startServerFor,
  waitConnected,
} from '../helpers/server.ts';

const ZIJL = 'haarlem-zijlsingel';
const cleanup = cleanupAfterEach();

async function boot(under: EngineUnderTest, options: ContextOptions = {}, hubOptions: HubOptions = {}) {
  const ctx = await under.context(options);
  return { ctx, server: await startServerFor(cleanup, ctx, hubOptions) };
}

const client = (server: RunningServer, auth: HubAuth = {}, reconnection = false) =>
  clientFor(cleanup, server, auth, { reconnection });
const connectedWithSnapshot = (server: RunningServer, auth: HubAuth) => screenFor(cleanup, server, auth);
const takeTicket = (ctx: EngineContext) => kioskTicket(ctx);

describeEachEngine('hub', (under) => {
  describe('hub', () => {
    it('acks the actor and broadcasts the facts to the display and the supervisor', async () => {
      const { ctx, server } = await boot(under);
      const { client: display, snapshot } = await connectedWithSnapshot(server, { token: DEMO_DEVICE_TOKEN });
      expect(snapshot.locationId).toBe(ZIJL);
      expect(snapshot.tickets).toEqual([]);
      const supToken = await signInAs(ctx, 'demo-supervisor');
      const { client: supervisor } = await connectedWithSnapshot(server, { token: supToken, locationId: ZIJL });
      let displayGotTicketChurn = false;
      display.on('ticket:issued', () => {
        displayGotTicketChurn = true;
      });
      display.on('ticket:updated', () => {
        displayGotTicketChurn = true;
      });

      const issued = nextEvent(supervisor, 'ticket:issued');
      const estimates = nextEvent(display, 'wait:estimates');
      const ticket = await takeTicket(ctx);
      expect((await issued).number).toBe(ticket.number);
      expect((await estimates).waits.find((w) => w.code === 'passport')?.waiting).toBe(1);

      const token = await signInAs(ctx, 'demo-agent');
      const { client: agent } = await connectedWithSnapshot(server, { token });
      const counterId = (await counterIds(ctx)).get('Balie 3') as number;
      const counterUpdate = nextEvent(display, 'counter:updated');
      const signed = await command(agent, 'counter:sign-in', { counterId });
      expect(signed).toMatchObject({
        ok: true,
        data: { id: counterId, state: 'open', agentName: 'Demo Baliemedewerker' },
      });
      expect((await counterUpdate).state).toBe('open');

      const called = nextEvent(display, 'ticket:called');
      const ack = await command(agent, 'queue:call-next', {});
      expect(ack).toMatchObject({
        ok: true,
        data: { ticket: { id: ticket.id, status: 'called', counterName: 'Balie 3' } },
      });
      expect(await called).toMatchObject({
        number: ticket.number,
        counterName: 'Balie 3',
        recall: false,
        ticket: { id: ticket.id },
      });

      const recalled = nextEvent(display, 'ticket:called');
      expect((await command(agent, 'ticket:recall', { ticketId: ticket.id })).ok).toBe(true);
      expect((await recalled).recall).toBe(true);

      const updated = nextEvent(supervisor, 'ticket:updated');
      expect((await command(agent, 'ticket:start', { ticketId: ticket.id })).data.status).toBe('serving');
      expect((await updated).status).toBe('serving');
      // Displays get calls, waits and counters, not every ticket's changes.
      expect(displayGotTicketChurn).toBe(false);
    });

    it("sends a call's waits with the call: one message per screen, no wait:estimates after it", async () => {
      // The share limit would hold the call's estimates back when the sign-in's run was slow (a busy machine).
      const { ctx, server } = await boot(under, {}, { liveViewMaxAgeMs: 600_000, estimateShare: 1 });
      const { client: display } = await connectedWithSnapshot(server, { token: DEMO_DEVICE_TOKEN });
      await takeTicket(ctx);
      await takeTicket(ctx);
      const token = await signInAs(ctx, 'demo-agent');
      const { client: agent } = await connectedWithSnapshot(server, { token });
      const counterId = (await counterIds(ctx)).get('Balie 3') as number;
      expect((await command(agent, 'counter:sign-in', { counterId })).ok).toBe(true);
      await server.hub.publisher.settled();
      // An ack on the display's socket comes after everything sent to it before.
      expect((await command(display, 'queue:subscribe', { locationId: ZIJL })).ok).toBe(true);

      const heard: string[] = [];
      const passport = (waits: { code: string; waiting: number }[]) =>
        waits.find((w) => w.code === 'passport')?.waiting;
      display.on('wait:estimates', (w) => heard.push(`estimates ${passport(w.waits)}`));
      display.on('ticket:called', (c) => heard.push(`called ${c.estimates ? passport(c.estimates.waits) : 'alone'}`));
      const called = nextEvent(display, 'ticket:called');
      expect((await command(agent, 'queue:call-next', {})).ok).toBe(true);
      await called;
      await server.hub.publisher.settled();
      // The next change's estimates are sent as before.
      const next = nextEvent(display, 'wait:estimates');
      await takeTicket(ctx);
      await next;
      expect(heard).toEqual(['called 1', 'estimates 2']);
    });

    it('broadcasts HTTP counter actions like hub commands', async () => {
      const { ctx, server } = await boot(under);
      const { client: display } = await connectedWithSnapshot(server, { token: DEMO_DEVICE_TOKEN });
      const ticket = await takeTicket(ctx);
      const token = await signInAs(ctx, 'demo-agent');
      const counterId = (await counterIds(ctx)).get('Balie 1') as number;
      await call(ctx, 'POST', `/counters/${counterId}/sign-in`, { token });
      const called = nextEvent(display, 'ticket:called');
      await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token });
      expect((await called).ticketId).toBe(ticket.id);
    });

    it('refuses forged and revoked tokens and cuts revoked devices off', async () => {
      const { ctx, server } = await boot(under);
      const forged = client(server, { token: 'forged-token-forged-token-forged' });
      await expect(waitConnected(forged)).rejects.toThrow('unauthorized');

      const deviceToken = await pairTestDevice(ctx, ZIJL, 'display');
      const { client: display } = await connectedWithSnapshot(server, { token: deviceToken });
      const sup = await signInAs(ctx, 'demo-supervisor');
      const list = await call(ctx, 'GET', `/locations/${ZIJL}/devices`, { token: sup });
      const device = list.body.devices.find((d: { name: string }) => d.name === 'test display');
      const gone = new Promise<string>((resolve) => display.once('disconnect', resolve));
      await call(ctx, 'DELETE', `/devices/${device.id}`, { token: sup });
      expect(await gone).toBe('io server disconnect');
      const again = client(server, { token: deviceToken });
      await expect(waitConnected(again)).rejects.toThrow('unauthorized');

      // A staff session signed out elsewhere gets nothing more from its open socket.
      const agentToken = await signInAs(ctx, 'demo-agent');
      const { client: agent } = await connectedWithSnapshot(server, { token: agentToken });
      const dropped = new Promise<string>((resolve) => agent.once('disconnect', resolve));
      await call(ctx, 'DELETE', '/sessions', { token: agentToken });
      expect(await dropped).toBe('io server disconnect');
    });

    it('answers bad payloads on every command with an error ack and keeps serving', async () => {
      // About payloads, not rates: ~100 commands from one socket are more than its bucket holds.
      const { ctx, server } = await boot(under, {}, { limits: { staffPerSocket: { limit: 1_000, windowMs: 10_000 } } });
      const token = await signInAs(ctx, 'demo-supervisor');
      const { client: sup } = await connectedWithSnapshot(server, { token, locationId: ZIJL });
      // Every command the hub has (complete by type over ClientToServerEvents), so a new one is tried too.
      const names = Object.keys(commands) as CommandName[];
      const junk: unknown[] = [
        'x',
        42,
        null,
        [1, 2],
        { ticketId: 'a', counterId: -1, paused: 'yes', publicId: '../../', locationId: 7 },
        { ticketId: 1e12 },
        { extra: true, counterId: 1.5 },
      ];
      for (const name of names) {
        for (const payload of junk) {
          const ack = await command(sup, name, payload);
          expect(ack.ok, `${name} ${JSON.stringify(payload)}`).toBe(false);
          expect(['validation-failed', 'not-found', 'invalid-state']).toContain(ack.error?.code);
        }
      }
      // Without an ack function, or with no payload at all: no crash.
      (sup as unknown as { emit: (...a: unknown[]) => void }).emit('queue:call-next', { counterId: 'x' });
      (sup as unknown as { emit: (...a: unknown[]) => void }).emit('ticket:recall');
      const alive = await command(sup, 'queue:subscribe', { locationId: ZIJL });
      expect(alive.ok).toBe(true);
      expect((alive.data as QueueSnapshot).locationId).toBe(ZIJL);
    });

    it('lets residents only follow a ticket, with live updates', async () => {
      const { ctx, server } = await boot(under);
      const first = await takeTicket(ctx);
      const mine = await takeTicket(ctx);
      const phone = client(server, {});
      await waitConnected(phone);
      expect((await command(phone, 'queue:call-next', {})).error?.code).toBe('unauthorized');
      expect((await command(phone, 'queue:subscribe', { locationId: ZIJL })).error?.code).toBe('unauthorized');
      const followed = await command(phone, 'ticket:follow', { publicId: mine.publicId });
      expect(followed.data).toMatchObject({ number: mine.number, position: 2, appointmentReference: null });

      const token = await signInAs(ctx, 'demo-agent');
      const counterId = (await counterIds(ctx)).get('Balie 1') as number;
      // The counter opening moves the estimates: the phone hears that first (still second in line; updates of the
      // estimates after the tickets were taken may come before it)…
      const opened = new Promise<TicketDto>((resolve) => {
        const seen = (t: TicketDto) => {
          if (t.waitStatus !== 'wait') return;
          phone.off('ticket:updated', seen);
          resolve(t);
        };
        phone.on('ticket:updated', seen);
      });
      await call(ctx, 'POST', `/counters/${counterId}/sign-in`, { token });
      expect(await opened).toMatchObject({ id: mine.id, position: 2, waitStatus: 'wait' });
      // …then the call of the first ticket makes it first.
      const update = nextEvent(phone, 'ticket:updated');
      await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token });
      expect(await update).toMatchObject({ id: mine.id, position: 1 });
      expect(first.id).not.toBe(mine.id);
    });

    it('keeps a device to its own location', async () => {
      const { ctx, server } = await boot(under);
      const schalkwijk = await pairTestDevice(ctx, 'haarlem-schalkwijk', 'display');
      const { client: display, snapshot } = await connectedWithSnapshot(server, { token: schalkwijk });
      expect(snapshot.locationId).toBe('haarlem-schalkwijk');
      expect((await command(display, 'queue:subscribe', { locationId: ZIJL })).error?.code).toBe('forbidden');
      expect((await command(display, 'queue:call-next', {})).error?.code).toBe('forbidden');
      // Zijlsingel events do not reach it.
      let leaked = false;
      display.on('wait:estimates', () => {
        leaked = true;
      });
      const { client: zijl } = await connectedWithSnapshot(server, { token: DEMO_DEVICE_TOKEN });
      const seen = nextEvent(zijl, 'wait:estimates');
      await takeTicket(ctx);
      await seen;
      await new Promise((r) => setTimeout(r, 50));
      expect(leaked).toBe(false);
    });

    it('recovers missed events after a short drop, with a fresh snapshot', async () => {
      const { ctx, server } = await boot(under);
      const display = connectClient(
        server.url,
        { token: DEMO_DEVICE_TOKEN },
        // Back after 1.5 s: long enough for the two tickets below to be taken while it is away, even on a busy machine.
        { reconnection: true, reconnectionDelay: 1_500 },
      );
      cleanup.push(() => {
        display.disconnect();
      });
      const first = nextEvent(display, 'queue:snapshot');
      await waitConnected(display);
      await first;
      // Let the recovery session id arrive (sent with the first packets), then drop the transport.
      await new Promise((r) => setTimeout(r, 50));
      const missed: number[] = [];
      display.on('wait:estimates', (w) => missed.push(w.waits.find((x) => x.code === 'passport')?.waiting ?? -1));
      const down = new Promise((r) => display.once('disconnect', r));
      display.io.engine.close();
      await down;
      const snapshot = nextEvent(display, 'queue:snapshot');
      await takeTicket(ctx);
      await takeTicket(ctx);
      expect(display.connected).toBe(false);
      const fresh = await snapshot;
      expect(display.recovered).toBe(true);
      expect(fresh.tickets.map((t) => t.number)).toEqual(['P001', 'P002']);
      await new Promise((r) => setTimeout(r, 100));
      // The estimates broadcast while it was away were replayed on recovery (coalesced: the last says 2).
      expect(missed.length).toBeGreaterThan(0);
      expect(missed[missed.length - 1]).toBe(2);
    });

    // A restart on one SQLite file; nodes restarting on PostgreSQL are tests/scale's (shutdown-sigterm, hub-cluster).
    (under.engine === 'sqlite' ? it : () => undefined)(
      'after a server restart, clients reconnect and see the true state',
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'loket-hub-'));
        cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
        const dbPath = join(dir, 'loket.db');
        const ctx1 = createTestContext({ dbPath });
        const server1 = await startServer(ctx1);
        const port = server1.port;
        const display = client(server1, { token: DEMO_DEVICE_TOKEN }, true);
        const first = nextEvent(display, 'queue:snapshot');
        await waitConnected(display);
        expect((await first).tickets).toHaveLength(0);
        const down = new Promise((r) => display.once('disconnect', r));
        await server1.close();
        await down;
        ctx1.db.$client.close();

        // While the server is down another process changed the queue.
        const ctx2 = createTestContext({ dbPath });
        await takeTicket(ctx2);
        await takeTicket(ctx2);
        const server2 = await startServer(ctx2, port);
        cleanup.push(() => server2.close());
        const snapshot = await nextEvent(display, 'queue:snapshot', 5000);
        expect(snapshot.tickets.map((t) => t.number)).toEqual(['P001', 'P002']);
        cleanup.push(() => {
          ctx2.db.$client.close();
        });
      },
    );
  });

  describe('hub: other queue changes', () => {
    it('sends the ticker text and a fresh snapshot when the office changes something else', async () => {
      const ctx = await under.context();
      const server = await startServer(ctx);
      cleanup.push(() => server.close());
      const display = connectClient(server.url, { token: DEMO_DEVICE_TOKEN });
      cleanup.push(() => {
        display.disconnect();
      });
      const first = nextEvent(display, 'queue:snapshot');
      await waitConnected(display);
      await first;
      const ticker = nextEvent(display, 'display:ticker-changed');
      const snapshot = nextEvent(display, 'queue:snapshot');
      const supervisor = await signInAs(ctx, 'demo-supervisor');
      const res = await call(ctx, 'PUT', `/locations/${ZIJL}/ticker`, {
        token: supervisor,
        body: { text: 'Vandaag tot 20:00 open' },
      });
      expect(res.status).toBe(200);
      // The ticker is a public fact: its order follows the location's sequence.
      expect(await ticker).toMatchObject({ locationId: ZIJL, text: 'Vandaag tot 20:00 open', seq: expect.any(Number) });
      expect((await snapshot).tickerText).toBe('Vandaag tot 20:00 open');
    });
  });

  describe('hub: rules under concurrency', () => {
    it('two agents pressing next together over sockets get different tickets, and junk changes nothing', async () => {
      const { ctx, server } = await boot(under);
      await createStaffUser(ctx, { username: 'agent-2', role: 'agent', locationIds: [ZIJL] });
      const ids = await counterIds(ctx);
      const agents = [];
      for (const [username, counter] of [
        ['demo-agent', 'Balie 1'],
        ['agent-2', 'Balie 2'],
      ] as const) {
        const token = await signInAs(ctx, username);
        const { client: socket } = await connectedWithSnapshot(server, { token });
        expect((await command(socket, 'counter:sign-in', { counterId: ids.get(counter) })).ok).toBe(true);
        agents.push(socket);
      }
      const [a, b] = agents as [HubClient, HubClient];
      for (let round = 0; round < 5; round++) {
        await takeTicket(ctx);
        await takeTicket(ctx);
        // Both press next at once while junk arrives on the same sockets.
        const [x, y, ...junk] = await Promise.all([
          command(a, 'queue:call-next', {}),
          command(b, 'queue:call-next', {}),
          command(a, 'queue:call-next', { counterId: 'all' }),
          command(b, 'ticket:start', { ticketId: -1 }),
        ]);
        expect(
          [x, y].map((r) => r.ok),
          JSON.stringify([x.error, y.error]),
        ).toEqual([true, true]);
        expect(x.data.ticket.id).not.toBe(y.data.ticket.id);
        expect(junk.every((j) => j.ok === false && j.error?.code === 'validation-failed')).toBe(true);
        await Promise.all([
          command(a, 'ticket:start', { ticketId: x.data.ticket.id }),
          command(b, 'ticket:start', { ticketId: y.data.ticket.id }),
        ]);
      }
      const called = await ctx.sql.rows<{ ticket_id: number }>(
        "SELECT ticket_id FROM ticket_events WHERE type = 'called'",
      );
      expect(called).toHaveLength(10);
      expect(new Set(called.map((e) => Number(e.ticket_id))).size).toBe(10);
    });
  });
});
