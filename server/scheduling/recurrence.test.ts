import { describe, expect, it } from 'vitest';
import { addDays, checkRuleBody, datesBetween, expandDates, weekdayOf } from './recurrence.ts';

describe('expandDates', () => {
  it('expands a weekly rule to local dates inside the range and the rule bounds', () => {
    const rule = { rrule: 'FREQ=WEEKLY;BYDAY=MO,TH', startsOn: '2026-03-01', endsOn: '2026-03-26' };
    expect(expandDates(rule, '2026-03-20', '2026-04-10')).toEqual(['2026-03-23', '2026-03-26']);
  });

  it('treats a rule without rrule as its start date only', () => {
    const rule = { rrule: null, startsOn: '2026-12-24', endsOn: null };
    expect(expandDates(rule, '2026-12-01', '2026-12-31')).toEqual(['2026-12-24']);
    expect(expandDates(rule, '2026-12-25', '2026-12-31')).toEqual([]);
  });

  it('does not depend on the host zone across DST changes', () => {
    const rule = { rrule: 'FREQ=DAILY', startsOn: '2026-03-27', endsOn: null };
    expect(expandDates(rule, '2026-03-28', '2026-03-30')).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
  });
});

describe('date helpers', () => {
  it('walks dates and weekdays', () => {
    expect(datesBetween('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(weekdayOf('2026-11-23')).toBe(1);
    expect(weekdayOf('2026-11-29')).toBe(7);
  });

  it('checks rule bodies', () => {
    expect(checkRuleBody('FREQ=WEEKLY;BYDAY=MO')).toBeNull();
    expect(checkRuleBody('BYDAY=MO')).not.toBeNull();
    expect(checkRuleBody('FREQ=NOPE')).not.toBeNull();
  });
});
