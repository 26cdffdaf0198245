import Holidays from 'date-holidays';
import { addDays, weekdayOf } from './recurrence.ts';

/** Per-location choices the Algemene termijnenwet leaves open (docs/facts.md, "Closures"). */
export interface ClosurePolicy {
  closedOnGoodFriday: boolean;
  closedOnLiberationDay: boolean;
}

export interface ConfiguredClosure {
  date: string;
  /** Null: every location of the municipality. */
  locationId: string | null;
}

const nl = new Holidays('NL');
const byYear = new Map<number, { date: string; name: string; rule: string; type: string }[]>();

function holidaysOf(year: number) {
  let list = byYear.get(year);
  if (!list) {
    list = nl.getHolidays(year).map((h) => ({ date: h.date.slice(0, 10), name: h.name, rule: h.rule, type: h.type }));
    byYear.set(year, list);
  }
  return list;
}

/**
 * Dutch public holidays on which an office closes, as local dates with their name. date-holidays
 * moves King's Day to 26 April when the 27th is a Sunday; Good Friday and Liberation Day are listed
 * there as school holidays, so the location's choice decides.
 */
export function publicHolidays(year: number, policy: ClosurePolicy): Map<string, string> {
  const out = new Map<string, string>();
  for (const h of holidaysOf(year)) {
    const goodFriday = h.rule === 'easter -2';
    const liberation = h.rule === '05-05';
    if (
      h.type === 'public' ||
      (goodFriday && policy.closedOnGoodFriday) ||
      (liberation && policy.closedOnLiberationDay)
    ) {
      out.set(h.date, h.name);
    }
  }
  return out;
}

/** The closed dates of one location in [from, to]: computed holidays plus configured closures. */
export function closedDates(
  locationId: string,
  policy: ClosurePolicy,
  configured: readonly ConfiguredClosure[],
  from: string,
  to: string,
): Set<string> {
  const out = new Set<string>();
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year++) {
    for (const date of publicHolidays(year, policy).keys()) if (date >= from && date <= to) out.add(date);
  }
  for (const c of configured) {
    if ((c.locationId === null || c.locationId === locationId) && c.date >= from && c.date <= to) out.add(c.date);
  }
  return out;
}

/**
 * The first date at least `workingDays` working days after `date` (Mon–Fri, not closed): the earliest
 * day a document can be collected. `isClosed` must cover the dates it is asked about.
 */
export function addWorkingDays(date: string, workingDays: number, isClosed: (date: string) => boolean): string {
  let d = date;
  let left = workingDays;
  while (left > 0) {
    d = addDays(d, 1);
    if (weekdayOf(d) <= 5 && !isClosed(d)) left--;
  }
  return d;
}
