import { expect, it } from 'vitest';
import { learnServiceTimes } from '../../server/queue/service-times.ts';
import { counterIds } from '../helpers/appointments.ts';
import { DEMO_DEVICE_TOKEN, signInAs } from '../helpers/auth.ts';
import { describeEachEngine } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';

/**
 * Issue #10 point 5: in a call-and-start office a visit ends (in the log) only at the clerk's next press. On a quiet
 * evening that press comes when the next resident arrives, so the "visit" holds the clerk's idle time too. Such a
 * visit is a true duration only if the next ticket was already waiting when it would have ended at its expected
 * length; the others must not teach the predictor that a passport takes 25 minutes.
 */

const ZIJL = 'haarlem-zijlsingel';

describeEachEngine('learned service times in a call-and-start office', (under) => {
  it('learns the visits of busy spells (a line waiting), not the idle gaps of quiet ones', async () => {
    const ctx = await under.context({ now: '2026-12-07T13:00:00Z' });
    await ctx.sql.exec(
      `UPDATE schedule_rules SET rrule = 'FREQ=DAILY', opens_at = '00:00', closes_at = '23:59'
       WHERE location_id = ? AND kind IN ('opening', 'walk-in')`,
      [ZIJL],
    );
    await ctx.sql.exec('UPDATE locations SET call_and_start = ? WHERE id = ?', [
      ctx.engine === 'sqlite' ? 1 : true,
      ZIJL,
    ]);
    const counterId = (await counterIds(ctx)).get('Balie 1') as number;
    const signedIn = await call(ctx, 'POST', `/counters/${counterId}/sign-in`, {
      token: await signInAs(ctx, 'demo-agent'),
    });
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
    const take = async () => {
      const res = await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, {
        token: DEMO_DEVICE_TOKEN,
        body: { services: [{ code: 'passport', persons: 1 }] },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    };
    const press = async () => {
      const token = await signInAs(ctx, 'demo-agent'); // the clock moves past a session's idle timeout
      const res = await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    };
    const start = ctx.clock.now();
    // Quiet: a resident every 25 minutes, called at once; each logged visit runs to the next resident's call.
    for (let i = 0; i < 8; i++) {
      await take();
      await press();
      ctx.clock.advance(25 * 60_000);
    }
    // Busy: six at once; the clerk calls the next every 12 minutes (true visits: a line was waiting).
    for (let i = 0; i < 6; i++) await take();
    await press(); // ends the last quiet visit (25 min, its successor came only now)
    for (let i = 0; i < 6; i++) {
      ctx.clock.advance(12 * 60_000);
      await press(); // the last one ends a visit with nobody left to call: not a true duration either
    }

    const history = await ctx.storage.read.queue.learningHistory(ZIJL, new Date(start.getTime() - 60_000));
    expect(history.serviceSamples).toHaveLength(14);
    const learned = learnServiceTimes(history.serviceSamples, { passport: 10 });
    // The five busy visits of 12 minutes, shrunk toward the configured 10; before: 8 × 25 + 6 × 12 → about 18.
    expect(learned.samples.passport).toBe(5);
    expect(learned.meanMinutesPerPerson.passport).toBeGreaterThanOrEqual(10);
    expect(learned.meanMinutesPerPerson.passport).toBeLessThanOrEqual(12);
    expect(learned.counterSpeed[counterId]).toBeGreaterThan(0.9);
    expect(learned.counterSpeed[counterId]).toBeLessThan(1.2);
  });
});
