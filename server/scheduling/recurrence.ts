import rrulePackage from 'rrule';

// rrule ships CommonJS only; its named exports are not visible to Node's ESM loader.
const { RRule } = rrulePackage;

/**
 * A rule that repeats on local dates. This file is the only rrule importer: rules are evaluated in
 * floating time (UTC fields stand for local wall-clock fields), so the host zone never matters and the
 * location's zone is applied later with luxon.
 */
export interface RecurringDates {
  /** RFC 5545 RRULE body, e.g. `FREQ=WEEKLY;BYDAY=MO,TU`; null: only `startsOn`. */
  rrule: string | null;
  startsOn: string;
  endsOn: string | null;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function floating(date: string): Date {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`not a local date: ${date}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

function toLocalDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

const parsed = new Map<string, ReturnType<typeof RRule.parseString>>();

function parseBody(body: string): ReturnType<typeof RRule.parseString> {
  let options = parsed.get(body);
  if (!options) {
    options = RRule.parseString(body.replace(/^RRULE:/i, ''));
    parsed.set(body, options);
  }
  return options;
}

/** Checks that an RRULE body parses and produces dates; returns an error text or null. */
export function checkRuleBody(body: string): string | null {
  try {
    const options = RRule.parseString(body.replace(/^RRULE:/i, ''));
    if (options.freq === undefined) return 'FREQ is required';
    if (options.dtstart || options.until !== undefined) return 'use startsOn/endsOn instead of DTSTART/UNTIL';
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : 'invalid RRULE';
  }
}

const yearCache = new Map<string, string[]>();

/**
 * All dates of one calendar year on which the rule occurs. rrule iterates from DTSTART on every
 * call, so a year is expanded once and kept (rules change rarely; the key holds the whole rule).
 */
function datesInYear(rule: RecurringDates & { rrule: string }, year: number): string[] {
  const key = `${rule.rrule}|${rule.startsOn}|${rule.endsOn ?? ''}|${year}`;
  let dates = yearCache.get(key);
  if (!dates) {
    const lo = `${year}-01-01` > rule.startsOn ? `${year}-01-01` : rule.startsOn;
    const hi = rule.endsOn && rule.endsOn < `${year}-12-31` ? rule.endsOn : `${year}-12-31`;
    dates =
      lo > hi
        ? []
        : new RRule({ ...parseBody(rule.rrule), dtstart: floating(rule.startsOn) })
            .between(floating(lo), floating(hi), true)
            .map(toLocalDate);
    if (yearCache.size > 5000) yearCache.clear();
    yearCache.set(key, dates);
  }
  return dates;
}

/** Local dates in [from, to] (inclusive) on which the rule occurs. */
export function expandDates(rule: RecurringDates, from: string, to: string): string[] {
  const lo = rule.startsOn > from ? rule.startsOn : from;
  const hi = rule.endsOn && rule.endsOn < to ? rule.endsOn : to;
  if (lo > hi) return [];
  if (!rule.rrule) return rule.startsOn >= lo && rule.startsOn <= hi ? [rule.startsOn] : [];
  const out: string[] = [];
  for (let year = Number(lo.slice(0, 4)); year <= Number(hi.slice(0, 4)); year++) {
    for (const d of datesInYear({ ...rule, rrule: rule.rrule }, year)) if (d >= lo && d <= hi) out.push(d);
  }
  return out;
}

/** Every local date from `from` to `to` inclusive. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = floating(from).getTime(), end = floating(to).getTime(); t <= end; t += 86_400_000) {
    out.push(toLocalDate(new Date(t)));
  }
  return out;
}

/** Adds whole days to a local date. */
export function addDays(date: string, days: number): string {
  return toLocalDate(new Date(floating(date).getTime() + days * 86_400_000));
}

/** ISO weekday, Monday 1 … Sunday 7. */
export function weekdayOf(date: string): number {
  const d = floating(date).getUTCDay();
  return d === 0 ? 7 : d;
}
