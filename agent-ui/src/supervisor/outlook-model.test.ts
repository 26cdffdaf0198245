import { describe, expect, it } from 'vitest';
import { meetsNorm, type OutlookWeek, outlookChartRows, outlookCsv, percent } from './outlook-model.ts';

const week: OutlookWeek = {
  weekStart: '2027-03-01',
  openDays: 5,
  walkIns: 410.5,
  appointmentsExpected: 790,
  appointmentsBooked: 12,
  requiredCounterHours: 231,
  rosteredCounterHours: 286,
  gapCounterHours: 3,
  shortHours: 3,
  slotsShort: 0,
};

describe('outlook model', () => {
  it('writes one CSV line per week with the header first', () => {
    const lines = outlookCsv([week]).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]?.startsWith('week_start,open_days,expected_walk_ins')).toBe(true);
    expect(lines[1]).toBe('2027-03-01,5,410.5,790,12,231,286,3,3,0');
  });

  it('charts needed against rostered counter-hours', () => {
    expect(outlookChartRows([week])[0]).toMatchObject({ needed: 231, rostered: 286, appointments: 790 });
  });

  it('formats shares and judges them against the norm', () => {
    expect(percent(0.804)).toBe('80 %');
    expect(percent(null)).toBe('–');
    const norm = { share: 0.8 };
    expect(meetsNorm({ walkInShareWithinNorm: 0.79, appointmentShareWithinNorm: 1 }, norm)).toBe(false);
    expect(meetsNorm({ walkInShareWithinNorm: 0.8, appointmentShareWithinNorm: null }, norm)).toBe(true);
  });
});
