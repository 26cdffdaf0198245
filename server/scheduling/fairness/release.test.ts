import { describe, expect, it } from 'vitest';
import { nextRelease, parseWeekdays, type ReleaseRule, releasedThrough } from './release.ts';

const daily: ReleaseRule = {
  releaseMode: 'daily',
  releaseTime: '08:00',
  releaseWeekdays: '1,2,3,4,5',
  releaseDaysAhead: 14,
  timeZone: 'Europe/Amsterdam',
};

describe('releasedThrough', () => {
  it('is the booking window alone when the rule is off', () => {
    expect(releasedThrough({ ...daily, releaseMode: 'off' }, new Date('2026-12-02T12:00:00Z'))).toBeNull();
  });

  it('opens the day N days ahead at the local release time on working days', () => {
    // Wednesday 2 December 2026, 07:59 and 08:00 in Amsterdam (UTC+1).
    expect(releasedThrough(daily, new Date('2026-12-02T06:59:00Z'))).toBe('2026-12-15');
    expect(releasedThrough(daily, new Date('2026-12-02T07:00:00Z'))).toBe('2026-12-16');
  });

  it('keeps the Friday release over the weekend and opens the weekend with Monday', () => {
    // Sunday 6 December: the last release was Friday 4 December → through Friday 18 December.
    expect(releasedThrough(daily, new Date('2026-12-06T12:00:00Z'))).toBe('2026-12-18');
    // Monday 7 December 08:00 opens through Monday 21 December (the weekend between comes with it).
    expect(releasedThrough(daily, new Date('2026-12-07T07:00:00Z'))).toBe('2026-12-21');
  });

  it('opens a whole week at a time in weekly mode', () => {
    const weekly: ReleaseRule = { ...daily, releaseMode: 'weekly', releaseWeekdays: '1', releaseDaysAhead: 21 };
    // Monday 7 December 08:00 → the week of Monday 28 December, through Sunday 3 January.
    expect(releasedThrough(weekly, new Date('2026-12-07T07:00:00Z'))).toBe('2027-01-03');
    expect(releasedThrough(weekly, new Date('2026-12-07T06:00:00Z'))).toBe('2026-12-27');
  });

  it('follows the local clock across the DST change', () => {
    // Monday 30 March 2026 08:00 CEST = 06:00 UTC.
    expect(releasedThrough(daily, new Date('2026-03-30T05:59:00Z'))).toBe('2026-04-10');
    expect(releasedThrough(daily, new Date('2026-03-30T06:00:00Z'))).toBe('2026-04-13');
  });
});

describe('nextRelease', () => {
  it('says when new times appear and through which date', () => {
    const next = nextRelease(daily, new Date('2026-12-04T09:00:00Z'));
    expect(next && new Date(next.at).toISOString()).toBe('2026-12-07T07:00:00.000Z');
    expect(next?.opensThrough).toBe('2026-12-21');
  });
});

describe('parseWeekdays', () => {
  it('keeps valid ISO weekdays once, in order', () => {
    expect(parseWeekdays('5,1, 3,9,x,1')).toEqual([1, 3, 5]);
  });
});
