import { describe, expect, it } from 'vitest';
import { quantile, summarizeWaits, toCsv, type WaitRow, waitMinutes } from './wait-stats.ts';

const at = (m: number) => new Date(Date.UTC(2026, 10, 23, 9, 0) + m * 60_000);
const row = (issued: number, called: number | null, extra: Partial<WaitRow> = {}): WaitRow => ({
  locationId: 'x',
  serviceCode: 'passport',
  source: 'kiosk',
  status: called === null ? 'cancelled' : 'done',
  issuedAt: at(issued),
  dueAt: null,
  calledAt: called === null ? null : at(called),
  date: '2026-11-23',
  hour: 10,
  ...extra,
});

describe('wait statistics', () => {
  it('measures an early appointment from its start, a walk-in from issue', () => {
    expect(waitMinutes(row(0, 12))).toBe(12);
    expect(waitMinutes(row(0, 12, { source: 'check-in', dueAt: at(10) }))).toBe(2);
    expect(waitMinutes(row(15, 17, { source: 'check-in', dueAt: at(10) }))).toBe(2);
  });

  it('counts residents who left unserved as missing the norm', () => {
    const s = summarizeWaits([row(0, 3), row(0, 8), row(0, 20), row(0, null)], 10);
    expect(s.visitors).toBe(4);
    expect(s.within5).toBe(1);
    expect(s.within10).toBe(2);
    expect(s.share10).toBe(0.5);
    expect(s.medianWaitMinutes).toBe(8);
  });

  it('interpolates quantiles and quotes CSV cells', () => {
    expect(quantile([0, 10], 0.9)).toBe(9);
    expect(quantile([], 0.5)).toBeNull();
    expect(toCsv(['a', 'b'], [['x,y', null]])).toBe('a,b\r\n"x,y",\r\n');
  });
});
