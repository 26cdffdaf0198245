import { DateTime } from 'luxon';

/**
 * Rolling release (rule 8): capacity opens a day (or a week) at a time at a fixed local time instead of
 * the whole booking window at once, so a release is a small, predictable event rather than a month of
 * slots that a script takes in seconds. Pure: the rule, the zone and an instant in, dates out.
 */
export interface ReleaseRule {
  releaseMode: 'off' | 'daily' | 'weekly';
  /** Local `HH:MM`. */
  releaseTime: string;
  /** ISO weekdays (1 = Monday … 7 = Sunday), comma-separated; weekly uses the first. */
  releaseWeekdays: string;
  releaseDaysAhead: number;
  timeZone: string;
}

export interface NextRelease {
  /** The instant of the next release (ms). */
  at: number;
  /** The last local date open for online booking after it. */
  opensThrough: string;
}

export function parseWeekdays(value: string): number[] {
  const days = value
    .split(',')
    .map((d) => Number(d.trim()))
    .filter((d) => Number.isInteger(d) && d >= 1 && d <= 7);
  return [...new Set(days)].sort((a, b) => a - b);
}

function releaseInstant(date: DateTime, time: string): DateTime {
  const [h = 0, m = 0] = time.split(':').map(Number);
  // A release in a missing DST hour happens at the first valid instant after it (luxon shifts forward).
  return date.set({ hour: h, minute: m, second: 0, millisecond: 0 });
}

function opensThrough(rule: ReleaseRule, releaseDay: DateTime): string {
  const target = releaseDay.plus({ days: rule.releaseDaysAhead });
  const last = rule.releaseMode === 'weekly' ? target.plus({ days: 7 - target.weekday }) : target;
  return last.toISODate() as string;
}

function releaseDays(rule: ReleaseRule): number[] {
  const days = parseWeekdays(rule.releaseWeekdays);
  if (days.length === 0) return [1];
  return rule.releaseMode === 'weekly' ? days.slice(0, 1) : days;
}

/** The last local date open for online booking at `now` (null: no rolling release, the booking window alone). */
export function releasedThrough(rule: ReleaseRule, now: Date): string | null {
  if (rule.releaseMode === 'off') return null;
  const days = releaseDays(rule);
  const today = DateTime.fromJSDate(now, { zone: rule.timeZone }).startOf('day');
  for (let back = 0; back <= 14; back++) {
    const day = today.minus({ days: back });
    if (!days.includes(day.weekday)) continue;
    if (releaseInstant(day, rule.releaseTime).toMillis() <= now.getTime()) return opensThrough(rule, day);
  }
  return today.minus({ days: 1 }).toISODate() as string;
}

/** When capacity opens next, and through which date (null: no rolling release). */
export function nextRelease(rule: ReleaseRule, now: Date): NextRelease | null {
  if (rule.releaseMode === 'off') return null;
  const days = releaseDays(rule);
  const today = DateTime.fromJSDate(now, { zone: rule.timeZone }).startOf('day');
  for (let ahead = 0; ahead <= 14; ahead++) {
    const day = today.plus({ days: ahead });
    if (!days.includes(day.weekday)) continue;
    const at = releaseInstant(day, rule.releaseTime).toMillis();
    if (at > now.getTime()) return { at, opensThrough: opensThrough(rule, day) };
  }
  return null;
}
