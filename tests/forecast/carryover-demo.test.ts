import { beforeAll, describe, expect, it } from 'vitest';
import { fillDemoHistory } from '../../server/forecast/demo-history.ts';
import { getLocationForecast, type LocationForecast } from '../../server/forecast/location-forecast.ts';
import { runWhatIf } from '../../server/forecast/what-if.ts';
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

  it('calls no hour staffed that the simulator, on the roster as it stands, finds missing the norm, and no hour short that it finds meeting it', async () => {
    // The Zijlsingel's mornings: a crowd at the door at nine and more walk-ins than its seven counters at
    // nine can call within the norm, so nine o'clock overruns and ten o'clock starts behind. Without the
    // carried queue the plan called ten o'clock staffed on all ten days and the simulator missed the norm
    // there on two of them (the Mondays: 0.74 and 0.753 within the norm). With it, the what-if's own
    // forecast of the day (fitted from that day, see above) had ten o'clock on the Wednesdays meet the norm
    // (0.842, 0.85) where the plan calls it short; on the plan's demand they miss it (0.749, 0.762). They are
    // at the norm's edge: over 2,000 simulated days 0.811 and 0.796 (the Mondays 0.797, 0.798).
    const open = forecast.days.filter((d) => !d.closed);
    expect(open).toHaveLength(10);
    const missed: string[] = [];
    const falseAlarms: string[] = [];
    let calledStaffed = 0;
    for (const day of open) {
      const sim = await runWhatIf(ctx, ZIJLSINGEL, { date: day.date, counters: [], replications: 100 });
      for (const h of forecast.hours.filter((x) => x.date === day.date && x.walkInArrivals >= 1)) {
        const simulated = sim.hours.find((x) => x.hour === h.hour);
        if (!simulated) continue;
        const at = `${day.date} ${h.hour}:00 (${simulated.shareWithinNorm})`;
        if (h.gap >= 0) {
          calledStaffed++;
          if (!simulated.meetsNorm) missed.push(at);
        } else if (simulated.meetsNorm) falseAlarms.push(at);
      }
    }
    // Ten o'clock is still called staffed on the days whose opening hour leaves little behind.
    expect(calledStaffed).toBeGreaterThanOrEqual(4);
    expect(missed).toEqual([]);
    expect(falseAlarms).toEqual([]);
  }, 240_000);
});
