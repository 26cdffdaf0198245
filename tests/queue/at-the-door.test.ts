import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { counterIds } from '../helpers/appointments.ts';
import { DEMO_DEVICE_TOKEN, signInAs } from '../helpers/auth.ts';
import { describeEachEngine, type EngineContext } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';
import { auditRows, countRows, outboxRows } from '../helpers/rows.ts';

/** The resident at the door and the clerk at the counter: check-in codes, walk-in hours, one key per visitor. */

const ZIJL = 'haarlem-zijlsingel';
const SCHALKWIJK = 'haarlem-schalkwijk';
const kiosk = DEMO_DEVICE_TOKEN;

async function book(ctx: EngineContext, start: string, name = 'Anna de Vries', email = 'anna@example.org', at = ZIJL) {
  const res = await call(ctx, 'POST', '/appointments', {
    body: {
      locationId: at,
      services: [{ code: 'passport', persons: 2 }],
      start,
      customer: { name, email },
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { reference: string; checkInCode: string; manageToken: string; start: string };
}

async function firstFree(ctx: EngineContext, date: string, at = ZIJL): Promise<string> {
  const res = await call(ctx, 'GET', `/locations/${at}/available-times?services=passport:2&date=${date}`);
  expect(res.status).toBe(200);
  const first = res.body.times[0];
  expect(first).toBeDefined();
  return first;
}

describeEachEngine('at-the-door', (under) => {
  describe('check-in codes', () => {
    it('gives every booking a 6-digit code for its day, in the answer, the mail and the calendar file', async () => {
      const ctx = await under.context();
      const booked = await book(ctx, await firstFree(ctx, '2026-11-24'));
      expect(booked.checkInCode).toMatch(/^\d{6}$/);
      const mail = (await outboxRows(ctx)).at(-1);
      expect(mail?.text).toContain(`${booked.checkInCode.slice(0, 3)} ${booked.checkInCode.slice(3)}`);
      // Two persons: the bring-list says so instead of "one photo".
      expect(mail?.text).toContain('Neem mee, voor elk van de 2 personen:');
      const ics = await ctx.app.request(`/api/v1/appointments/${booked.reference}/calendar.ics`, {
        headers: { authorization: `Bearer ${booked.manageToken}` },
      });
      const event = new ICAL.Component(ICAL.parse(await ics.text())).getFirstSubcomponent('vevent');
      expect(String(event?.getFirstPropertyValue('description'))).toContain(booked.checkInCode.slice(3));
    });

    it('keeps codes unique per office and day, and moves the code with a reschedule to another day', async () => {
      const ctx = await under.context();
      const times = (await call(ctx, 'GET', `/locations/${ZIJL}/available-times?services=passport:1&date=2026-11-24`))
        .body.times as string[];
      const codes = new Set<string>();
      for (const [i, start] of times.slice(0, 8).entries()) {
        const res = await call(ctx, 'POST', '/appointments', {
          body: {
            locationId: ZIJL,
            services: [{ code: 'passport', persons: 1 }],
            start,
            customer: { name: `Bewoner ${i}`, email: `b${i}@example.org` },
          },
        });
        if (res.status === 201) codes.add(res.body.checkInCode);
      }
      const rows = (
        await ctx.sql.rows<{ id: number; reference: string; check_in_code: string }>(
          "SELECT id, reference, check_in_code FROM appointments WHERE service_date = '2026-11-24'",
        )
      ).map((r) => ({ id: Number(r.id), reference: r.reference, checkInCode: r.check_in_code }));
      expect(rows.length).toBeGreaterThan(0);
      expect(new Set(rows.map((r) => r.checkInCode)).size).toBe(rows.length);
      expect(codes.size).toBe(rows.length);

      const moved = rows[0] as (typeof rows)[number];
      const start = await firstFree(ctx, '2026-11-25');
      const staff = await signInAs(ctx, 'demo-agent');
      const res = await call(ctx, 'POST', `/appointments/${moved.reference}/reschedule`, {
        token: staff,
        body: { start },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const [after] = await ctx.sql.rows<{ service_date: string; check_in_code: string }>(
        'SELECT service_date, check_in_code FROM appointments WHERE id = ?',
        [moved.id],
      );
      expect(after?.service_date).toBe('2026-11-25');
      expect(after?.check_in_code).toMatch(/^\d{6}$/);
    });

    it('checks in by code on the day at its office only; a wrong code keeps the kiosk informed, and guessing stops', async () => {
      const ctx = await under.context({ now: '2026-11-23T08:00:00Z' });
      const booked = await book(ctx, await firstFree(ctx, '2026-11-24'));
      // The day before: the code is not valid yet.
      const early = await call(ctx, 'POST', `/locations/${ZIJL}/check-ins`, {
        token: kiosk,
        body: { reference: booked.checkInCode },
      });
      expect(early.status).toBe(404);
      expect(early.body.kind).toBe('check-in-code');

      ctx.clock.set(new Date(new Date(booked.start).getTime() - 10 * 60_000));
      const spaced = `${booked.checkInCode.slice(0, 3)} ${booked.checkInCode.slice(3)}`;
      const ok = await call(ctx, 'POST', `/locations/${ZIJL}/check-ins`, { token: kiosk, body: { reference: spaced } });
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
      expect(ok.body.source).toBe('check-in');
      // The reference keeps working and gives the same ticket.
      const again = await call(ctx, 'POST', `/locations/${ZIJL}/check-ins`, {
        token: kiosk,
        body: { reference: booked.reference },
      });
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(ok.body.id);

      // Misses are limited per kiosk: the 11th attempt in ten minutes is refused, even a right one.
      const wrong = booked.checkInCode === '000000' ? '000001' : '000000';
      for (let i = 0; i < 10; i++) {
        const miss = await call(ctx, 'POST', `/locations/${ZIJL}/check-ins`, {
          token: kiosk,
          body: { reference: wrong },
        });
        expect(miss.status).toBe(404);
      }
      const blocked = await call(ctx, 'POST', `/locations/${ZIJL}/check-ins`, {
        token: kiosk,
        body: { reference: booked.checkInCode },
      });
      expect(blocked.status).toBe(429);
      expect(blocked.body.code).toBe('rate-limited');
      ctx.clock.advance(10 * 60_000);
      const later = await call(ctx, 'POST', `/locations/${ZIJL}/check-ins`, {
        token: kiosk,
        body: { reference: booked.checkInCode },
      });
      expect(later.status).toBe(200);
    });

    it("does not accept another office's code", async () => {
      const ctx = await under.context({ now: '2026-11-23T08:00:00Z' });
      const booked = await book(ctx, await firstFree(ctx, '2026-11-24', SCHALKWIJK), 'B', 'b@example.org', SCHALKWIJK);
      ctx.clock.set(new Date(new Date(booked.start).getTime() - 10 * 60_000));
      const res = await call(ctx, 'POST', `/locations/${ZIJL}/check-ins`, {
        token: kiosk,
        body: { reference: booked.checkInCode },
      });
      expect(res.status).toBe(404);
    });
  });

  describe('walk-in hours', () => {
    it('refuses kiosk tickets outside walk-in hours with 409 and the next opening, and changes nothing', async () => {
      // Monday 22:00 in Haarlem.
      const ctx = await under.context({ now: '2026-11-23T21:00:00Z' });
      const res = await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, {
        token: kiosk,
        body: { services: [{ code: 'passport', persons: 1 }] },
      });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('outside-walk-in-hours');
      expect(res.body.opensAt).toBe('2026-11-24T09:00:00+01:00');
      expect(await countRows(ctx.sql, 'ticket_events')).toBe(0);
      // Staff may still make a ticket (a resident at the desk after hours).
      const staff = await signInAs(ctx, 'demo-agent');
      const byStaff = await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, {
        token: staff,
        body: { services: [{ code: 'passport', persons: 1 }] },
      });
      expect(byStaff.status).toBe(201);
    });

    it('serves walk-in pickups all day where a counter is rostered for them, passports only in walk-in hours', async () => {
      // Monday 13:00: appointment hours; Balie 7 takes walk-in pickups.
      const ctx = await under.context({ now: '2026-11-23T12:00:00Z' });
      const pickup = await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, {
        token: kiosk,
        body: { services: [{ code: 'pickup', persons: 1 }] },
      });
      expect(pickup.status).toBe(201);
      const passport = await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, {
        token: kiosk,
        body: { services: [{ code: 'passport', persons: 1 }] },
      });
      expect(passport.status).toBe(409);
      expect(passport.body.opensAt).toBe('2026-11-24T09:00:00+01:00');
    });

    it('says "walk-in closed" for a service whose counters serve appointments only, as the kiosk refuses it', async () => {
      // Monday 10:30, walk-in hours; Balie 1 (passports and more) open, Balie 7 (pickups) open.
      const ctx = await under.context({ now: '2026-11-23T09:30:00Z' });
      const agent = await signInAs(ctx, 'demo-agent');
      const ids = await counterIds(ctx);
      for (const name of ['Balie 1', 'Balie 7']) {
        const res = await call(ctx, 'POST', `/counters/${ids.get(name)}/sign-in`, {
          token: name === 'Balie 1' ? agent : await signInAs(ctx, 'demo-supervisor'),
        });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
      }
      const waits = async () => {
        // Signed in again: the clock moves by hours, past a session's idle timeout.
        const res = await call(ctx, 'GET', `/locations/${ZIJL}/queue`, {
          token: await signInAs(ctx, 'demo-supervisor'),
        });
        expect(res.status).toBe(200);
        return new Map(res.body.waits.map((w: { code: string }) => [w.code, w]));
      };
      expect((await waits()).get('passport')).toMatchObject({ status: 'no-wait', opensAt: null });
      // 13:00: appointment hours. Balie 1 still open (for appointments), but a kiosk refuses a passport walk-in.
      ctx.clock.set(new Date('2026-11-23T12:00:00Z'));
      const after = await waits();
      expect(after.get('passport')).toEqual({
        code: 'passport',
        waiting: 0,
        status: 'walk-in-closed',
        estimatedWait: null,
        opensAt: null,
      });
      // Pickups are served by walk-in all day at Balie 7.
      expect(after.get('pickup')).toMatchObject({ status: 'no-wait' });
      const refused = await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, {
        token: kiosk,
        body: { services: [{ code: 'passport', persons: 1 }] },
      });
      expect(refused.status).toBe(409);
      // 08:45 the next morning, Balie 1 open before the doors: walk-in opens at nine.
      ctx.clock.set(new Date('2026-11-24T07:45:00Z'));
      expect((await waits()).get('passport')).toMatchObject({
        status: 'walk-in-closed',
        estimatedWait: null,
        opensAt: '2026-11-24T09:00:00+01:00',
      });
    });

    it('publishes the week with its hours and whether walk-in is open now', async () => {
      const ctx = await under.context({ now: '2026-11-23T08:30:00Z' });
      const res = await call(ctx, 'GET', `/locations/${ZIJL}/hours?from=2026-11-23&days=7`);
      expect(res.status).toBe(200);
      expect(res.body.walkInNow.open).toBe(true);
      const [monday, , , thursday, , saturday] = res.body.days;
      expect(monday.opening).toEqual([{ opens: '09:00', closes: '16:00' }]);
      expect(monday.walkIn[0]).toEqual({ opens: '09:00', closes: '16:00' });
      expect(thursday.appointments.at(-1).closes).toBe('20:00');
      expect(saturday.closed).toBe(true);
      // Christmas Day is a closure.
      const christmas = await call(ctx, 'GET', `/locations/${ZIJL}/hours?from=2026-12-25&days=1`);
      expect(christmas.body.days[0].closed).toBe(true);
      expect((await call(ctx, 'GET', `/locations/${ZIJL}/hours?days=99`)).status).toBe(400);
    });
  });

  describe('at the counter', () => {
    it('with "call and start" serves a visitor with one key: next finishes the one called before', async () => {
      const ctx = await under.context({ now: '2026-11-23T08:30:00Z' });
      const supervisor = await signInAs(ctx, 'demo-supervisor');
      const set = await call(ctx, 'PATCH', `/locations/${ZIJL}/settings`, {
        token: supervisor,
        body: { callAndStart: true },
      });
      expect(set.status, JSON.stringify(set.body)).toBe(200);
      // The set-up screen reads it back to show the switch.
      const setup = await call(ctx, 'GET', `/locations/${ZIJL}/setup`, { token: supervisor });
      expect(setup.body.location.callAndStart).toBe(true);
      const audited = await auditRows(ctx.sql, 'location.settings');
      expect(audited.at(-1)?.details).toMatchObject({ callAndStart: true });
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t = await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, {
          token: kiosk,
          body: { services: [{ code: 'passport', persons: 1 }] },
        });
        ids.push(t.body.id);
      }
      const agent = await signInAs(ctx, 'demo-agent');
      const counterId = (await counterIds(ctx)).get('Balie 1') as number;
      await call(ctx, 'POST', `/counters/${counterId}/sign-in`, { token: agent });
      for (let i = 0; i < 4; i++) {
        const res = await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token: agent });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        ctx.clock.advance(5 * 60_000);
      }
      for (const id of ids) {
        const events = await ctx.sql.rows<{ type: string; at: unknown }>(
          'SELECT type, at FROM ticket_events WHERE ticket_id = ? ORDER BY id',
          [id],
        );
        expect(events.map((e) => e.type)).toEqual(['issued', 'called', 'started', 'finished']);
        // Served from the call: the start is the call's time.
        expect(ctx.sql.ms(events[2]?.at)).toBe(ctx.sql.ms(events[1]?.at));
      }
      const snapshot = await call(ctx, 'GET', `/locations/${ZIJL}/queue`, { token: agent });
      expect(snapshot.body.callAndStart).toBe(true);
    });

    it('still asks for start, recall or no-show without the setting', async () => {
      const ctx = await under.context({ now: '2026-11-23T08:30:00Z' });
      await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, {
        token: kiosk,
        body: { services: [{ code: 'passport', persons: 1 }] },
      });
      const agent = await signInAs(ctx, 'demo-agent');
      const counterId = (await counterIds(ctx)).get('Balie 1') as number;
      await call(ctx, 'POST', `/counters/${counterId}/sign-in`, { token: agent });
      expect((await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token: agent })).status).toBe(200);
      const second = await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token: agent });
      expect(second.status).toBe(409);
    });

    it('finds appointments by name, e-mail, reference or date for staff of the office only, audited without the query', async () => {
      const ctx = await under.context();
      const a = await book(ctx, await firstFree(ctx, '2026-11-24'), 'Jan Jansen', 'jan@example.org');
      await book(ctx, await firstFree(ctx, '2026-11-25'), 'Piet de Boer', 'piet@example.org');
      const agent = await signInAs(ctx, 'demo-agent');
      const find = (q: string) => call(ctx, 'GET', `/locations/${ZIJL}/appointments?${q}`, { token: agent });
      expect((await find('q=jansen')).body.appointments.map((x: { reference: string }) => x.reference)).toEqual([
        a.reference,
      ]);
      expect((await find('q=piet%40example')).body.appointments).toHaveLength(1);
      expect((await find(`q=${a.reference.toLowerCase()}`)).body.appointments).toHaveLength(1);
      expect((await find('date=2026-11-25')).body.appointments[0].customer.name).toBe('Piet de Boer');
      expect((await find('q=%25_')).body.appointments).toHaveLength(0);
      expect((await find('q=x')).status).toBe(400);
      expect((await find('')).status).toBe(400);
      expect((await find('date=2026-13-45')).status).toBe(400);
      // Not signed in, or not this office.
      expect((await call(ctx, 'GET', `/locations/${ZIJL}/appointments?q=jansen`)).status).toBe(401);
      const other = await call(ctx, 'GET', `/locations/${SCHALKWIJK}/appointments?q=jansen`, { token: agent });
      expect(other.status).toBe(403);
      const audits = await auditRows(ctx.sql, 'appointment.searched');
      expect(audits.length).toBeGreaterThanOrEqual(4);
      expect(JSON.stringify(audits)).not.toMatch(/jansen|piet/i);
    });

    it('says "wrong password" rather than "session expired"', async () => {
      const ctx = await under.context();
      const res = await call(ctx, 'POST', '/sessions', {
        body: { username: 'demo-agent', password: 'wrong-password' },
      });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid-credentials');
    });
  });

  describe('fees', () => {
    it('lists fees per service and age group, set per municipality by its admin', async () => {
      const ctx = await under.context();
      const list = await call(ctx, 'GET', '/services');
      const passport = list.body.services.find((s: { code: string }) => s.code === 'passport');
      expect(passport.fees).toEqual({ adult: 8387, minor: 6342 });
      const admin = await signInAs(ctx, 'demo-admin');
      const set = await call(ctx, 'PUT', '/services/passport/fees', {
        token: admin,
        body: { adult: 8000, minor: null },
      });
      expect(set.status).toBe(200);
      const again = await call(ctx, 'GET', '/services');
      expect(again.body.services.find((s: { code: string }) => s.code === 'passport').fees).toEqual({
        adult: 8000,
        minor: null,
      });
      const agent = await signInAs(ctx, 'demo-agent');
      expect(
        (await call(ctx, 'PUT', '/services/passport/fees', { token: agent, body: { adult: 1, minor: 1 } })).status,
      ).toBe(403);
      expect(
        (await call(ctx, 'PUT', '/services/passport/fees', { token: admin, body: { adult: -1, minor: 1 } })).status,
      ).toBe(400);
    });
  });
});
