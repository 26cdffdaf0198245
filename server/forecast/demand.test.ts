import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  addDaysIso,
  forecastDemand,
  type HourlyCount,
  parseHourlyCsv,
  parseRegistryCsv,
  renewalIndex,
  renewalPerWorkingDay,
  weekdayOfDate,
} from './demand.ts';

describe('renewalIndex', () => {
  it('brings adult documents back after 10 years and minors after 5, before expiry', () => {
    const index = renewalIndex(
      [
        { month: '2016-06', documentType: 'passport', ageBand: 'adult', count: 1000 },
        { month: '2021-06', documentType: 'id-card', ageBand: 'minor', count: 100 },
      ],
      { window: [0.5, 0.5] },
    );
    expect(index.get('passport')?.get('2026-06')).toBe(500);
    expect(index.get('passport')?.get('2026-05')).toBe(500);
    expect(index.get('passport')?.get('2026-07')).toBeUndefined();
    expect(index.get('id-card')?.get('2026-05')).toBe(50);
  });

  it('counts months as luxon does, across year ends, the 2014 switch and malformed months', () => {
    const row = fc.record({
      month: fc.oneof(
        fc
          .tuple(fc.integer({ min: 1990, max: 2040 }), fc.integer({ min: 1, max: 12 }))
          .map(([y, m]) => `${y}-${String(m).padStart(2, '0')}`),
        fc.constantFrom('2014-13', '2014-00', '14-03', '2014-3', ''),
      ),
      documentType: fc.constantFrom('passport', 'id-card', 'driving-licence'),
      ageBand: fc.constantFrom('adult' as const, 'minor' as const),
      count: fc.integer({ min: 0, max: 5000 }),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 20 }), (rows) => {
        const window = [0.15, 0.25, 0.22, 0.16, 0.1, 0.07, 0.05];
        const expected = new Map<string, Map<string, number>>();
        for (const r of rows) {
          const issued = DateTime.fromFormat(r.month, 'yyyy-MM', { zone: 'UTC' });
          if (!issued.isValid || !(r.count > 0)) continue;
          const years =
            r.documentType === 'driving-licence' ? 10 : r.ageBand === 'minor' || r.month < '2014-03' ? 5 : 10;
          const byMonth = expected.get(r.documentType) ?? new Map<string, number>();
          expected.set(r.documentType, byMonth);
          window.forEach((share, k) => {
            const month = issued.plus({ years }).minus({ months: k }).toFormat('yyyy-MM');
            byMonth.set(month, (byMonth.get(month) ?? 0) + share * r.count);
          });
        }
        expect(renewalIndex(rows)).toEqual(expected);
      }),
    );
  });

  it('spreads a month over its working days', () => {
    const index = renewalIndex([{ month: '2016-06', documentType: 'passport', ageBand: 'adult', count: 2200 }], {
      window: [1],
    });
    // June 2026 has 22 working days (Mon–Fri).
    expect(renewalPerWorkingDay(index, ['passport'])('2026-06-10')).toBe(100);
  });
});

function series(from: string, to: string, daily: (date: string) => number, closed: Set<string>): HourlyCount[] {
  const out: HourlyCount[] = [];
  for (let d = from; d <= to; d = addDaysIso(d, 1)) {
    if (weekdayOfDate(d) >= 6) continue;
    const total = closed.has(d) ? 0 : daily(d);
    out.push({ date: d, hour: 9, count: total * 0.6 }, { date: d, hour: 10, count: total * 0.4 });
  }
  return out;
}

describe('forecastDemand', () => {
  it('forecasts zero on closed days and keeps the hour profile', () => {
    const closed = new Set(['2026-04-27']);
    const history = series('2026-01-05', '2026-04-17', () => 50, closed);
    const f = forecastDemand(history, '2026-04-20', '2026-05-01', { isClosed: (d) => closed.has(d) });
    expect(f.filter((x) => x.date === '2026-04-27').every((x) => x.expected === 0)).toBe(true);
    const tuesday = f.filter((x) => x.date === '2026-04-21');
    expect(tuesday.find((x) => x.hour === 9)?.expected).toBeCloseTo(30, 5);
    expect(tuesday.find((x) => x.hour === 10)?.expected).toBeCloseTo(20, 5);
    expect(f.some((x) => x.date === '2026-04-25')).toBe(false);
  });

  it('sees a renewal wave coming from the registry before it shows in the counts', () => {
    // Demand = 20 + 0.5 × renewals; the registry has a jump that expires after the forecast origin.
    const rows = [];
    for (let y = 2014; y <= 2017; y++)
      for (let m = 1; m <= 12; m++) {
        const month = `${y}-${String(m).padStart(2, '0')}`;
        rows.push({
          month,
          documentType: 'passport',
          ageBand: 'adult' as const,
          count: month >= '2016-08' ? 2000 : month >= '2015-01' && month < '2015-07' ? 1400 : 600,
        });
      }
    const renewal = renewalPerWorkingDay(renewalIndex(rows, { window: [1] }), ['passport']);
    const history = series('2025-01-06', '2026-05-29', (d) => 20 + 0.5 * renewal(d), new Set());
    const f = forecastDemand(history, '2026-06-01', '2026-09-30', { isClosed: () => false, renewal });
    const day = (date: string) => f.filter((x) => x.date === date).reduce((a, x) => a + x.expected, 0);
    const truth = (date: string) => 20 + 0.5 * renewal(date);
    expect(day('2026-09-15')).toBeGreaterThan(truth('2026-06-15'));
    expect(Math.abs(day('2026-09-15') - truth('2026-09-15')) / truth('2026-09-15')).toBeLessThan(0.1);
    // Without the registry the wave is invisible.
    const blind = forecastDemand(history, '2026-06-01', '2026-09-30', { isClosed: () => false });
    const blindDay = blind.filter((x) => x.date === '2026-09-15').reduce((a, x) => a + x.expected, 0);
    expect(blindDay).toBeLessThan(day('2026-09-15') * 0.8);
  });
});

describe('CSV import', () => {
  it('parses history and registry files and rejects bad lines', () => {
    const h = parseHourlyCsv('date,hour,service,count,location\n2026-01-05,9,passport,12,zijlsingel\n');
    expect(h[0]).toEqual({
      location: 'zijlsingel',
      service: 'passport',
      row: { date: '2026-01-05', hour: 9, count: 12 },
    });
    expect(() => parseHourlyCsv('date,hour,service,count\n2026-01-05,25,passport,1\n')).toThrow(/line 2/);
    expect(() => parseHourlyCsv('day,count\n')).toThrow(/columns/);
    const r = parseRegistryCsv('month,document_type,age_band,count\n2016-03,passport,adult,410\n');
    expect(r[0]).toEqual({ month: '2016-03', documentType: 'passport', ageBand: 'adult', count: 410 });
    expect(() => parseRegistryCsv('month,document_type,age_band,count\n2016-03,passport,elder,1\n')).toThrow();
  });
});
