import { describe, expect, it } from 'vitest';
import type { ForecastDay, ForecastHour } from './location-forecast.ts';
import { weeklyTotals } from './weekly-outlook.ts';

const day = (date: string, over: Partial<ForecastDay> = {}): ForecastDay => ({
  date,
  closed: false,
  walkInArrivals: 50,
  requiredCounterHours: 30,
  rosteredCounterHours: 32,
  shortHours: 0,
  releasableSlots: 10,
  appointmentsBooked: 5,
  appointmentsExpected: 40,
  appointmentVisitsExpected: 36,
  appointmentsByService: { passport: 40 },
  appointmentSlots: 60,
  slotsForNorm: 42,
  slotsShort: 0,
  warning: false,
  ...over,
});
const hour = (date: string, h: number, gap: number): ForecastHour => ({
  date,
  hour: h,
  demand: {},
  walkInArrivals: 0,
  bookedMinutes: 0,
  appointmentMinutes: 0,
  requiredCounters: 0,
  rosteredCounters: 0,
  gap,
});

describe('weeklyTotals', () => {
  it('sums days into ISO weeks and counts only the missing counter-hours as the gap', () => {
    const weeks = weeklyTotals(
      [day('2027-03-01'), day('2027-03-02', { closed: true, walkInArrivals: 0 }), day('2027-03-08', { slotsShort: 4 })],
      [hour('2027-03-01', 9, -2), hour('2027-03-01', 10, 1.5), hour('2027-03-09', 9, -0.5)],
    );
    expect(weeks.map((w) => w.weekStart)).toEqual(['2027-03-01', '2027-03-08']);
    expect(weeks[0]).toMatchObject({ openDays: 1, walkIns: 50, appointmentsExpected: 80, gapCounterHours: 2 });
    expect(weeks[1]).toMatchObject({ openDays: 1, gapCounterHours: 0.5, slotsShort: 4 });
  });
});
