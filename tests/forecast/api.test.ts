import { beforeAll, describe, expect, it } from 'vitest';
import { fillDemoHistory } from '../../server/forecast/demo-history.ts';
import { signInAs } from '../helpers/auth.ts';
import { describeEachEngine, type EngineContext } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';
import { countRows } from '../helpers/rows.ts';

const ZIJLSINGEL = 'haarlem-zijlsingel';

describeEachEngine('forecast, statistics and open data', (under) => {
  let ctx: EngineContext;
  let supervisor: string;
  let agent: string;
  let admin: string;
  let filled: { tickets: number; events: number; appointments: number };

  beforeAll(async () => {
    ctx = await under.context({ now: '2026-11-23T08:00:00Z' });
    filled = await fillDemoHistory(ctx, { days: 56, predictedDays: 14 });
    supervisor = await signInAs(ctx, 'demo-supervisor');
    agent = await signInAs(ctx, 'demo-agent');
    admin = await signInAs(ctx, 'demo-admin');
  }, 120_000);

  describe('demo history', () => {
    it('writes tickets and the production event log without personal data, once', async () => {
      expect(filled.tickets).toBeGreaterThan(1000);
      expect(filled.events).toBeGreaterThan(3 * filled.tickets);
      const sample = await ctx.sql.rows<{ service_date: string; status: string }>(
        'SELECT service_date, status FROM tickets ORDER BY id LIMIT 50',
      );
      expect(sample).toHaveLength(50);
      for (const t of sample) {
        expect(t.service_date < '2026-11-23').toBe(true);
        expect(['done', 'cancelled']).toContain(t.status);
      }
      const types = (await ctx.sql.rows<{ type: string }>('SELECT DISTINCT type FROM ticket_events')).map(
        (r) => r.type,
      );
      expect(types.sort()).toEqual(['called', 'cancelled', 'finished', 'issued', 'started'].sort());
      expect((await fillDemoHistory(ctx, { days: 56 })).tickets).toBe(0);
    });

    it('writes appointments with the date they were booked, no personal data, linked to their check-ins', async () => {
      expect(filled.appointments).toBeGreaterThan(300);
      const rows = (
        await ctx.sql.rows<{
          customer_name: string | null;
          customer_email: string | null;
          created_at: unknown;
          starts_at: unknown;
          ends_at: unknown;
          status: string;
          counter_id: number;
        }>('SELECT customer_name, customer_email, created_at, starts_at, ends_at, status, counter_id FROM appointments')
      ).map((a) => ({
        customerName: a.customer_name,
        customerEmail: a.customer_email,
        createdAt: ctx.sql.ms(a.created_at) as number,
        startsAt: ctx.sql.ms(a.starts_at) as number,
        endsAt: ctx.sql.ms(a.ends_at) as number,
        status: a.status,
        counterId: Number(a.counter_id),
      }));
      const now = Date.parse('2026-11-23T08:00:00Z');
      for (const a of rows) {
        expect(a.customerName).toBeNull();
        expect(a.customerEmail).toBeNull();
        expect(a.createdAt).toBeLessThan(Math.min(now, a.startsAt));
        if (a.startsAt < now) expect(['served', 'no-show']).toContain(a.status);
        else expect(a.status).toBe('booked');
      }
      const leads = rows.map((a) => (a.startsAt - a.createdAt) / 86_400_000);
      expect(Math.max(...leads)).toBeGreaterThan(14);
      expect(leads.filter((l) => l < 3).length).toBeGreaterThan(0);
      const noShows = rows.filter((a) => a.status === 'no-show').length;
      const served = rows.filter((a) => a.status === 'served').length;
      expect(noShows / (noShows + served)).toBeGreaterThan(0.03);
      expect(noShows / (noShows + served)).toBeLessThan(0.15);
      const linked = await ctx.sql.rows<{ source: string }>(
        'SELECT source FROM tickets WHERE appointment_id IS NOT NULL',
      );
      expect(linked.length).toBeGreaterThan(100);
      expect(linked.every((t) => t.source === 'check-in')).toBe(true);
      // The future book: booked before now, and never two appointments on one counter at once (invariant 1, ARCHITECTURE.md#invariants).
      const future = rows.filter((a) => a.status === 'booked').sort((x, y) => x.startsAt - y.startsAt);
      expect(future.length).toBeGreaterThan(20);
      const lastEnd = new Map<number, number>();
      for (const a of future) {
        expect(a.startsAt).toBeGreaterThanOrEqual(lastEnd.get(a.counterId) ?? 0);
        lastEnd.set(a.counterId, a.endsAt);
      }
    });
  });

  describe('GET /open-data/prediction-accuracy', () => {
    it('publishes MAE and the share inside the band shown, per office and week, for anyone', async () => {
      const res = await ctx.app.request('/api/v1/open-data/prediction-accuracy?from=2026-11-09&to=2026-11-22');
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        weeks: {
          locationId: string;
          weekStart: string;
          walkIns: number;
          maeMinutes: number;
          shareInsideBand: number;
        }[];
      };
      const zijl = body.weeks.filter((w) => w.locationId === ZIJLSINGEL);
      expect(zijl.length).toBeGreaterThanOrEqual(2);
      for (const w of zijl) {
        expect(w.walkIns).toBeGreaterThan(20);
        expect(w.maeMinutes).toBeGreaterThan(0);
        expect(w.shareInsideBand).toBeGreaterThan(0);
        expect(w.shareInsideBand).toBeLessThanOrEqual(1);
      }
      expect(JSON.stringify(body)).not.toMatch(/@|name/i);
      const bad = await ctx.app.request('/api/v1/open-data/prediction-accuracy?from=2026-11-22&to=2026-10-26');
      expect(bad.status).toBe(400);
    });
  });

  describe('GET /locations/{id}/weekly-outlook', () => {
    it('gives weeks ahead for both channels and peak weeks with simulated options', async () => {
      const res = await call(ctx, 'GET', `/locations/${ZIJLSINGEL}/weekly-outlook?weeks=26&peaks=1`, {
        token: supervisor,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.weeks).toHaveLength(26);
      expect(res.body.from).toBe('2026-11-23');
      for (const w of res.body.weeks) {
        expect(w.rosteredCounterHours).toBeGreaterThanOrEqual(0);
        expect(w.gapCounterHours).toBeGreaterThanOrEqual(0);
      }
      const busy = res.body.weeks.filter((w: { openDays: number }) => w.openDays === 5);
      expect(busy.every((w: { appointmentsExpected: number }) => w.appointmentsExpected > 50)).toBe(true);
      // The demo's half year ahead has a short week (February); its options are checked below.
      expect(res.body.peakWeeks.length).toBeGreaterThan(0);
      for (const p of res.body.peakWeeks) {
        expect(p.gapCounterHours).toBeGreaterThan(0);
        expect(p.options.map((o: { kind: string }) => o.kind)).toEqual([
          'extra-counters',
          'evening',
          'saturday',
          'release-earlier',
        ]);
        const extra = p.options[0];
        // Extra counters go where the day is short, as many as it is short there: their hours add up.
        const periods = extra.detail.periods as { from: string; to: string; counters: number }[];
        expect(periods.length).toBeGreaterThan(0);
        const hoursOf = (q: { from: string; to: string; counters: number }) =>
          (Number(q.to.slice(0, 2)) - Number(q.from.slice(0, 2))) * q.counters;
        expect(extra.counterHours).toBe(periods.reduce((a, q) => a + hoursOf(q), 0));
        expect(extra.detail.counters).toBe(Math.max(...periods.map((q) => q.counters)));
        // More counters never make the simulated walk-in service level worse.
        expect(extra.effect.walkInShareWithinNorm).toBeGreaterThanOrEqual(p.baseline.walkInShareWithinNorm - 0.02);
        // Releasing slots earlier moves residents (to appointments that day, or to the weeks before), it
        // does not make them disappear: the slots are what they book.
        const release = p.options[3];
        expect(release.detail.slots).toBeGreaterThanOrEqual(
          Math.floor(release.detail.toAppointments + release.detail.toEarlierWeeks),
        );
      }
      const denied = await call(ctx, 'GET', `/locations/${ZIJLSINGEL}/weekly-outlook`, { token: agent });
      expect(denied.status).toBe(403);
      const bad = await call(ctx, 'GET', `/locations/${ZIJLSINGEL}/weekly-outlook?weeks=99`, { token: supervisor });
      expect(bad.status).toBe(400);
    });
  });

  describe('GET /locations/{id}/forecast', () => {
    it('plans both channels: appointments residents will still book, not the empty future book', async () => {
      const res = await call(ctx, 'GET', `/locations/${ZIJLSINGEL}/forecast?from=2026-11-30&to=2027-02-26`, {
        token: supervisor,
      });
      expect(res.status).toBe(200);
      const open = res.body.days.filter((d: { closed: boolean }) => !d.closed);
      const far = open.filter((d: { date: string }) => d.date >= '2027-02-01');
      expect(far.length).toBeGreaterThan(10);
      for (const d of far) {
        // Ten weeks ahead hardly anything is booked yet, but residents will book.
        expect(d.appointmentsExpected).toBeGreaterThan(d.appointmentsBooked + 5);
        // Slots are releasable only beyond the expected demand.
        expect(d.releasableSlots).toBeLessThan(d.appointmentSlots);
        expect(d.slotsForNorm).toBeGreaterThan(0);
      }
      const near = open.find((d: { date: string }) => d.date === '2026-11-30');
      expect(near.appointmentsBooked).toBeGreaterThan(0);
      expect(near.appointmentsExpected).toBeGreaterThanOrEqual(near.appointmentsBooked);
      // Counters required include the appointment visits: an appointment hour needs counters.
      const eleven = res.body.hours.find(
        (h: { date: string; hour: number }) => h.date === '2027-02-02' && h.hour === 13,
      );
      expect(eleven.appointmentMinutes).toBeGreaterThan(0);
      expect(eleven.requiredCounters).toBeGreaterThan(0);
      expect(Object.keys(res.body.noShowRates).length).toBeGreaterThan(0);
      // The demo recorded the capacity of its simulated days; a full day's demand is never below its bookings.
      expect(await countRows(ctx.sql, 'appointment_capacity')).toBeGreaterThan(100);
      for (const f of Object.values(res.body.fullDays) as { days: number; booked: number; estimatedDemand: number }[])
        expect(f.estimatedDemand).toBeGreaterThanOrEqual(f.booked);
      // The demo's simulated mornings have a crowd at the door: the planner learns its share of the opening hour.
      expect(res.body.openingCrowdShare).toBeGreaterThan(0.05);
      expect(res.body.openingCrowdShare).toBeLessThan(0.8);
      // Advice beyond the office's counters cannot be rostered; the planner says how many it has.
      const [withSkills] = await ctx.sql.rows<{ n: number | string }>(
        'SELECT COUNT(DISTINCT c.id) AS n FROM counters c JOIN counter_skills s ON s.counter_id = c.id WHERE c.location_id = ?',
        [ZIJLSINGEL],
      );
      expect(res.body.officeCounters).toBe(Number(withSkills?.n));
      expect(res.body.officeCounters).toBeGreaterThan(0);
    });

    it('gives hourly demand, required and rostered counters, and a closed Christmas', async () => {
      const res = await call(ctx, 'GET', `/locations/${ZIJLSINGEL}/forecast?from=2026-12-21&to=2027-01-03`, {
        token: supervisor,
      });
      expect(res.status).toBe(200);
      const body = res.body;
      expect(body.historyDays).toBeGreaterThan(30);
      expect(body.usesRegistry).toBe(true);
      expect(body.hours.length).toBeGreaterThan(20);
      const monday = body.hours.filter((h: { date: string }) => h.date === '2026-12-21');
      const nine = monday.find((h: { hour: number }) => h.hour === 9);
      expect(nine.walkInArrivals).toBeGreaterThan(5);
      expect(nine.requiredCounters).toBeGreaterThan(0);
      expect(nine.rosteredCounters).toBeGreaterThan(0);
      expect(nine.gap).toBeCloseTo(nine.rosteredCounters - nine.requiredCounters, 5);
      const christmas = body.days.find((d: { date: string }) => d.date === '2026-12-25');
      expect(christmas.closed).toBe(true);
      expect(body.hours.some((h: { date: string }) => h.date === '2026-12-25')).toBe(false);
      for (const d of body.days) expect(d.releasableSlots).toBeGreaterThanOrEqual(0);
    });

    it('releases no slot today in an hour that has passed', async () => {
      const path = `/locations/${ZIJLSINGEL}/forecast?from=2026-11-23&to=2026-11-24`;
      const slots = async () => {
        const res = await call(ctx, 'GET', path, { token: supervisor });
        expect(res.status).toBe(200);
        const byDate = new Map(res.body.days.map((d: { date: string; releasableSlots: number }) => [d.date, d]));
        return { today: byDate.get('2026-11-23'), tomorrow: byDate.get('2026-11-24') } as {
          today: { releasableSlots: number };
          tomorrow: { releasableSlots: number };
        };
      };
      const start = ctx.clock.now();
      try {
        const morning = await slots(); // 09:00 in Haarlem: the whole day is still to come
        expect(morning.today.releasableSlots).toBeGreaterThan(0);
        ctx.clock.set('2026-11-23T13:30:00Z'); // 14:30: the afternoon is left
        const afternoon = await slots();
        expect(afternoon.today.releasableSlots).toBeLessThan(morning.today.releasableSlots);
        ctx.clock.set('2026-11-23T17:30:00Z'); // 18:30: closed
        const evening = await slots();
        expect(evening.today.releasableSlots).toBe(0);
        expect(evening.tomorrow.releasableSlots).toBeGreaterThan(0);
      } finally {
        ctx.clock.set(start);
      }
    }, 120_000); // three cold forecasts

    it('is for supervisors of the location only, with a valid range', async () => {
      const path = `/locations/${ZIJLSINGEL}/forecast?from=2026-12-01&to=2026-12-10`;
      expect((await call(ctx, 'GET', path)).status).toBe(401);
      expect((await call(ctx, 'GET', path, { token: agent })).status).toBe(403);
      const reversed = await call(ctx, 'GET', `/locations/${ZIJLSINGEL}/forecast?from=2026-12-10&to=2026-12-01`, {
        token: supervisor,
      });
      expect(reversed.status).toBe(400);
      expect(reversed.body.code).toBe('validation-failed');
      const tooLong = await call(ctx, 'GET', `/locations/${ZIJLSINGEL}/forecast?from=2026-12-01&to=2027-08-01`, {
        token: supervisor,
      });
      expect(tooLong.status).toBe(400);
      const notADate = await call(ctx, 'GET', `/locations/${ZIJLSINGEL}/forecast?from=2026-13-01&to=2026-12-01`, {
        token: supervisor,
      });
      expect(notADate.status).toBe(400);
    });
  });

  describe('POST /locations/{id}/what-if', () => {
    it('simulates a proposed roster: fewer morning counters give a lower service level', async () => {
      const path = `/locations/${ZIJLSINGEL}/what-if`;
      const rostered = await call(ctx, 'POST', path, {
        token: supervisor,
        body: { date: '2026-12-07', replications: 8 },
      });
      expect(rostered.status).toBe(200);
      expect(rostered.body.hours.length).toBeGreaterThan(0);
      const counters = await ctx.sql.rows<{ id: number }>('SELECT id FROM counters WHERE location_id = ? ORDER BY id', [
        ZIJLSINGEL,
      ]);
      // Only two counters in the morning, the rest closed.
      const thin = await call(ctx, 'POST', path, {
        token: supervisor,
        body: {
          date: '2026-12-07',
          replications: 8,
          counters: counters.map((c, i) => ({ counterId: c.id, shifts: i < 2 ? [['09:00', '16:00']] : [] })),
        },
      });
      expect(thin.status).toBe(200);
      expect(thin.body.counterHours).toBeLessThan(rostered.body.counterHours);
      expect(thin.body.overall.shareWithinNorm).toBeLessThan(rostered.body.overall.shareWithinNorm);
    });

    it('agrees with the simulator, crowd at the door included: the norm is met where the advice can be staffed, missed where it asks for more counters than the office has', async () => {
      const date = '2026-12-07';
      const forecast = await call(ctx, 'GET', `/locations/${ZIJLSINGEL}/forecast?from=${date}&to=${date}`, {
        token: supervisor,
      });
      expect(forecast.status).toBe(200);
      const hours = forecast.body.hours as { hour: number; requiredCounters: number }[];
      // The advice as a roster: the counters with most skills first, the k-th staffed in every hour that
      // needs at least k (contiguous hours become one shift).
      const counters = await ctx.sql.rows<{ id: number }>(
        'SELECT c.id, COUNT(s.service_id) AS skills FROM counters c JOIN counter_skills s ON s.counter_id = c.id WHERE c.location_id = ? GROUP BY c.id ORDER BY skills DESC, c.id',
        [ZIJLSINGEL],
      );
      const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
      const advised = counters.map((c, k) => {
        const shifts: [string, string][] = [];
        for (const h of hours) {
          if (h.requiredCounters <= k) continue;
          const last = shifts.at(-1);
          if (last && last[1] === hh(h.hour)) last[1] = hh(h.hour + 1);
          else shifts.push([hh(h.hour), hh(h.hour + 1)]);
        }
        return { counterId: c.id, shifts };
      });
      const sim = await call(ctx, 'POST', `/locations/${ZIJLSINGEL}/what-if`, {
        token: supervisor,
        body: { date, replications: 60, counters: advised },
      });
      expect(sim.status).toBe(200);
      const scored = (sim.body.hours as { hour: number; meetsNorm: boolean; walkInsPerDay: number }[]).filter(
        (h) => h.walkInsPerDay >= 1,
      );
      // Walk-ins come 9–11 at the Zijlsingel. The what-if simulates the crowd at the door at 9:00 as the
      // advice sizes it (a third of the opening hour's walk-ins, learned from the demo's mornings): that
      // hour asks for more counters than the office's eight, and with every one of them open the simulator
      // too misses the norm; the hours the office can staff as advised meet it, and so do the appointments.
      expect(forecast.body.openingCrowdShare).toBeGreaterThan(0.05);
      expect(scored.length).toBeGreaterThanOrEqual(2);
      const adviceOf = (hour: number) => hours.find((h) => h.hour === hour)?.requiredCounters ?? 0;
      const staffable = scored.filter((h) => adviceOf(h.hour) <= counters.length);
      expect(staffable.length).toBeGreaterThanOrEqual(1);
      for (const h of scored) expect(h.meetsNorm, `hour ${h.hour}`).toBe(adviceOf(h.hour) <= counters.length);
      expect(sim.body.appointments.visits).toBeGreaterThan(0);
      expect(sim.body.appointments.shareWithinNorm).toBeGreaterThanOrEqual(forecast.body.norm.share);
    });

    it('rejects unknown counters, reversed shifts and closed days', async () => {
      const path = `/locations/${ZIJLSINGEL}/what-if`;
      const unknown = await call(ctx, 'POST', path, {
        token: supervisor,
        body: { date: '2026-12-07', counters: [{ counterId: 9999, shifts: [['09:00', '11:00']] }] },
      });
      expect(unknown.status).toBe(400);
      const reversed = await call(ctx, 'POST', path, {
        token: supervisor,
        body: { date: '2026-12-07', counters: [{ counterId: 1, shifts: [['11:00', '09:00']] }] },
      });
      expect(reversed.status).toBe(400);
      const christmas = await call(ctx, 'POST', path, { token: supervisor, body: { date: '2026-12-25' } });
      expect(christmas.status).toBe(422);
      expect((await call(ctx, 'POST', path, { token: agent, body: { date: '2026-12-07' } })).status).toBe(403);
    });
  });

  describe('imports', () => {
    it('imports hourly history and rejects a bad file without changing anything', async () => {
      const csv = 'date,hour,service,count\n2025-03-03,9,passport,12\n2025-03-03,10,passport,9\n';
      const ok = await call(ctx, 'POST', `/locations/${ZIJLSINGEL}/hourly-history`, {
        token: supervisor,
        body: { csv },
      });
      expect(ok.status).toBe(200);
      expect(ok.body.rows).toBe(2);
      const before = await countRows(ctx.sql, 'hourly_history', 'location_id = ?', [ZIJLSINGEL]);
      const bad = await call(ctx, 'POST', `/locations/${ZIJLSINGEL}/hourly-history`, {
        token: supervisor,
        body: { csv: 'date,hour,service,count\n2025-03-04,9,passport,3\n2025-03-04,99,passport,3\n' },
      });
      expect(bad.status).toBe(400);
      expect(before).toBeGreaterThanOrEqual(2);
      expect(await countRows(ctx.sql, 'hourly_history', 'location_id = ?', [ZIJLSINGEL])).toBe(before);
    });

    it('imports the registry for admins only', async () => {
      const csv = 'month,document_type,age_band,count\n2017-01,passport,adult,800\n';
      expect((await call(ctx, 'POST', '/registry-documents', { token: supervisor, body: { csv } })).status).toBe(403);
      const ok = await call(ctx, 'POST', '/registry-documents', { token: admin, body: { csv } });
      expect(ok.status).toBe(200);
      expect(ok.body.rows).toBe(1);
    });
  });

  describe('GET /locations/{id}/statistics', () => {
    it('reports shares within 5 and 10 minutes for walk-ins and appointments, as JSON and CSV', async () => {
      const res = await call(ctx, 'GET', `/locations/${ZIJLSINGEL}/statistics?from=2026-11-02&to=2026-11-20`, {
        token: supervisor,
      });
      expect(res.status).toBe(200);
      const { walkIns, appointments, perDay, perService } = res.body;
      expect(walkIns.visitors).toBeGreaterThan(100);
      expect(walkIns.share5).toBeGreaterThanOrEqual(0);
      expect(walkIns.share10).toBeGreaterThanOrEqual(walkIns.share5);
      expect(walkIns.share10).toBeLessThanOrEqual(1);
      expect(appointments.visitors).toBeGreaterThan(0);
      expect(perDay.length).toBe(15);
      expect(perService.map((s: { code: string }) => s.code)).toContain('passport');

      const csv = await ctx.app.request(
        `/api/v1/locations/${ZIJLSINGEL}/statistics?from=2026-11-02&to=2026-11-20&format=csv`,
        { headers: { authorization: `Bearer ${supervisor}` } },
      );
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      const lines = (await csv.text()).trim().split('\r\n');
      expect(lines[0]).toBe(
        'date,visitors,called,not_called,share_within_5,share_within_10,share_within_norm,median_wait,p90_wait',
      );
      expect(lines.length).toBe(16);
    });

    it('refuses agents and bad ranges', async () => {
      const path = `/locations/${ZIJLSINGEL}/statistics?from=2026-11-02&to=2026-11-20`;
      expect((await call(ctx, 'GET', path, { token: agent })).status).toBe(403);
      expect(
        (
          await call(ctx, 'GET', `/locations/${ZIJLSINGEL}/statistics?from=2024-01-01&to=2026-11-20`, {
            token: supervisor,
          })
        ).status,
      ).toBe(400);
    });
  });

  describe('open data', () => {
    it('GET /open-data/live lists each office with waiting and a band, no personal data', async () => {
      const res = await call(ctx, 'GET', '/open-data/live');
      expect(res.status).toBe(200);
      expect(res.body.locations.length).toBe(2);
      for (const l of res.body.locations) {
        expect(Object.keys(l).sort()).toEqual(
          ['city', 'id', 'name', 'open', 'services', 'waitBand', 'waitMinutes', 'waitText', 'waiting'].sort(),
        );
        expect(l.waiting).toBe(0);
      }
    });

    it('GET /open-data/wait-times.csv gives hourly aggregates per office and service', async () => {
      const res = await ctx.app.request('/api/v1/open-data/wait-times.csv?from=2026-11-16&to=2026-11-20');
      expect(res.status).toBe(200);
      const lines = (await res.text()).trim().split('\r\n');
      expect(lines[0]).toBe(
        'date,hour,location,service,visitors,median_wait_minutes,p90_wait_minutes,share_within_norm,norm_minutes',
      );
      expect(lines.length).toBeGreaterThan(20);
      const cells = (lines[1] ?? '').split(',');
      expect(cells[0]).toBe('2026-11-16');
      expect(Number(cells[4])).toBeGreaterThan(0);
      const bad = await call(ctx, 'GET', '/open-data/wait-times.csv?from=2026-11-20&to=2026-11-16');
      expect(bad.status).toBe(400);
    });

    it('is documented in the OpenAPI document', async () => {
      const res = await call(ctx, 'GET', '/openapi.json');
      for (const path of [
        '/open-data/live',
        '/open-data/wait-times.csv',
        '/locations/{id}/forecast',
        '/locations/{id}/statistics',
      ]) {
        expect(Object.keys(res.body.paths)).toContain(path);
      }
    });
  });

  describe('learned service times for the live predictor', () => {
    it('learns from the finished tickets of the last weeks, per service and counter', async () => {
      const { learnedServiceTimes } = await import('../../server/queue/learned-times.ts');
      const configured = { passport: 10, 'id-card': 10, 'driving-licence': 5, pickup: 5, birth: 15 };
      const learned = await learnedServiceTimes(ctx.storage.read, ZIJLSINGEL, ctx.clock.now(), configured);
      // The demo history's true times are 5 % above the configured ones, clerks 0.85–1.14 × as fast.
      expect(learned.meanMinutesPerPerson.passport).toBeGreaterThan(10);
      expect(learned.meanMinutesPerPerson.passport).toBeLessThan(12);
      expect(Object.keys(learned.counterSpeed).length).toBeGreaterThan(3);
      expect(learned.serviceCv.passport).toBeGreaterThan(0.3);
      expect(learned.serviceCv.passport).toBeLessThan(0.7);
    });
  });
});
