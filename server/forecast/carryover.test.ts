import { describe, expect, it } from 'vitest';
import { carryHour, openingState } from './carryover.ts';
import { openingHourServiceLevelSampled } from './opening-crowd.ts';

const day = { crowd: 15, arrivalsPerHour: [32, 33, 12], meanServiceMinutes: 10.5, serviceCv: 0.6, withinMinutes: 10 };

describe('carryHour', () => {
  it('is the sampled opening-hour model in the opening hour', () => {
    for (const servers of [6, 8, 10]) {
      const carried = carryHour(day, openingState(), servers).level;
      const sampled = openingHourServiceLevelSampled({ ...day, arrivalsPerHour: 32, servers });
      expect(Math.abs(carried - sampled)).toBeLessThan(0.03);
    }
  });

  it('leaves a queue at the end of an hour staffed short, and the next hour starts behind it', () => {
    const short = carryHour(day, openingState(), 7);
    const asNeeded = carryHour(day, openingState(), 9);
    expect(short.state.queue).toBeGreaterThan(2);
    expect(asNeeded.state.queue).toBeLessThan(1);
    expect(carryHour(day, short.state, 7).level).toBeLessThan(carryHour(day, asNeeded.state, 7).level - 0.1);
  });

  it('rises with every counter added, and never changes the state it starts from', () => {
    const opening = carryHour(day, openingState(), 7).state;
    const copy = structuredClone(opening);
    const levels = [6, 7, 8, 9].map((servers) => carryHour(day, opening, servers).level);
    for (let i = 1; i < levels.length; i++) expect(levels[i]).toBeGreaterThan(levels[i - 1] ?? 1);
    expect(opening).toEqual(copy);
  });

  it('calls those still waiting at the hour end with the next hour’s counters', () => {
    const opening = carryHour(day, openingState(), 7).state;
    expect(carryHour(day, opening, 6, 9).level).toBeGreaterThan(carryHour(day, opening, 6).level);
  });
});
