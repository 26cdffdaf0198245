import { describe, expect, it } from 'vitest';
import { addWorkingDays, closedDates, publicHolidays } from './closures.ts';

const haarlem = { closedOnGoodFriday: true, closedOnLiberationDay: false };

describe('publicHolidays', () => {
  it('knows the 2026 Dutch public holidays', () => {
    const days = [...publicHolidays(2026, haarlem).keys()].filter((d) => ![0, 6].includes(new Date(d).getUTCDay()));
    expect(days).toEqual([
      '2026-01-01',
      '2026-04-03',
      '2026-04-06',
      '2026-04-27',
      '2026-05-14',
      '2026-05-25',
      '2026-12-25',
    ]);
  });

  it("moves King's Day to 26 April when the 27th is a Sunday (2025)", () => {
    const days = publicHolidays(2025, haarlem);
    expect(days.has('2025-04-26')).toBe(true);
    expect(days.has('2025-04-27')).toBe(false);
  });

  it('follows the location on Good Friday and Liberation Day', () => {
    expect(publicHolidays(2026, { closedOnGoodFriday: false, closedOnLiberationDay: false }).has('2026-04-03')).toBe(
      false,
    );
    expect(publicHolidays(2026, haarlem).has('2026-05-05')).toBe(false);
    expect(publicHolidays(2026, { closedOnGoodFriday: true, closedOnLiberationDay: true }).has('2026-05-05')).toBe(
      true,
    );
  });
});

describe('closedDates', () => {
  it('adds configured closures for the location or the whole municipality', () => {
    const closed = closedDates(
      'a',
      haarlem,
      [
        { date: '2026-05-15', locationId: null },
        { date: '2026-05-18', locationId: 'b' },
        { date: '2026-05-19', locationId: 'a' },
      ],
      '2026-05-01',
      '2026-05-31',
    );
    expect([...closed].sort()).toEqual(['2026-05-14', '2026-05-15', '2026-05-19', '2026-05-24', '2026-05-25']);
  });
});

describe('addWorkingDays', () => {
  it('skips weekends and closed days', () => {
    const closed = closedDates('a', haarlem, [{ date: '2026-05-15', locationId: null }], '2026-05-01', '2026-06-30');
    // Tue 12 May + 5 working days: Wed 13, (Thu 14 Ascension), (Fri 15 bridge), Mon 18, Tue 19, Wed 20, Thu 21.
    expect(addWorkingDays('2026-05-12', 5, (d) => closed.has(d))).toBe('2026-05-21');
  });
});
