import { beforeAll, describe, expect, it } from 'vitest';
import { fillDemoHistory } from '../../server/forecast/demo-history.ts';
import { getLocationForecast, type LocationForecast } from '../../server/forecast/location-forecast.ts';
import { forecastDayDemand, rosteredCounters, simulateDay } from '../../server/forecast/what-if.ts';
import { getOffice } from '../../server/scheduling/office-cache.ts';
import { createTestContext } from '../helpers/context.ts';

const ZIJLSINGEL = 'haarlem-zijlsingel';

describe('the planner after an overrun opening hour, on the demo', () => {
  const ctx = createTestContext({ now: '2026-11-23T08:00:00Z' });
  let forecast: LocationForecast;
  beforeAll(async () => {
    await fillDemoHistory(ctx, { days: 120, predictedDays: 14 });
    forecast = await getLocationForecast(ctx, ZIJLSINGEL, '2026-11-23', '2026-12-04');
  }, 120_000);

  it('plans a day the same whatever range it is asked in (the what-if of one day checks the fortnight’s plan)', async () => {
    // The walk-in forecast was fitted from the range's first day: for a range starting in the future its
    // profile weeks and crowd window held the days between today and that start, which have no tickets yet.
    // The what-if of Wednesday 2 December (forecast alone) then simulated 48.8 walk-ins at nine and 34.2 at ten
    // where the fortnight's plan had 49.8 and 34.5.
    for (const date of ['2026-11-25', '2026-12-02']) {
      const alone = await getLocationForecast(ctx, ZIJLSINGEL, date, date);
      expect(alone.openingCrowdShare).toBe(forecast.openingCrowdShare);
      expect(alone.hours).toEqual(forecast.hours.filter((h) => h.date === date));
    }
  }, 120_000);

  it('calls no hour staffed that the simulator, on the roster as it stands, finds missing the norm, and no hour short that it finds meeting it (three seeds)', async () => {
    // The Zijlsingel's mornings: a crowd at the door at nine and more walk-ins than its seven counters at
    // nine can call within the norm, so nine o'clock overruns and ten o'clock starts behind. Passports and ID
    // cards only Balie 1–5 serve, and Balie 1–3 also take the driving licences and pickups that Balie 6 and 7
    // leave: over 2,000 simulated days per day their walk-ins at ten are called within the norm 0.64–0.78
    // (driving licences and pickups 0.90–0.95). The hour as a whole (0.75–0.86) hid it: the plan called ten
    // o'clock short on 25 November at a pooled 0.811 (a "false alarm" that was passports and ID cards at
    // 0.727), and staffed on the Thursdays, Fridays and Mondays, where passports and ID cards were at 0.72–0.78.
    // The simulator now judges each set of services only some counters serve, as the plan sizes them, and
    // the plan counts the walk-ins the other services' own counters leave to the shared ones.
    const office = await getOffice(ctx.storage.read, ZIJLSINGEL);
    if (!office) throw new Error('no office');
    const open = forecast.days.filter((d) => !d.closed);
    expect(open).toHaveLength(10);
    const missed: string[] = [];
    const falseAlarms: string[] = [];
    const norm = office.location.serviceNormShare;
    const mean = (xs: (number | null | undefined)[]) =>
      xs.reduce<number>((a, x) => a + (x ?? 1), 0) / Math.max(1, xs.length);
    let judgedBySet = 0;
    for (const day of open) {
      const demand = await forecastDayDemand(ctx, ZIJLSINGEL, day.date);
      if (!demand) throw new Error(`no demand on ${day.date}`);
      // Three seeds of 200 days each, judged together: ten o'clock on the Thursdays is at 0.77–0.78 for
      // passports and ID cards, where 200 days alone can land on either side of the norm.
      const sims = [1, 2, 3].map((seed) =>
        simulateDay(office, day.date, demand, rosteredCounters(office, day.date), 200, seed),
      );
      for (const h of forecast.hours.filter((x) => x.date === day.date && x.walkInArrivals >= 1)) {
        const hours = sims.map((sim) => sim.hours.find((x) => x.hour === h.hour));
        const first = hours[0];
        if (!first) continue;
        const share = mean(hours.map((x) => x?.shareWithinNorm));
        const sets = first.serviceSets.map((set, k) => ({
          services: set.services.join('+'),
          share: mean(hours.map((x) => x?.serviceSets[k]?.shareWithinNorm)),
        }));
        if (sets.length > 0) judgedBySet++;
        const meets = share >= norm && sets.every((x) => x.share >= norm);
        const at = `${day.date} ${h.hour}:00 (${share.toFixed(3)}; ${sets.map((x) => `${x.services} ${x.share.toFixed(3)}`).join(', ')})`;
        if (h.gap >= 0) {
          if (!meets) missed.push(at);
        } else if (meets) falseAlarms.push(at);
      }
    }
    // Both walk-in hours of every day are judged per set of services as well.
    expect(judgedBySet).toBe(open.length * 2);
    expect(missed).toEqual([]);
    expect(falseAlarms).toEqual([]);
  }, 400_000);
});
