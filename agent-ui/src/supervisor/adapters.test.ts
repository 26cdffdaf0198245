import { describe, expect, it } from 'vitest';
import { toForecastHours } from './forecast-adapter.ts';
import { dailyTotals } from './planner-model.ts';
import { type StatisticsResponse, serviceRows } from './statistics-adapter.ts';

describe('forecast adapter', () => {
  it('maps forecast hours and puts the day’s actual walk-ins once, so daily totals compare', () => {
    const hour = (date: string, h: number, arrivals: number) => ({
      date,
      hour: h,
      demand: { passport: arrivals },
      walkInArrivals: arrivals,
      requiredCounters: 2,
      rosteredCounters: 1,
    });
    const hours = toForecastHours(
      { hours: [hour('2026-11-20', 10, 3), hour('2026-11-20', 9, 5), hour('2026-11-24', 9, 4)], days: [] },
      [{ date: '2026-11-20', visitors: 9 }],
    );
    expect(hours.map((h) => [h.date, h.hour, h.actual])).toEqual([
      ['2026-11-20', 9, 9],
      ['2026-11-20', 10, null],
      ['2026-11-24', 9, null],
    ]);
    expect(dailyTotals(hours)).toEqual([
      { date: '2026-11-20', forecast: 8, actual: 9 },
      { date: '2026-11-24', forecast: 4, actual: null },
    ]);
  });
});

describe('statistics adapter', () => {
  it('lists services with walk-ins and services with only a first-free-slot figure', () => {
    const summary = {
      visitors: 10,
      called: 10,
      within5: 5,
      within10: 8,
      share5: 0.5,
      share10: 0.8,
      shareWithinNorm: 0.8,
      medianWaitMinutes: 5,
      p90WaitMinutes: 12,
    };
    const stats = {
      perService: [{ ...summary, code: 'pickup' }],
      daysToFirstFreeSlot: { passport: 3, pickup: null },
    } as unknown as StatisticsResponse;
    expect(serviceRows(stats)).toEqual([
      { code: 'pickup', visitors: 10, share5: 0.5, share10: 0.8, medianWaitMinutes: 5, daysToFirstFree: null },
      { code: 'passport', visitors: 0, share5: null, share10: null, medianWaitMinutes: null, daysToFirstFree: 3 },
    ]);
  });
});
