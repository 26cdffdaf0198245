import { describe, expect, it } from 'vitest';
import { counterIds } from '../helpers/appointments.ts';
import { signInAs } from '../helpers/auth.ts';
import { describeEachEngine, type EngineContext } from '../helpers/context.ts';

const ZIJL = 'haarlem-zijlsingel';

async function call(ctx: EngineContext, method: string, path: string, token: string | null, body?: unknown) {
  const res = await ctx.app.request(`/api/v1${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> };
}

async function book(ctx: EngineContext, start: string, code = 'passport', email = 'a@example.nl') {
  const r = await call(ctx, 'POST', '/appointments', null, {
    locationId: ZIJL,
    services: [{ code, persons: 1 }],
    start,
    customer: { name: 'A', email },
  });
  expect(r.status).toBe(201);
  return r.body;
}

async function times(ctx: EngineContext, date: string, services = 'passport:1') {
  const r = await call(ctx, 'GET', `/locations/${ZIJL}/available-times?services=${services}&date=${date}`, null);
  return (r.body.times as string[]) ?? [];
}

describeEachEngine('admin', (under) => {
  describe('set-up endpoints', () => {
    it('are for supervisors and admins of the location', async () => {
      const ctx = await under.context();
      expect((await call(ctx, 'GET', `/locations/${ZIJL}/setup`, null)).status).toBe(401);
      const agent = await signInAs(ctx, 'demo-agent');
      expect((await call(ctx, 'GET', `/locations/${ZIJL}/setup`, agent)).status).toBe(403);
      const supervisor = await signInAs(ctx, 'demo-supervisor');
      const setup = await call(ctx, 'GET', `/locations/${ZIJL}/setup`, supervisor);
      expect(setup.status).toBe(200);
      expect((setup.body.counters as unknown[]).length).toBe(8);
      expect((setup.body.holidays as { date: string }[]).map((h) => h.date)).toContain('2026-12-25');
      expect((await call(ctx, 'POST', '/services', supervisor, {})).status).toBe(403);
    });

    it('closes a free day and refuses to close a day with bookings', async () => {
      const ctx = await under.context();
      const supervisor = await signInAs(ctx, 'demo-supervisor');
      await book(ctx, '2026-11-25T11:00:00+01:00');
      const refused = await call(ctx, 'POST', `/locations/${ZIJL}/closures`, supervisor, {
        date: '2026-11-25',
        kind: 'local',
        reason: 'Verbouwing',
      });
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('conflict');
      expect(await times(ctx, '2026-11-26')).not.toEqual([]);
      const closed = await call(ctx, 'POST', `/locations/${ZIJL}/closures`, supervisor, {
        date: '2026-11-26',
        kind: 'local',
        reason: 'Verbouwing',
      });
      expect(closed.status).toBe(201);
      expect(await times(ctx, '2026-11-26')).toEqual([]);
      const id = (closed.body.closure as { id: number }).id;
      expect((await call(ctx, 'DELETE', `/closures/${id}`, supervisor)).status).toBe(200);
      expect(await times(ctx, '2026-11-26')).not.toEqual([]);
    });

    it('checks a change right after a refused one against the committed set-up, not the rolled-back one', async () => {
      // The refused change bumped the configuration version inside its transaction and rolled back; the next
      // committed change gets the same number. An office cached from the refused transaction would still hold its
      // closure and refuse this change too.
      const ctx = await under.context();
      const supervisor = await signInAs(ctx, 'demo-supervisor');
      await book(ctx, '2026-11-25T11:00:00+01:00');
      const closure = (date: string) =>
        call(ctx, 'POST', `/locations/${ZIJL}/closures`, supervisor, { date, kind: 'local', reason: 'Verbouwing' });
      expect((await closure('2026-11-25')).status).toBe(409);
      expect((await closure('2026-11-26')).status).toBe(201);
    });

    it('moves booked appointments to another counter when a skill is taken away, and refuses when they cannot move', async () => {
      const ctx = await under.context();
      const supervisor = await signInAs(ctx, 'demo-supervisor');
      const ids = await counterIds(ctx);
      await book(ctx, '2026-11-24T11:00:00+01:00', 'birth', 'b1@example.nl');
      // Birth: Balie 1 (all) and Balie 8 (birth + passport); the engine chose the less flexible Balie 8.
      const moved = await call(ctx, 'PATCH', `/locations/${ZIJL}/counters/${ids.get('Balie 8')}`, supervisor, {
        skills: ['passport'],
      });
      expect(moved.status).toBe(200);
      expect(moved.body.movedAppointments).toBe(1);
      // The birth now sits on Balie 1, the only counter left with the skill: taking it away is refused.
      const refused = await call(ctx, 'PATCH', `/locations/${ZIJL}/counters/${ids.get('Balie 1')}`, supervisor, {
        skills: ['passport', 'id-card'],
      });
      expect(refused.status).toBe(409);
    });

    it('a skill named twice is one skill (the set of skills is a primary key): 200 and 201, never a 5xx', async () => {
      const ctx = await under.context();
      const supervisor = await signInAs(ctx, 'demo-supervisor');
      const ids = await counterIds(ctx);
      const patched = await call(ctx, 'PATCH', `/locations/${ZIJL}/counters/${ids.get('Balie 8')}`, supervisor, {
        skills: ['passport', 'passport'],
      });
      expect(patched.status).toBe(200);
      const created = await call(ctx, 'POST', `/locations/${ZIJL}/counters`, supervisor, {
        name: 'Balie 9',
        skills: ['birth', 'birth'],
      });
      expect(created.status).toBe(201);
      const setup = await call(ctx, 'GET', `/locations/${ZIJL}/setup`, supervisor);
      const skillsOf = (name: string) =>
        (setup.body.counters as { name: string; skills: string[] }[]).find((c) => c.name === name)?.skills;
      expect(skillsOf('Balie 8')).toEqual(['passport']);
      expect(skillsOf('Balie 9')).toEqual(['birth']);
    });

    it('validates rules and adds appointment hours that become bookable', async () => {
      const ctx = await under.context();
      const supervisor = await signInAs(ctx, 'demo-supervisor');
      const ids = await counterIds(ctx);
      const bad = await call(ctx, 'POST', `/locations/${ZIJL}/schedule-rules`, supervisor, {
        kind: 'appointments',
        rrule: 'FREQ=SOMETIMES',
        startsOn: '2026-11-01',
        opensAt: '09:00',
        closesAt: '11:00',
      });
      expect(bad.status).toBe(400);
      // Saturday 28 November: closed until opening, appointment hours and a roster are added.
      expect(await times(ctx, '2026-11-28')).toEqual([]);
      for (const kind of ['opening', 'appointments']) {
        const r = await call(ctx, 'POST', `/locations/${ZIJL}/schedule-rules`, supervisor, {
          kind,
          rrule: 'FREQ=WEEKLY;BYDAY=SA',
          startsOn: '2026-11-28',
          endsOn: '2026-12-19',
          opensAt: '10:00',
          closesAt: '12:00',
        });
        expect(r.status).toBe(201);
      }
      expect(await times(ctx, '2026-11-28')).toEqual([]);
      const roster = await call(ctx, 'POST', `/locations/${ZIJL}/roster-rules`, supervisor, {
        counterId: ids.get('Balie 2'),
        rrule: 'FREQ=WEEKLY;BYDAY=SA',
        startsOn: '2026-11-28',
        startsAt: '10:00',
        endsAt: '12:00',
        mode: 'appointments',
      });
      expect(roster.status).toBe(201);
      const saturday = await times(ctx, '2026-11-28');
      expect(saturday[0]).toBe('2026-11-28T10:00:00+01:00');
      expect(saturday.at(-1)).toBe('2026-11-28T11:50:00+01:00');
    });

    it('lets admins add services and offer them at a location', async () => {
      const ctx = await under.context();
      const admin = await signInAs(ctx, 'demo-admin');
      const created = await call(ctx, 'POST', '/services', admin, {
        code: 'naturalisation',
        nameNl: 'Naturalisatie',
        nameEn: 'Naturalisation',
        minutesPerPerson: 60,
        maxPersons: 2,
        ticketLetter: 'N',
      });
      expect(created.status).toBe(201);
      expect(
        (
          await call(ctx, 'PUT', `/locations/${ZIJL}/services/naturalisation`, admin, {
            bookableOnline: true,
            walkIn: false,
          })
        ).status,
      ).toBe(200);
      const ids = await counterIds(ctx);
      expect(
        (
          await call(ctx, 'PATCH', `/locations/${ZIJL}/counters/${ids.get('Balie 3')}`, admin, {
            skills: ['passport', 'id-card', 'driving-licence', 'pickup', 'naturalisation'],
          })
        ).status,
      ).toBe(200);
      const t = await times(ctx, '2026-11-24', 'naturalisation:1');
      expect(t[0]).toBe('2026-11-24T11:00:00+01:00');
      expect(t.at(-1)).toBe('2026-11-24T15:00:00+01:00');
    });
  });
});
