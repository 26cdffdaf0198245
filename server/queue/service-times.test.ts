import { describe, expect, it } from 'vitest';
import { createRandom, type Random } from '../random.ts';
import { expectedLengthBeyond, learnServiceTimes, type ServiceSample } from './service-times.ts';

const one = (code: string, minutes: number, counterId: number | null = null, persons = 1): ServiceSample => ({
  services: [{ code, persons }],
  counterId,
  minutes,
});

describe('learnServiceTimes', () => {
  it('keeps the configured mean without observations', () => {
    const learned = learnServiceTimes([], { passport: 10 });
    expect(learned.meanMinutesPerPerson.passport).toBe(10);
  });

  it('moves toward the observed mean as observations accumulate', () => {
    const few = learnServiceTimes([one('passport', 14)], { passport: 10 });
    const many = learnServiceTimes(
      Array.from({ length: 200 }, () => one('passport', 14)),
      { passport: 10 },
    );
    // One visit of 14 minutes is within the spread of a 10-minute service: no reason yet to doubt the configuration.
    expect(few.meanMinutesPerPerson.passport).toBeGreaterThanOrEqual(10);
    expect(few.meanMinutesPerPerson.passport).toBeLessThan(11);
    expect(many.meanMinutesPerPerson.passport).toBeCloseTo(14, 0);
  });

  it('learns per person and caps outliers', () => {
    const samples = [...Array.from({ length: 100 }, () => one('passport', 24, null, 2)), one('passport', 600)];
    const learned = learnServiceTimes(samples, { passport: 10 });
    expect(learned.meanMinutesPerPerson.passport).toBeGreaterThan(11);
    expect(learned.meanMinutesPerPerson.passport).toBeLessThan(12.6);
  });

  it('learns the spread of service times', () => {
    const samples = Array.from({ length: 400 }, (_, i) => one('passport', i % 2 === 0 ? 5 : 15));
    const learned = learnServiceTimes(samples, { passport: 10 });
    expect(learned.serviceCv.passport).toBeGreaterThan(0.4);
    expect(learned.serviceCv.passport).toBeLessThan(0.6);
    const steady = learnServiceTimes(
      Array.from({ length: 400 }, () => one('passport', 10)),
      { passport: 10 },
    );
    expect(steady.serviceCv.passport).toBeLessThan(0.05);
  });

  it('learns a slower clerk as a speed factor above 1', () => {
    const samples = [
      ...Array.from({ length: 100 }, () => one('passport', 8, 1)),
      ...Array.from({ length: 100 }, () => one('passport', 12, 2)),
    ];
    const learned = learnServiceTimes(samples, { passport: 10 });
    expect(learned.counterSpeed[1]).toBeLessThan(0.85);
    expect(learned.counterSpeed[2]).toBeGreaterThan(1.15);
  });

  it('keeps configured minutes that the observations do not contradict', () => {
    // Exponential-like visits (cv about 1) averaging 10.8 minutes: 20 of them say nothing against 10.
    const minutes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 21, 21];
    const learned = learnServiceTimes(
      minutes.map((m) => one('passport', m)),
      { passport: 10 },
    );
    expect(learned.meanMinutesPerPerson.passport).toBe(10);
  });

  it('follows the observations where the configuration is off for the office', () => {
    const configured = { a: 10, b: 10, c: 5, d: 5 };
    const samples = Object.entries(configured).flatMap(([code, c]) =>
      Array.from({ length: 60 }, (_, i) => one(code, c * 1.3 * (i % 2 === 0 ? 0.6 : 1.4))),
    );
    const learned = learnServiceTimes(samples, configured);
    for (const [code, c] of Object.entries(configured)) {
      expect(learned.meanMinutesPerPerson[code]).toBeGreaterThan(c * 1.25);
      expect(learned.meanMinutesPerPerson[code]).toBeLessThan(c * 1.3);
    }
  });
});

/**
 * A first morning observed mid-day: `counters` clerks start at opening with a line that never runs out, each
 * visit drawn afresh; at `at` minutes the finished visits are records and the ones at a counter are still running.
 */
function morning(
  draw: () => number,
  counters: number,
  at: number,
): { finished: ServiceSample[]; running: ServiceSample[] } {
  const finished: ServiceSample[] = [];
  const running: ServiceSample[] = [];
  for (let c = 1; c <= counters; c++) {
    let t = 0;
    for (;;) {
      const s = draw();
      if (t + s > at) {
        running.push({ ...one('passport', at - t, c), ongoing: true });
        break;
      }
      finished.push(one('passport', s, c));
      t += s;
    }
  }
  return { finished, running };
}

describe('learnServiceTimes with visits still running (right-censored)', () => {
  // Configured minutes well off the truth, so the estimate is the data's and not the configuration's.
  const configured = { passport: 7 };
  const averageOver = (runs: number, estimate: (rng: Random) => number) => {
    const rng = createRandom(20261207);
    let sum = 0;
    for (let r = 0; r < runs; r++) sum += estimate(rng);
    return sum / runs;
  };

  for (const [shape, draw] of [
    ['exponential', (rng: Random) => rng.exponential(1 / 10)],
    ['lognormal cv 0.5', (rng: Random) => rng.lognormal(10, 0.5)],
  ] as const) {
    it(`is unbiased for ${shape} service times an hour into the first day, where finished visits alone are short`, () => {
      const withRunning = averageOver(60, (rng) => {
        const { finished, running } = morning(() => draw(rng), 40, 60);
        return (
          learnServiceTimes([...finished, ...running], configured, { censoring: true }).meanMinutesPerPerson.passport ??
          0
        );
      });
      const finishedOnly = averageOver(60, (rng) => {
        const { finished } = morning(() => draw(rng), 40, 60);
        return learnServiceTimes(finished, configured).meanMinutesPerPerson.passport ?? 0;
      });
      // The truth is 10: within 3 % with the running visits; the finished ones alone are the short ones.
      expect(withRunning).toBeGreaterThan(9.7);
      expect(withRunning).toBeLessThan(10.3);
      expect(finishedOnly).toBeLessThan(9.6);
    });
  }

  it('counts a record past the cap as at least the cap, not as the cap', () => {
    // 20,000 exponential visits of mean 10: a cap at 4 × the configured 10 read as a measurement takes
    // E[(S − 40)⁺] = 10·e⁻⁴ ≈ 0.18 off their mean; censored there, the mean stays within sampling noise of theirs.
    const rng = createRandom(7);
    const minutes = Array.from({ length: 20_000 }, () => rng.exponential(1 / 10));
    const observed = minutes.reduce((a, b) => a + b, 0) / minutes.length;
    const samples = minutes.map((m) => one('passport', m));
    const learned = learnServiceTimes(samples, { passport: 10 }, { censoring: true });
    // Without the option (the live learning) the cap stays a measurement.
    const capped = learnServiceTimes(samples, { passport: 10 }).meanMinutesPerPerson.passport ?? 0;
    expect(observed - capped).toBeGreaterThan(0.15);
    expect(Math.abs((learned.meanMinutesPerPerson.passport ?? 0) - observed)).toBeLessThan(0.1);
    // And the spread of a memoryless service is learned as such (the capped records made it about 0.93).
    expect(learned.serviceCv.passport).toBeGreaterThan(0.97);
  });

  it('does not count visits still running as finished samples', () => {
    const samples = [one('passport', 10), { ...one('passport', 3), ongoing: true }];
    expect(learnServiceTimes(samples, configured, { censoring: true }).samples.passport).toBe(1);
    // Without the option running visits are left out altogether.
    expect(learnServiceTimes(samples, configured)).toEqual(learnServiceTimes([one('passport', 10)], configured));
  });

  it('gives a visit running past its mean more than its mean (lognormal) or its elapsed time plus the mean (memoryless)', () => {
    expect(expectedLengthBeyond(0, 10, 0.5)).toBeCloseTo(10, 6);
    expect(expectedLengthBeyond(15, 10, 0.5)).toBeGreaterThan(15);
    expect(expectedLengthBeyond(15, 10, 1)).toBeCloseTo(25, 9);
  });
});
