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

  it('call-and-start: keeps a visit only if the next resident was waiting by its expected end (idle time is no visit)', () => {
    const visit = (minutes: number, nextWaitingMinutes: number | null): ServiceSample => ({
      ...one('passport', minutes, 1),
      nextWaitingMinutes,
    });
    const samples = [
      // Busy: the next one was in line from the start, or came before the 10 configured minutes were up.
      ...Array.from({ length: 30 }, (_, i) => visit(i % 2 === 0 ? 9 : 11, i % 3 === 0 ? 4 : 0)),
      // Quiet: the clerk called the next resident the moment they came, 25 minutes on, or pressed with nobody there.
      ...Array.from({ length: 30 }, () => visit(25, 25)),
      ...Array.from({ length: 5 }, () => visit(40, null)),
    ];
    const learned = learnServiceTimes(samples, { passport: 10 });
    expect(learned.samples.passport).toBe(30);
    expect(learned.meanMinutesPerPerson.passport).toBeCloseTo(10, 5);
    expect(learned.counterSpeed[1]).toBeCloseTo(1, 5);
    // A visit with a finish of its own is taken as it is, however quiet the office.
    expect(learnServiceTimes([one('passport', 25)], { passport: 10 }).samples.passport).toBe(1);
  });
});
