/** GET /locations/{id}/setup (server/contracts/admin.ts). */
export type { Setup } from '../../../server/contracts/admin.ts';

export const weekdays = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof weekdays)[number];

/** The weekdays of a weekly rule (`FREQ=WEEKLY;BYDAY=MO,TU`); null when the rule is something else. */
export function weekdaysOf(rrule: string | null): Weekday[] | null {
  if (!rrule) return null;
  const parts = new Map(
    rrule
      .replace(/^RRULE:/, '')
      .split(';')
      .map((p) => p.split('=') as [string, string]),
  );
  if (parts.get('FREQ') !== 'WEEKLY' || parts.size !== 2 || !parts.has('BYDAY')) return null;
  const days = (parts.get('BYDAY') ?? '').split(',');
  return days.every((d) => (weekdays as readonly string[]).includes(d)) ? (days as Weekday[]) : null;
}

/** A weekly rule on the given days, in the order of the week. */
export function weeklyRule(days: readonly Weekday[]): string {
  const sorted = weekdays.filter((d) => days.includes(d));
  return `FREQ=WEEKLY;BYDAY=${sorted.join(',')}`;
}
