import { describe, expect, it } from 'vitest';
import { clusterStandardError, pairedDifference } from '../../bench/forecast-track1.ts';

describe("track 1's paired difference (bench/forecast-track1.ts)", () => {
  it('is the textbook standard error of the mean of per-seed differences when seeds are equal in size', () => {
    // Per-seed MAE differences −0.1, −0.3, −0.2 over ten walk-ins each: mean −0.2, sd 0.1, SE 0.1/√3.
    const cells = [[{ sum: -1, n: 10 }], [{ sum: -3, n: 10 }], [{ sum: -2, n: 10 }]];
    const r = pairedDifference(cells);
    expect(r.diff).toBeCloseTo(-0.2, 12);
    expect(r.seBySeed).toBeCloseTo(0.1 / Math.sqrt(3), 12);
    expect(r.seeds).toBe(3);
  });

  it('weighs seeds by their walk-ins, so the difference is that of the pooled MAEs', () => {
    // D = −3/40; residuals −0.25, −2.25, 2.5; SE = √(3/2 · 11.375) / 40.
    expect(
      clusterStandardError([
        { sum: -1, n: 10 },
        { sum: -3, n: 10 },
        { sum: 1, n: 20 },
      ]),
    ).toBeCloseTo(Math.sqrt(1.5 * 11.375) / 40, 12);
    const r = pairedDifference([
      [{ sum: -1, n: 10 }],
      [
        { sum: -3, n: 4 },
        { sum: 0, n: 6 },
      ],
      [{ sum: 1, n: 20 }],
    ]);
    expect(r.diff).toBeCloseTo(-3 / 40, 12);
    expect(r.seBySeed).toBeCloseTo(Math.sqrt(1.5 * 11.375) / 40, 12);
  });

  it('calls a difference only beyond two standard errors over seeds', () => {
    const steady = pairedDifference([[{ sum: -2.1, n: 10 }], [{ sum: -1.9, n: 10 }], [{ sum: -2, n: 10 }]]);
    expect(steady.verdict).toBe('ahead');
    const behind = pairedDifference([[{ sum: 2.1, n: 10 }], [{ sum: 1.9, n: 10 }], [{ sum: 2, n: 10 }]]);
    expect(behind.verdict).toBe('behind');
    // The same mean difference with seeds that disagree in sign.
    const noisy = pairedDifference([[{ sum: -8, n: 10 }], [{ sum: 4, n: 10 }], [{ sum: -2, n: 10 }]]);
    expect(noisy.diff).toBeCloseTo(-0.2, 12);
    expect(noisy.verdict).toBe('within noise');
  });

  it('has no standard error over one seed, and then does not call it', () => {
    const r = pairedDifference([
      [
        { sum: -5, n: 10 },
        { sum: -5, n: 10 },
      ],
    ]);
    expect(r.seBySeed).toBeNull();
    expect(r.seBySeedDay).not.toBeNull();
    expect(r.verdict).toBe('within noise');
  });
});
