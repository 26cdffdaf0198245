import { describe, expect, it } from 'vitest';
import { dailyTotals, type ForecastHour, heatRows, peakWeeks, plannerCsv, weekStartOf } from './planner-model.ts';

const hour = (
  date: string,
  h: number,
  required: number,
  rostered: number,
  expected = 4,
  actual: number | null = null,
): ForecastHour => ({
  start: `${date}T${String(h - 1).padStart(2, '0')}:00:00.000Z`,
  date,
  hour: h,
  expected,
  actual,
  required,
  rostered,
});

describe('planner model', () => {
  it('finds the Monday of a week, across a month boundary', () => {
    expect(weekStartOf('2026-12-03')).toBe('2026-11-30');
    expect(weekStartOf('2026-11-30')).toBe('2026-11-30');
    expect(weekStartOf('2026-12-06')).toBe('2026-11-30');
  });

  it('sums services per hour, and ranks the weeks short of counters', () => {
    const hours = [
      hour('2026-11-30', 9, 3, 4),
      hour('2026-11-30', 9, 2, 0), // a second service in the same hour
      hour('2026-11-30', 10, 2, 4),
      hour('2026-12-08', 9, 6, 4),
      hour('2026-12-08', 20, 0, 0), // closed: left out
    ];
    const { rows, hourRange } = heatRows(hours);
    expect(rows.map((r) => r.date)).toEqual(['2026-11-30', '2026-12-08']);
    expect(rows[0]?.cells.get(9)).toEqual({ hour: 9, required: 5, rostered: 4, gap: 1 });
    expect(hourRange).toEqual([9, 10]);
    expect(peakWeeks(rows)).toEqual([
      { weekStart: '2026-12-07', shortHours: 1, maxGap: 2, totalGap: 2 },
      { weekStart: '2026-11-30', shortHours: 1, maxGap: 1, totalGap: 1 },
    ]);
  });

  it('totals forecast and actual per day and writes a CSV line per hour', () => {
    const hours = [
      hour('2026-11-23', 9, 2, 2, 3.25, 4),
      hour('2026-11-23', 10, 2, 2, 1.5, 2),
      hour('2026-11-24', 9, 1, 1, 2),
    ];
    expect(dailyTotals(hours)).toEqual([
      { date: '2026-11-23', forecast: 4.8, actual: 6 },
      { date: '2026-11-24', forecast: 2, actual: null },
    ]);
    const csv = plannerCsv(hours).trim().split('\n');
    expect(csv).toHaveLength(4);
    expect(csv[1]).toBe('2026-11-23,9,3.25,4,2,2,0');
  });
});
