import { describe, expect, it } from 'vitest';
import { counterIds, insertAppointment } from '../helpers/appointments.ts';
import { DEMO_DEVICE_TOKEN, pairTestDevice, signInAs } from '../helpers/auth.ts';
import { describeEachEngine, type EngineContext, sqliteOf } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';
import { auditActions, countRows, ticketEventTypes } from '../helpers/rows.ts';

const ZIJL = 'haarlem-zijlsingel';
const kiosk = DEMO_DEVICE_TOKEN;

async function take(ctx: EngineContext, services = [{ code: 'passport', persons: 1 }], token = kiosk) {
  const res = await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, { token, body: { services } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function agentAt(ctx: EngineContext, counterName = 'Balie 1', username = 'demo-agent') {
  const token = await signInAs(ctx, username);
  const counterId = (await counterIds(ctx)).get(counterName) as number;
  const res = await call(ctx, 'POST', `/counters/${counterId}/sign-in`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { token, counterId };
}

function eventsOf(ctx: EngineContext, ticketId: number) {
  return ticketEventTypes(ctx.sql, ticketId);
}

async function predictedWait(ctx: EngineContext, ticketId: number) {
  const [row] = await ctx.sql.rows<{ p: number | null }>(
    'SELECT predicted_wait_seconds AS p FROM tickets WHERE id = ?',
    [ticketId],
  );
  return row?.p ?? null;
}

describeEachEngine('queue', (under) => {
  describe('tickets at the kiosk', () => {
    it('numbers tickets per service letter and day, with position, estimate and stored prediction', async () => {
      const ctx = await under.context();
      await agentAt(ctx);
      const a = await take(ctx);
      const b = await take(ctx, [
        { code: 'passport', persons: 2 },
        { code: 'driving-licence', persons: 1 },
      ]);
      const c = await take(ctx, [{ code: 'id-card', persons: 1 }]);
      expect([a.number, b.number, c.number]).toEqual(['P001', 'P002', 'I001']);
      expect(b.services).toEqual([
        { code: 'passport', persons: 2 },
        { code: 'driving-licence', persons: 1 },
      ]);
      expect(a.status).toBe('waiting');
      expect(a.source).toBe('kiosk');
      expect(a.position).toBe(1);
      expect(b.position).toBe(2);
      expect(b.estimatedWait).toMatchObject({ band: expect.any(String) });
      expect(await predictedWait(ctx, b.id)).not.toBeNull();
      expect(b.waitStatus).toBe('wait');
      expect(await eventsOf(ctx, a.id)).toEqual(['issued']);
      // Next day the sequence starts again.
      ctx.clock.advance(24 * 3_600_000);
      expect((await take(ctx)).number).toBe('P001');
    });

    it('says "no counter open" instead of a wait while nobody serves, and stores no prediction', async () => {
      const ctx = await under.context();
      const a = await take(ctx);
      expect(a.estimatedWait).toBeNull();
      expect(a.waitStatus).toBe('no-counter-open');
      expect(await predictedWait(ctx, a.id)).toBeNull();
      const queue = await call(ctx, 'GET', `/locations/${ZIJL}/queue`, { token: await signInAs(ctx, 'demo-agent') });
      const passport = queue.body.waits.find((w: { code: string }) => w.code === 'passport');
      expect(passport).toMatchObject({ status: 'no-counter-open', estimatedWait: null });
    });

    it('says "no wait" when nobody is ahead and a counter is free, and a band once someone waits', async () => {
      const ctx = await under.context();
      const { token } = await agentAt(ctx);
      const before = await call(ctx, 'GET', `/locations/${ZIJL}/queue`, { token });
      expect(before.body.waits.find((w: { code: string }) => w.code === 'passport')).toMatchObject({
        status: 'no-wait',
        estimatedWait: { band: 'none', minutes: 0 },
        opensAt: null,
      });
      await take(ctx);
      const after = await call(ctx, 'GET', `/locations/${ZIJL}/queue`, { token });
      expect(after.body.waits.find((w: { code: string }) => w.code === 'passport')).toMatchObject({
        status: 'wait',
        estimatedWait: { band: expect.any(String) },
      });
    });

    it('refuses what the kiosk may not do, changing nothing', async () => {
      const ctx = await under.context();
      const bad = [
        { services: [] },
        { services: [{ code: 'birth', persons: 1 }] },
        { services: [{ code: 'nope', persons: 1 }] },
        { services: [{ code: 'passport', persons: 5 }] },
        { services: [{ code: 'passport', persons: 0 }] },
        {
          services: [
            { code: 'passport', persons: 1 },
            { code: 'passport', persons: 1 },
          ],
        },
        { services: 'passport' },
        { services: [{ code: 'passport', persons: 1 }], priority: 3 },
      ];
      for (const body of bad) {
        const res = await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, { token: kiosk, body });
        expect([400, 403], JSON.stringify(body)).toContain(res.status);
        expect(res.body.code).toBeDefined();
      }
      const body = { services: [{ code: 'passport', persons: 1 }] };
      expect((await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, { body })).status).toBe(401);
      const display = await pairTestDevice(ctx, ZIJL, 'display');
      expect((await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, { token: display, body })).status).toBe(403);
      const otherKiosk = await pairTestDevice(ctx, 'haarlem-schalkwijk', 'kiosk');
      expect((await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, { token: otherKiosk, body })).status).toBe(403);
      expect(await countRows(ctx.sql, 'tickets')).toBe(0);
    });

    it('lets staff issue counter tickets with priority, audited', async () => {
      const ctx = await under.context();
      const token = await signInAs(ctx, 'demo-agent');
      const res = await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, {
        token,
        body: { services: [{ code: 'birth', persons: 1 }], source: 'remote', priority: 2 },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ number: 'G001', source: 'remote', priority: 2 });
      expect(await auditActions(ctx.sql)).toContain('ticket.issued');
    });

    it('shows the public ticket page without login and without the appointment reference', async () => {
      const ctx = await under.context({ now: '2026-11-23T10:50:00Z' });
      const appt = await insertAppointment(ctx, { startsAt: '2026-11-23T11:00:00Z' });
      const res = await call(ctx, 'POST', `/locations/${ZIJL}/check-ins`, {
        token: kiosk,
        body: { reference: appt.reference },
      });
      expect(res.body.appointmentReference).toBe(appt.reference);
      const page = await call(ctx, 'GET', `/tickets/${res.body.publicId}`);
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ number: res.body.number, status: 'waiting', appointmentReference: null });
      expect((await call(ctx, 'GET', '/tickets/AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
      expect((await call(ctx, 'GET', '/tickets/x')).status).toBe(400);
    });
  });

  describe('check-in', () => {
    it('follows the early window and grace, and gives the same ticket twice', async () => {
      const ctx = await under.context({ now: '2026-11-23T10:20:00Z' });
      const appt = await insertAppointment(ctx, { startsAt: '2026-11-23T11:00:00Z' });
      const early = await call(ctx, 'POST', `/locations/${ZIJL}/check-ins`, {
        token: kiosk,
        body: { reference: appt.reference },
      });
      expect(early.status).toBe(422);
      expect(early.body.code).toBe('check-in-too-early');
      ctx.clock.set('2026-11-23T10:35:00Z');
      const ok = await call(ctx, 'POST', `/locations/${ZIJL}/check-ins`, {
        token: kiosk,
        body: { reference: `https://loket.example/afspraak/${appt.reference.toLowerCase()}` },
      });
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ source: 'check-in', dueAt: '2026-11-23T11:00:00.000Z' });
      const again = await call(ctx, 'POST', `/locations/${ZIJL}/check-ins`, {
        token: kiosk,
        body: { reference: appt.reference },
      });
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(ok.body.id);
      const [row] = await ctx.sql.rows<{ status: string }>('SELECT status FROM appointments WHERE id = ?', [appt.id]);
      expect(row?.status).toBe('checked-in');
    });

    it('turns a check-in late beyond grace into a walk-in, and refuses other days and offices', async () => {
      const ctx = await under.context({ now: '2026-11-23T11:11:00Z' });
      const late = await insertAppointment(ctx, { startsAt: '2026-11-23T11:00:00Z' });
      const res = await call(ctx, 'POST', `/locations/${ZIJL}/check-ins`, {
        token: kiosk,
        body: { reference: late.reference },
      });
      expect(res.status).toBe(201);
      expect(res.body.dueAt).toBeNull();
      const yesterday = await insertAppointment(ctx, { startsAt: '2026-11-20T11:00:00Z' });
      const r2 = await call(ctx, 'POST', `/locations/${ZIJL}/check-ins`, {
        token: kiosk,
        body: { reference: yesterday.reference },
      });
      expect(r2.body.code).toBe('check-in-too-late');
      const tomorrow = await insertAppointment(ctx, { startsAt: '2026-11-24T11:00:00Z' });
      const r3 = await call(ctx, 'POST', `/locations/${ZIJL}/check-ins`, {
        token: kiosk,
        body: { reference: tomorrow.reference },
      });
      expect(r3.body.code).toBe('check-in-too-early');
      const elsewhere = await insertAppointment(ctx, {
        startsAt: '2026-11-23T11:05:00Z',
        locationId: 'haarlem-schalkwijk',
      });
      const r4 = await call(ctx, 'POST', `/locations/${ZIJL}/check-ins`, {
        token: kiosk,
        body: { reference: elsewhere.reference },
      });
      expect(r4.status).toBe(404);
      const r5 = await call(ctx, 'POST', `/locations/${ZIJL}/check-ins`, { token: kiosk, body: { reference: '' } });
      expect(r5.status).toBe(400);
    });
  });

  describe('at the counter', () => {
    it('calls, recalls up to the limit, then marks no-show; a no-show can return', async () => {
      const ctx = await under.context();
      const t = await take(ctx);
      const { token, counterId } = await agentAt(ctx);
      const next = await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token });
      expect(next.status).toBe(200);
      expect(next.body.ticket).toMatchObject({ id: t.id, status: 'called', counterName: 'Balie 1', callCount: 1 });
      for (let i = 2; i <= 4; i++) {
        const r = await call(ctx, 'POST', `/tickets/${t.id}/recall`, { token });
        expect(r.body).toMatchObject({ status: 'called', callCount: i });
      }
      const limit = await call(ctx, 'POST', `/tickets/${t.id}/recall`, { token });
      expect(limit.body.status).toBe('no-show');
      const back = await call(ctx, 'POST', `/tickets/${t.id}/return`, { token });
      expect(back.body).toMatchObject({ status: 'waiting', counterId: null, callCount: 0 });
      const again = await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token });
      expect(again.body.ticket.id).toBe(t.id);
      expect((await call(ctx, 'POST', `/tickets/${t.id}/start`, { token })).body.status).toBe('serving');
      expect((await call(ctx, 'POST', `/tickets/${t.id}/finish`, { token })).body.status).toBe('done');
      expect(await eventsOf(ctx, t.id)).toEqual([
        'issued',
        'called',
        'recalled',
        'recalled',
        'recalled',
        'no-show',
        'returned',
        'called',
        'started',
        'finished',
      ]);
      const called = await ctx.sql.rows<{ counter_id: number; agent_id: number | null }>(
        "SELECT counter_id, agent_id FROM ticket_events WHERE type = 'called'",
      );
      expect(called.length).toBeGreaterThan(0);
      expect(called.every((e) => Number(e.counter_id) === counterId && e.agent_id !== null)).toBe(true);
    });

    it('refuses impossible steps with 409 and changes nothing', async () => {
      const ctx = await under.context();
      const t = await take(ctx);
      const { token, counterId } = await agentAt(ctx);
      for (const action of ['start', 'finish', 'no-show', 'recall', 'return']) {
        const r = await call(ctx, 'POST', `/tickets/${t.id}/${action}`, { token });
        expect(r.status, action).toBe(409);
        expect(r.body.code).toBe('invalid-state');
      }
      await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token });
      const blocked = await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token });
      expect(blocked.status).toBe(409);
      expect(await eventsOf(ctx, t.id)).toEqual(['issued', 'called']);
    });

    it('a waiting walk-in cancelled is one who left: the log says so and patience is learned from it', async () => {
      const ctx = await under.context();
      const left = await take(ctx);
      const served = await take(ctx);
      const { token, counterId } = await agentAt(ctx);
      ctx.clock.advance(20 * 60_000);
      expect((await call(ctx, 'POST', `/tickets/${left.id}/cancel`, { token })).status).toBe(200);
      await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token });
      // A called ticket cancelled is no abandonment: its wait ended at the call.
      expect((await call(ctx, 'POST', `/tickets/${served.id}/cancel`, { token })).status).toBe(200);
      const cancelled = (
        await ctx.sql.rows<{ ticket_id: number; data: unknown }>(
          "SELECT ticket_id, data FROM ticket_events WHERE type = 'cancelled' ORDER BY id",
        )
      ).map((e) => ({ ticketId: Number(e.ticket_id), data: typeof e.data === 'string' ? JSON.parse(e.data) : e.data }));
      expect(cancelled).toEqual([
        { ticketId: left.id, data: { reason: 'abandoned' } },
        { ticketId: served.id, data: null },
      ]);
      const { learnedServiceTimes } = await import('../../server/queue/learned-times.ts');
      const learned = await learnedServiceTimes(ctx.storage.read, ZIJL, ctx.clock.now(), { passport: 10 });
      expect(learned.patienceMinutes).not.toBeNull();
    });

    it('a walk-in gone when called (no-show, never returned) gave up before the call: the log has it for patience', async () => {
      const ctx = await under.context();
      const since = ctx.clock.now();
      const gone = await take(ctx);
      const back = await take(ctx);
      const { token, counterId } = await agentAt(ctx);
      ctx.clock.advance(25 * 60_000);
      await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token });
      expect((await call(ctx, 'POST', `/tickets/${gone.id}/no-show`, { token })).status).toBe(200);
      // The next one was only away for a moment: marked no-show, then returned to the line.
      await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token });
      expect((await call(ctx, 'POST', `/tickets/${back.id}/no-show`, { token })).status).toBe(200);
      expect((await call(ctx, 'POST', `/tickets/${back.id}/return`, { token })).status).toBe(200);
      const { learnPatience } = await import('../../server/queue/patience.ts');
      const history = await ctx.storage.read.queue.learningHistory(ZIJL, since);
      const learned = learnPatience(history.waitEvents, ctx.clock.now());
      expect(learned.noShows).toBe(1);
      expect(learned.abandoned).toBe(0);
      expect(learned.meanMinutes).not.toBeNull();
    });

    it('pressing next finishes the ticket being served; an empty queue gives null', async () => {
      const ctx = await under.context();
      const t = await take(ctx);
      const { token, counterId } = await agentAt(ctx);
      await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token });
      await call(ctx, 'POST', `/tickets/${t.id}/start`, { token });
      const next = await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token });
      expect(next.body.ticket).toBeNull();
      expect(await eventsOf(ctx, t.id)).toEqual(['issued', 'called', 'started', 'finished']);
      // Queue writes commit relaxed (SQLite: synchronous=NORMAL; PostgreSQL: synchronous_commit=off for that
      // transaction). SQLite's connection stays NORMAL until a write that needs FULL switches it back before its
      // BEGIN (db/client.ts; tests/db/transactions.test.ts).
      if (ctx.engine === 'sqlite') expect(sqliteOf(ctx).$client.pragma('synchronous', { simple: true })).toBe(1);
    });

    it('calls a due appointment first and respects skills', async () => {
      const ctx = await under.context({ now: '2026-11-23T09:50:00Z' });
      const walkIn = await take(ctx);
      const pickup = await take(ctx, [{ code: 'pickup', persons: 1 }]);
      ctx.clock.advance(10 * 60_000);
      const appt = await insertAppointment(ctx, { startsAt: '2026-11-23T10:05:00Z' });
      const checked = await call(ctx, 'POST', `/locations/${ZIJL}/check-ins`, {
        token: kiosk,
        body: { reference: appt.reference },
      });
      const b4 = await agentAt(ctx, 'Balie 4'); // passport and id-card only
      expect((await call(ctx, 'POST', `/counters/${b4.counterId}/call-next`, { token: b4.token })).body.ticket.id).toBe(
        checked.body.id,
      );
      await call(ctx, 'POST', `/tickets/${checked.body.id}/start`, { token: b4.token });
      expect((await call(ctx, 'POST', `/counters/${b4.counterId}/call-next`, { token: b4.token })).body.ticket.id).toBe(
        walkIn.id,
      );
      await call(ctx, 'POST', `/tickets/${walkIn.id}/start`, { token: b4.token });
      // Balie 4 cannot serve pickups.
      expect(
        (await call(ctx, 'POST', `/counters/${b4.counterId}/call-next`, { token: b4.token })).body.ticket,
      ).toBeNull();
      expect(pickup.status).toBe('waiting');
    });

    it('transfers fairly to a service or a counter, and parks at the same counter', async () => {
      const ctx = await under.context();
      const t = await take(ctx);
      const { token, counterId } = await agentAt(ctx);
      await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token });
      ctx.clock.advance(5 * 60_000);
      const moved = await call(ctx, 'POST', `/tickets/${t.id}/transfer`, { token, body: { serviceCode: 'pickup' } });
      expect(moved.body).toMatchObject({
        status: 'waiting',
        services: [{ code: 'pickup', persons: 1 }],
        counterId: null,
      });
      const b7 = (await counterIds(ctx)).get('Balie 7') as number;
      const toCounter = await call(ctx, 'POST', `/tickets/${t.id}/transfer`, { token, body: { counterId: b7 } });
      expect(toCounter.status).toBe(200);
      const b4 = (await counterIds(ctx)).get('Balie 4') as number;
      const wrong = await call(ctx, 'POST', `/tickets/${t.id}/transfer`, { token, body: { counterId: b4 } });
      expect(wrong.status).toBe(409);
      expect((await call(ctx, 'POST', `/tickets/${t.id}/transfer`, { token, body: {} })).status).toBe(400);
      // Balie 1 may serve pickups but the ticket is for Balie 7 now.
      expect((await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token })).body.ticket).toBeNull();
      const [row] = await ctx.sql.rows<{ queued_at: unknown }>('SELECT queued_at FROM tickets WHERE id = ?', [t.id]);
      // Issued at 08:00, called at 08:00, transferred at 08:05: waited 0 minutes, so queuedAt = 08:05.
      expect(new Date(ctx.sql.ms(row?.queued_at) as number).toISOString()).toBe('2026-11-23T08:05:00.000Z');

      const p = await take(ctx);
      await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token });
      const parked = await call(ctx, 'POST', `/tickets/${p.id}/park`, { token });
      expect(parked.body.status).toBe('waiting');
      expect((await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token })).body.ticket.id).toBe(p.id);
      expect(await eventsOf(ctx, p.id)).toEqual(['issued', 'called', 'parked', 'called']);
    });

    it('a paused counter calls nobody; an agent cannot work another agent counter', async () => {
      const ctx = await under.context();
      await take(ctx);
      const { token, counterId } = await agentAt(ctx);
      const paused = await call(ctx, 'POST', `/counters/${counterId}/pause`, { token, body: { paused: true } });
      expect(paused.body.state).toBe('paused');
      expect((await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token })).status).toBe(409);
      await call(ctx, 'POST', `/counters/${counterId}/pause`, { token, body: { paused: false } });
      const other = (await counterIds(ctx)).get('Balie 2') as number;
      expect((await call(ctx, 'POST', `/counters/${other}/call-next`, { token })).status).toBe(403);
      const sup = await signInAs(ctx, 'demo-supervisor');
      expect((await call(ctx, 'POST', `/counters/${counterId}/sign-in`, { token: sup })).status).toBe(409);
      const out = await call(ctx, 'POST', `/counters/${counterId}/sign-out`, { token });
      expect(out.body).toMatchObject({ state: 'closed', agentName: null });
      const actions = await auditActions(ctx.sql);
      expect(actions).toEqual(
        expect.arrayContaining(['counter.signed-in', 'counter.paused', 'counter.resumed', 'counter.signed-out']),
      );
    });

    it('serves the snapshot to the location staff and devices only', async () => {
      const ctx = await under.context();
      await take(ctx);
      const snap = await call(ctx, 'GET', `/locations/${ZIJL}/queue`, { token: kiosk });
      expect(snap.status).toBe(200);
      expect(snap.body.tickets).toHaveLength(1);
      expect(snap.body.counters).toHaveLength(8);
      expect(snap.body.waits.map((w: { code: string }) => w.code)).toEqual([
        'passport',
        'id-card',
        'driving-licence',
        'pickup',
      ]);
      expect((await call(ctx, 'GET', '/locations/haarlem-schalkwijk/queue', { token: kiosk })).status).toBe(403);
      expect((await call(ctx, 'GET', `/locations/${ZIJL}/queue`)).status).toBe(401);
    });
  });

  describe('live figures for GET /locations', () => {
    it('shows waiting residents and the expected wait once a counter is staffed', async () => {
      const ctx = await under.context();
      const before = await call(ctx, 'GET', '/locations');
      const zijl = () => before.body.locations.find((l: { id: string }) => l.id === ZIJL);
      expect(zijl()).toMatchObject({ waiting: 0, waitMinutes: null });
      for (let i = 0; i < 4; i++) {
        await take(ctx);
        ctx.clock.advance(30_000);
      }
      await agentAt(ctx, 'Balie 1');
      const after = await call(ctx, 'GET', '/locations');
      const live = after.body.locations.find((l: { id: string }) => l.id === ZIJL);
      expect(live.waiting).toBe(4);
      // Four passports ahead at one counter of ~10 minutes each: a ticket taken now waits about 40 minutes.
      expect(live.waitMinutes).toBeGreaterThanOrEqual(30);
      expect(live.waitMinutes).toBeLessThanOrEqual(50);
    });
  });
});
