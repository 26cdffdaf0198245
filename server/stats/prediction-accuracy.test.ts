import { describe, expect, it } from 'vitest';
import { accuracyByWeek, insideShownBand } from './prediction-accuracy.ts';

describe('insideShownBand', () => {
  it('reads a band as residents do: bounds included', () => {
    expect(insideShownBand(7, 5)).toBe(true); // shown "5–10", waited 5
    expect(insideShownBand(7, 10)).toBe(true);
    expect(insideShownBand(7, 11)).toBe(false);
    expect(insideShownBand(3, 0)).toBe(true); // "less than 5"
    expect(insideShownBand(75, 200)).toBe(true); // "more than an hour"
    expect(insideShownBand(0.5, 4)).toBe(false); // "no waiting", waited 4 minutes
  });
});

describe('accuracyByWeek', () => {
  it('gives MAE and the share inside the band per office and week', () => {
    const weeks = accuracyByWeek([
      { locationId: 'a', weekStart: '2026-11-30', predictedMinutes: 7, realisedMinutes: 9 },
      { locationId: 'a', weekStart: '2026-11-30', predictedMinutes: 12, realisedMinutes: 25 },
      { locationId: 'a', weekStart: '2026-12-07', predictedMinutes: 3, realisedMinutes: 2 },
      { locationId: 'b', weekStart: '2026-11-30', predictedMinutes: 40, realisedMinutes: 35 },
    ]);
    expect(weeks).toEqual([
      { locationId: 'a', weekStart: '2026-11-30', walkIns: 2, maeMinutes: 7.5, shareInsideBand: 0.5 },
      { locationId: 'a', weekStart: '2026-12-07', walkIns: 1, maeMinutes: 1, shareInsideBand: 1 },
      { locationId: 'b', weekStart: '2026-11-30', walkIns: 1, maeMinutes: 5, shareInsideBand: 1 },
    ]);
  });
});
