import { describe, expect, it } from 'vitest';
import { dayPartOf, feeTotal, formatEuro, monthGrid, shiftMonth } from './calendar-grid.ts';

describe('calendar grid', () => {
  it('lays a month out in weeks from Monday', () => {
    const weeks = monthGrid('2026-11').map((w) => w.map((c) => c.date));
    // 1 November 2026 is a Sunday: six empty cells first.
    expect(weeks[0]).toEqual([null, null, null, null, null, null, '2026-11-01']);
    expect(weeks.at(-1)?.[0]).toBe('2026-11-30');
    expect(weeks.every((w) => w.length === 7)).toBe(true);
    const feb = monthGrid('2027-02').flat();
    expect(feb.filter((c) => c.date)).toHaveLength(28);
    expect(new Set(feb.map((c) => c.key)).size).toBe(feb.length);
  });

  it('moves across years', () => {
    expect(shiftMonth('2026-12', 1)).toBe('2027-01');
    expect(shiftMonth('2027-01', -1)).toBe('2026-12');
  });

  it('names parts of the day', () => {
    expect([9, 11, 12, 16, 17, 19].map(dayPartOf)).toEqual([
      'morning',
      'morning',
      'afternoon',
      'afternoon',
      'evening',
      'evening',
    ]);
  });

  it('adds fees per person, and says when minors pay less', () => {
    expect(feeTotal([{ code: 'passport', persons: 2, adult: 8387, minor: 6342 }])).toEqual({
      total: 16774,
      hasMinorFees: true,
    });
    expect(
      feeTotal([
        { code: 'driving-licence', persons: 1, adult: 5110, minor: null },
        { code: 'pickup', persons: 1, adult: null, minor: null },
      ]),
    ).toEqual({ total: 5110, hasMinorFees: false });
    expect(feeTotal([{ code: 'pickup', persons: 1, adult: null, minor: null }])).toBeNull();
    expect(formatEuro(16774, 'nl')).toMatch(/€\s?167,74/);
    expect(formatEuro(16774, 'en')).toBe('€167.74');
  });
});
