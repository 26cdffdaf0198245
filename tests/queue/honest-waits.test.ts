import { expect, it } from 'vitest';
import type { ServiceWaitDto } from '../../server/contracts/queue.ts';
import { counterIds } from '../helpers/appointments.ts';
import { DEMO_DEVICE_TOKEN, signInAs } from '../helpers/auth.ts';
import { describeEachEngine, type EngineContext } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';

/**
 * Issue #10 point 5, walked through as the tester did: Monday 18:40 in Amsterdam, after opening hours, with walk-in
 * opened all day straight in the database (as the hub tests do) and one clerk signed in. For a service with nobody
 * waiting the screens (display, kiosk and live view all show the snapshot's and the hub's `waits`) say "no counter
 * open", "no wait", or — only while someone is served or ahead — a band of the real remaining work, never "more than
 * an hour" for nothing.
 */

const ZIJL = 'haarlem-zijlsingel';
const MONDAY_EVENING = '2026-12-07T17:40:00Z'; // 18:40 in Amsterdam
const WALK_IN = ['passport', 'id-card', 'driving-licence', 'pickup'];

/** Walk-in opened all day in the office's hours (the hub tests' SQL), or only by a roster row for one counter. */
async function openWalkInAllDay(ctx: EngineContext, by: 'hours' | 'roster', counterId?: number) {
  if (by === 'hours') {
    await ctx.sql.exec(
      `UPDATE schedule_rules SET rrule = 'FREQ=DAILY', opens_at = '00:00', closes_at = '23:59'
       WHERE location_id = ? AND kind IN ('opening', 'walk-in')`,
      [ZIJL],
    );
    return;
  }
  // Open all day, walk-in hours as seeded (09–11): walk-in now only because the counter is rostered for it.
  await ctx.sql.exec(
    `UPDATE schedule_rules SET rrule = 'FREQ=DAILY', opens_at = '00:00', closes_at = '23:59'
     WHERE location_id = ? AND kind = 'opening'`,
    [ZIJL],
  );
  await ctx.sql.exec(
    `INSERT INTO roster_rules (location_id, counter_id, rrule, starts_on, starts_at, ends_at, mode)
     VALUES (?, ?, 'FREQ=DAILY', '2025-01-01', '00:00', '23:59', 'walk-in')`,
    [ZIJL, counterId],
  );
}

async function waits(ctx: EngineContext): Promise<Map<string, ServiceWaitDto>> {
  const res = await call(ctx, 'GET', `/locations/${ZIJL}/queue`, { token: await signInAs(ctx, 'demo-supervisor') });
  expect(res.status).toBe(200);
  return new Map((res.body.waits as ServiceWaitDto[]).map((w) => [w.code, w]));
}

async function signIn(ctx: EngineContext, counter: string, username = 'demo-agent') {
  const token = await signInAs(ctx, username);
  const counterId = (await counterIds(ctx)).get(counter) as number;
  const res = await call(ctx, 'POST', `/counters/${counterId}/sign-in`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { token, counterId };
}

async function take(ctx: EngineContext, code: string, persons = 1) {
  const res = await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, {
    token: DEMO_DEVICE_TOKEN,
    body: { services: [{ code, persons }] },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: number };
}

describeEachEngine('honest waits after hours', (under) => {
  it('(a) no counter open: "no counter open" for every walk-in service, no band, no opening time later today', async () => {
    const ctx = await under.context({ now: MONDAY_EVENING });
    await openWalkInAllDay(ctx, 'hours');
    const all = await waits(ctx);
    expect([...all.keys()]).toEqual(WALK_IN);
    for (const w of all.values())
      expect(w).toEqual({ code: w.code, waiting: 0, status: 'no-counter-open', estimatedWait: null, opensAt: null });
    // A ticket taken now (the kiosk issues it: walk-in is open) waits for a counter: still no band.
    await take(ctx, 'passport');
    expect((await waits(ctx)).get('passport')).toMatchObject({
      waiting: 1,
      status: 'no-counter-open',
      estimatedWait: null,
    });
  });

  it('(b) a free counter with the skill and nobody ahead: "no wait"; (e) a counter without the skill does not count', async () => {
    const ctx = await under.context({ now: MONDAY_EVENING });
    await openWalkInAllDay(ctx, 'hours');
    // (e) Balie 7 serves pickups only.
    await signIn(ctx, 'Balie 7', 'demo-supervisor');
    const pickupOnly = await waits(ctx);
    expect(pickupOnly.get('pickup')).toMatchObject({ status: 'no-wait', estimatedWait: { band: 'none', minutes: 0 } });
    for (const code of ['passport', 'id-card', 'driving-licence'])
      expect(pickupOnly.get(code)).toMatchObject({ waiting: 0, status: 'no-counter-open', estimatedWait: null });
    // (b) Balie 1 serves every walk-in service.
    await signIn(ctx, 'Balie 1');
    for (const w of (await waits(ctx)).values())
      expect(w).toEqual({
        code: w.code,
        waiting: 0,
        status: 'no-wait',
        estimatedWait: { minutes: 0, low: 0, high: 0, band: 'none' },
        opensAt: null,
      });
  });

  it('(c) the only counter busy, nobody waiting: the rest of its service, never "more than an hour"', async () => {
    const ctx = await under.context({ now: MONDAY_EVENING });
    await openWalkInAllDay(ctx, 'hours');
    const { token, counterId } = await signIn(ctx, 'Balie 1');
    const ticket = await take(ctx, 'passport');
    const called = await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token });
    expect(called.status, JSON.stringify(called.body)).toBe(200);
    expect((await call(ctx, 'POST', `/tickets/${ticket.id}/start`, { token })).status).toBe(200);
    const expectBusyBand = async (atMost: number) => {
      for (const w of (await waits(ctx)).values()) {
        expect(w.waiting).toBe(0);
        expect(w.status).toBe('wait');
        expect(w.estimatedWait?.band).not.toBe('gt60');
        expect(w.estimatedWait?.minutes).toBeLessThanOrEqual(atMost);
      }
    };
    // Just started (a passport for one is about 10 minutes).
    await expectBusyBand(15);
    // Running long: half an hour, then two hours in: still the expected rest of it, not an hour.
    ctx.clock.advance(30 * 60_000);
    await expectBusyBand(15);
    ctx.clock.advance(90 * 60_000);
    await expectBusyBand(15);
    // Finished: the counter is free again.
    expect((await call(ctx, 'POST', `/tickets/${ticket.id}/finish`, { token })).status).toBe(200);
    for (const w of (await waits(ctx)).values()) expect(w.status).toBe('no-wait');
  });

  it("(d) walk-in open only by a roster row outside the office's walk-in hours: as (a) and (b)", async () => {
    const ctx = await under.context({ now: MONDAY_EVENING });
    const balie1 = (await counterIds(ctx)).get('Balie 1') as number;
    await openWalkInAllDay(ctx, 'roster', balie1);
    // Nobody at Balie 1 yet: no counter open (walk-in is open by the roster; nothing opens later today).
    for (const w of (await waits(ctx)).values())
      expect(w).toMatchObject({ waiting: 0, status: 'no-counter-open', estimatedWait: null, opensAt: null });
    await signIn(ctx, 'Balie 1');
    for (const w of (await waits(ctx)).values())
      expect(w).toMatchObject({ waiting: 0, status: 'no-wait', estimatedWait: { band: 'none' } });
    // The kiosk issues a ticket then, and the clerk's next press would call it at once: no wait for the next one
    // beyond that visit.
    await take(ctx, 'id-card');
    const one = await waits(ctx);
    expect(one.get('id-card')).toMatchObject({ waiting: 1, status: 'wait' });
    expect(one.get('passport')?.estimatedWait?.band).not.toBe('gt60');
  });

  it('call-and-start, a quiet evening: the clerk idle after the last visit (still "serving" until the next press) is free — "no wait", not a wait of inflated visits', async () => {
    const ctx = await under.context({ now: '2026-12-07T13:00:00Z' });
    await openWalkInAllDay(ctx, 'hours');
    await ctx.sql.exec('UPDATE locations SET call_and_start = ? WHERE id = ?', [
      ctx.engine === 'sqlite' ? 1 : true,
      ZIJL,
    ]);
    const { counterId } = await signIn(ctx, 'Balie 1');
    // A resident every 25 minutes, called at once; the visit ends (in the log) only at the next press.
    const codes = ['passport', 'pickup', 'id-card'];
    for (let i = 0; i < 12; i++) {
      await take(ctx, codes[i % 3] as string);
      const token = await signInAs(ctx, 'demo-agent'); // the clock moves past a session's idle timeout
      expect((await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token })).status).toBe(200);
      if (i < 11) ctx.clock.advance(25 * 60_000);
    }
    // 18:35: the last one (an ID card) was just called: a short wait for whoever comes now, not an hour.
    const busy = await waits(ctx);
    for (const w of busy.values()) {
      expect(w).toMatchObject({ waiting: 0, status: 'wait' });
      expect(w.estimatedWait?.band).not.toBe('gt60');
    }
    // 19:10: half an hour later nobody came, the clerk sits idle with the ID card still "serving".
    ctx.clock.set(new Date('2026-12-07T18:10:00Z'));
    for (const w of (await waits(ctx)).values())
      expect(w).toEqual({
        code: w.code,
        waiting: 0,
        status: 'no-wait',
        estimatedWait: { minutes: 0, low: 0, high: 0, band: 'none' },
        opensAt: null,
      });
  });

  it('a line of another service at the only open counter is real work ahead: a band for it, not "no wait"', async () => {
    const ctx = await under.context({ now: MONDAY_EVENING });
    await openWalkInAllDay(ctx, 'hours');
    await signIn(ctx, 'Balie 1');
    for (let i = 0; i < 3; i++) await take(ctx, 'pickup');
    const all = await waits(ctx);
    expect(all.get('pickup')?.waiting).toBe(3);
    // Passport: nobody waiting for it, but Balie 1 calls the three pickups (who came first) before a newcomer.
    const passport = all.get('passport');
    expect(passport).toMatchObject({ waiting: 0, status: 'wait' });
    expect(passport?.estimatedWait?.minutes).toBeGreaterThan(0);
    expect(passport?.estimatedWait?.band).not.toBe('gt60');
  });
});
