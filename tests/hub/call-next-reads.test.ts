import { describe, expect, it } from 'vitest';
import type { HubAuth } from '../../server/contracts/hub.ts';
import { counterIds, insertAppointment } from '../helpers/appointments.ts';
import { DEMO_DEVICE_TOKEN, signInAs } from '../helpers/auth.ts';
import { createTestContext } from '../helpers/context.ts';
import { call, kioskTicket } from '../helpers/http.ts';
import { countReads } from '../helpers/read-counter.ts';
import { cleanupAfterEach, command, type HubClient, nextEvent, screenFor, startServerFor } from '../helpers/server.ts';

// Item 5 of #8 and item 7 of #9: one call-next costs the same reads whatever the number of screens listening, and
// the broadcast of every queue change sends the tickets and counters the use-case's transaction built
// (server/queue/queue-change.ts) instead of reading them again; the estimates after it run on the hub's live view of
// the office's queue (server/hub/live-queue.ts), which those changes keep current: no read of the queue either.

const ZIJL = 'haarlem-zijlsingel';
const cleanup = cleanupAfterEach();

const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);

describe('the broadcast of a call-next', () => {
  it('reads no ticket again and reads as much for six screens as for one', async () => {
    const ctx = createTestContext();
    const counts = countReads(ctx);
    const server = await startServerFor(cleanup, ctx);
    const screen = async (auth: HubAuth) => (await screenFor(cleanup, server, auth)).client;

    for (let i = 0; i < 4; i++) await kioskTicket(ctx);
    const display = await screen({ token: DEMO_DEVICE_TOKEN });
    const agentToken = await signInAs(ctx, 'demo-agent');
    const agent = await screen({ token: agentToken });
    const counterId = (await counterIds(ctx)).get('Balie 3') as number;
    expect((await command(agent, 'counter:sign-in', { counterId })).ok).toBe(true);

    /** Waits until `act`'s facts reached the screens, then for the log to be read and the estimates after it. */
    const settled = async (act: () => Promise<unknown>, listeners: HubClient[]) => {
      const called = listeners.map((c) => nextEvent(c, 'ticket:called'));
      await act();
      await Promise.all(called);
      await server.hub.publisher.settled();
    };
    /** One "next" (finishing the ticket served, calling the next one) and the reads it cost from the press on. */
    const callNextReads = async (listeners: HubClient[]) => {
      counts.clear();
      let answer: Awaited<ReturnType<typeof command>> | undefined;
      await settled(async () => {
        answer = await command(agent, 'queue:call-next', {});
      }, listeners);
      expect(answer?.ok).toBe(true);
      const ticketId = answer?.data.ticket.id as number;
      const reads = new Map(counts);
      await settled(() => command(agent, 'ticket:start', { ticketId }), []);
      return reads;
    };

    // The first press also learns the location's last public seq from the log; not what is measured.
    await callNextReads([display]);
    const one = await callNextReads([display]);

    const more = [
      await screen({ token: DEMO_DEVICE_TOKEN }),
      await screen({ token: DEMO_DEVICE_TOKEN }),
      await screen({ token: await signInAs(ctx, 'demo-supervisor'), locationId: ZIJL }),
      await screen({ token: await signInAs(ctx, 'demo-supervisor'), locationId: ZIJL }),
      await screen({ token: DEMO_DEVICE_TOKEN }),
    ];
    const six = await callNextReads([display, ...more]);

    expect(total(one)).toBeGreaterThan(0);
    expect(Object.fromEntries(six)).toEqual(Object.fromEntries(one));
    // The called and the finished ticket go out as the transaction built them.
    expect(six.get('queue.ticketsWithDetails') ?? 0).toBe(0);
    expect(six.get('queue.ticket') ?? 0).toBe(0);

    // The queue itself is not read again for the estimates or the counters: the live view followed the changes.
    expect(six.get('queue.liveQueue') ?? 0).toBe(0);
    expect(six.get('queue.counters') ?? 0).toBe(0);
  });
});

/** The hub's reads of what a queue change is about: its tickets, the office's counters and its queue. */
const QUEUE_READS = ['queue.ticket', 'queue.ticketsWithDetails', 'queue.counters', 'queue.liveQueue'];

describe('the broadcast of every queue change', () => {
  it('reads none of the tickets or counters the change carried, nor the queue for the estimates after it', async () => {
    const ctx = createTestContext();
    const counts = countReads(ctx);
    // The live view serves the whole test (by default it is read again after 5 s, which a slow machine may reach).
    const server = await startServerFor(cleanup, ctx, { liveViewMaxAgeMs: 600_000 });
    const screen = async (auth: HubAuth) => (await screenFor(cleanup, server, auth)).client;
    const display = await screen({ token: DEMO_DEVICE_TOKEN });
    const agentToken = await signInAs(ctx, 'demo-agent');
    const staff = await screen({ token: agentToken, locationId: ZIJL });
    const counterId = (await counterIds(ctx)).get('Balie 3') as number;
    const other = (await counterIds(ctx)).get('Balie 1') as number;
    const appointment = await insertAppointment(ctx, { startsAt: '2026-11-23T08:10:00Z' });

    /** An action over HTTP (the app's reads are not counted: only the hub's), and what the screens hear of it. */
    const step = async <T>(
      act: () => Promise<{ status: number; body: T }>,
      heard: [HubClient, string][],
    ): Promise<T> => {
      const events = heard.map(([c, e]) => nextEvent(c, e as 'ticket:updated'));
      const res = await act();
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      await Promise.all(events);
      await server.hub.publisher.settled();
      return res.body;
    };
    const post =
      (path: string, body?: unknown, token = agentToken) =>
      () =>
        call(ctx, 'POST', path, { token, body });

    // Warm-up: the display's snapshot gave the hub its view of the queue; the first estimates learned the times.
    await step(post(`/counters/${counterId}/sign-in`), [[display, 'counter:updated']]);
    counts.clear();

    const kiosk = () =>
      step(post(`/locations/${ZIJL}/tickets`, { services: [{ code: 'passport', persons: 1 }] }, DEMO_DEVICE_TOKEN), [
        [staff, 'ticket:issued'],
      ]);
    await kiosk();
    await kiosk();
    await kiosk();
    await step(post(`/locations/${ZIJL}/check-ins`, { reference: appointment.reference }, DEMO_DEVICE_TOKEN), [
      [staff, 'ticket:issued'],
    ]);
    const next = async () =>
      (await step(post(`/counters/${counterId}/call-next`), [[display, 'ticket:called']])) as {
        ticket: { id: number };
      };
    const first = (await next()).ticket.id;
    await step(post(`/tickets/${first}/recall`), [[display, 'ticket:called']]);
    await step(post(`/tickets/${first}/start`), [[staff, 'ticket:updated']]);
    await step(post(`/tickets/${first}/finish`), [[staff, 'ticket:updated']]);
    const second = (await next()).ticket.id;
    await step(post(`/tickets/${second}/no-show`), [[staff, 'ticket:updated']]);
    await step(post(`/tickets/${second}/return`), [[staff, 'ticket:updated']]);
    const third = (await next()).ticket.id;
    await step(post(`/tickets/${third}/park`), [[staff, 'ticket:updated']]);
    const fourth = (await next()).ticket.id;
    await step(post(`/tickets/${fourth}/transfer`, { counterId: other }), [[staff, 'ticket:updated']]);
    await step(post(`/tickets/${fourth}/cancel`), [[staff, 'ticket:updated']]);
    await step(post(`/counters/${counterId}/pause`, { paused: true }), [[display, 'counter:updated']]);
    await step(post(`/counters/${counterId}/pause`, { paused: false }), [[display, 'counter:updated']]);

    // Every change above reached the screens, and the hub read none of what they carried.
    for (const name of QUEUE_READS) expect(counts.get(name) ?? 0, name).toBe(0);
    expect(total(counts)).toBeGreaterThan(0); // the counting sees the hub (the office's configuration, each time)

    // A change made without this hub's use-cases (another node's, here rows written directly and a fact of the
    // log with nothing carried) is read, once.
    await ctx.sql.exec(
      "UPDATE tickets SET status = 'cancelled' WHERE location_id = ? AND status = 'waiting' AND id = (SELECT min(id) FROM tickets WHERE location_id = ? AND status = 'waiting')",
      [ZIJL, ZIJL],
    );
    const [ticket] = await ctx.sql.rows<{ id: number }>(
      "SELECT id FROM tickets WHERE location_id = ? AND status = 'cancelled' ORDER BY id DESC LIMIT 1",
      [ZIJL],
    );
    counts.clear();
    await step(
      () =>
        ctx.sql
          .exec("INSERT INTO ticket_events (ticket_id, location_id, type, at) VALUES (?, ?, 'cancelled', ?)", [
            ticket?.id,
            ZIJL,
            ctx.sql.instant(ctx.clock.now()),
          ])
          .then(() => ({ status: 200, body: null })),
      [[staff, 'ticket:updated']],
    );
    expect(counts.get('queue.ticketsWithDetails')).toBe(1);
    expect(counts.get('queue.liveQueue')).toBe(1);
  });
});
