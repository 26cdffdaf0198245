import { describe, expect, it } from 'vitest';
import { fillDemoHistory } from '../../server/forecast/demo-history.ts';
import { getLocationForecast } from '../../server/forecast/location-forecast.ts';
import { runWhatIf } from '../../server/forecast/what-if.ts';
import { createTestContext } from '../helpers/context.ts';

const ZIJLSINGEL = 'haarlem-zijlsingel';

describe('the planner after an overrun opening hour, on the demo', () => {
  it('calls no hour staffed that the simulator, on the roster as it stands, finds missing the norm', async () => {
    // The Zijlsingel's mornings: a crowd at the door at nine and more walk-ins than its seven counters at
    // nine can call within the norm, so nine o'clock overruns and ten o'clock starts behind. Without the
    // carried queue the plan called ten o'clock staffed on all ten days and the simulator missed the norm
    // there on two of them (the Mondays: 0.74 and 0.753 within the norm).
    const ctx = createTestContext({ now: '2026-11-23T08:00:00Z' });
    await fillDemoHistory(ctx, { days: 120, predictedDays: 14 });
    const forecast = await getLocationForecast(ctx, ZIJLSINGEL, '2026-11-23', '2026-12-04');
    const open = forecast.days.filter((d) => !d.closed);
    expect(open).toHaveLength(10);
    const missed: string[] = [];
    let calledStaffed = 0;
    for (const day of open) {
      const sim = await runWhatIf(ctx, ZIJLSINGEL, { date: day.date, counters: [], replications: 100 });
      for (const h of forecast.hours.filter((x) => x.date === day.date && x.walkInArrivals >= 1 && x.gap >= 0)) {
        calledStaffed++;
        const simulated = sim.hours.find((x) => x.hour === h.hour);
        if (simulated && !simulated.meetsNorm) missed.push(`${day.date} ${h.hour}:00 (${simulated.shareWithinNorm})`);
      }
    }
    // Ten o'clock is still called staffed on the days whose opening hour leaves little behind.
    expect(calledStaffed).toBeGreaterThanOrEqual(4);
    expect(missed).toEqual([]);
  }, 240_000);
});
