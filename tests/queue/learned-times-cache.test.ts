import { expect, it } from 'vitest';
import { learnedServiceTimes } from '../../server/queue/learned-times.ts';
import { counterIds } from '../helpers/appointments.ts';
import { DEMO_DEVICE_TOKEN, signInAs } from '../helpers/auth.ts';
import { describeEachEngine, type EngineContext } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';

/**
 * learned-times.ts keeps what it learned for a few minutes. Two databases in one process — SQLite and PostgreSQL
 * side by side, or two municipalities' stores — may hold the same location id with other visits: each must learn
 * from its own, while the read side and the write transactions of one database share what was learned.
 */

const ZIJL = 'haarlem-zijlsingel';
const NOW = '2026-11-23T08:00:00Z'; // a Monday, nine o'clock in Haarlem
const configured = { passport: 10 };

/** Four passport visits of 25 minutes at Balie 1, one after the other. */
async function slowVisits(ctx: EngineContext): Promise<void> {
  const counterId = (await counterIds(ctx)).get('Balie 1') as number;
  const press = async (path: string) => {
    const token = await signInAs(ctx, 'demo-agent'); // the clock moves past a session's idle timeout
    const res = await call(ctx, 'POST', path, { token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  await press(`/counters/${counterId}/sign-in`);
  for (let i = 0; i < 4; i++) {
    const res = await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, {
      token: DEMO_DEVICE_TOKEN,
      body: { services: [{ code: 'passport', persons: 1 }] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  for (let i = 0; i < 4; i++) {
    const called = await press(`/counters/${counterId}/call-next`);
    await press(`/tickets/${called.ticket.id}/start`);
    ctx.clock.advance(25 * 60_000);
  }
  await press(`/counters/${counterId}/call-next`); // finishes the last visit
}

describeEachEngine('learned service times, cached per database', (under) => {
  it('a second database with the same location learns from its own visits, not from the first one’s', async () => {
    const busy = await under.context({ now: NOW });
    const fresh = await under.context({ now: NOW });
    await slowVisits(busy);
    fresh.clock.set(busy.clock.now());
    const now = busy.clock.now();
    const learnedThere = await learnedServiceTimes(busy.storage.read, ZIJL, now, configured);
    expect(learnedThere.samples.passport).toBe(4);
    expect(learnedThere.meanMinutesPerPerson.passport).toBeGreaterThan(12);
    // Within the cache's minutes, the same location id on the other database: none of its visits were slow.
    const learnedHere = await learnedServiceTimes(fresh.storage.read, ZIJL, now, configured);
    expect(learnedHere.samples.passport ?? 0).toBe(0);
    expect(learnedHere.meanMinutesPerPerson.passport).toBe(10);
  });

  it('one database’s read side and its write transactions share what was learned', async () => {
    const ctx = await under.context({ now: NOW });
    await slowVisits(ctx);
    const now = ctx.clock.now();
    const read = await learnedServiceTimes(ctx.storage.read, ZIJL, now, configured);
    const inTransaction = await ctx.storage.write((tx) => learnedServiceTimes(tx, ZIJL, now, configured));
    expect(inTransaction).toBe(read);
  });
});
