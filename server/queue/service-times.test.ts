import { describe, expect, it } from 'vitest';
import { learnServiceTimes, type ServiceSample } from './service-times.ts';

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
    expect(few.meanMinutesPerPerson.passport).toBeGreaterThan(10);
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
});
