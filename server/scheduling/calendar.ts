import { DateTime } from 'luxon';
import { expandDates, type RecurringDates } from './recurrence.ts';

/** A half-open span of instants [start, end) in epoch milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

export type AppointmentMode = 'appointments' | 'both';

/** Where a counter may take appointments; on `both` a share stays free for walk-ins. */
export interface CounterWindow extends Interval {
  mode: AppointmentMode;
}

export interface ScheduleRuleInput extends RecurringDates {
  kind: 'opening' | 'appointments' | 'walk-in';
  opensAt: string;
  closesAt: string;
}

export interface RosterRuleInput extends RecurringDates {
  counterId: number;
  startsAt: string;
  endsAt: string;
  mode: 'appointments' | 'walk-in' | 'both';
}

export interface DayPlan {
  date: string;
  closed: boolean;
  opening: Interval[];
  appointmentHours: Interval[];
  walkInHours: Interval[];
  /** Per counter: where it is rostered for appointments, inside appointment hours. */
  counterWindows: Map<number, CounterWindow[]>;
}

const WALL = /^([01]\d|2[0-4]):([0-5]\d)$/;

/**
 * The instant of a local wall-clock time. A time in the spring-forward gap moves forward (02:30 →
 * 03:30); a time in the repeated autumn hour takes the offset luxon picks. `24:00` is next midnight.
 */
export function wallToInstant(date: string, hhmm: string, zone: string): number {
  const key = `${zone}|${date}|${hhmm}`;
  const cached = instantCache.get(key);
  if (cached !== undefined) return cached;
  const m = WALL.exec(hhmm);
  if (!m) throw new RangeError(`not a wall time: ${hhmm}`);
  const base = DateTime.fromISO(date, { zone });
  if (!base.isValid) throw new RangeError(`not a date: ${date}`);
  const instant =
    m[1] === '24'
      ? base.plus({ days: 1 }).toMillis()
      : base.set({ hour: Number(m[1]), minute: Number(m[2]) }).toMillis();
  if (instantCache.size > 50_000) instantCache.clear();
  instantCache.set(key, instant);
  return instant;
}

const instantCache = new Map<string, number>();

/** Sorted union of intervals; touching intervals merge. */
export function mergeIntervals(list: readonly Interval[]): Interval[] {
  const sorted = [...list].filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ start: i.start, end: i.end });
  }
  return out;
}

export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a) {
    for (const y of b) {
      const start = Math.max(x.start, y.start);
      const end = Math.min(x.end, y.end);
      if (end > start) out.push({ start, end });
    }
  }
  return mergeIntervals(out);
}

/** Builds the plan of every date in `dates` from the rules, with closed dates empty. */
export function planDays(
  input: {
    timeZone: string;
    scheduleRules: readonly ScheduleRuleInput[];
    rosterRules: readonly RosterRuleInput[];
    closed: ReadonlySet<string>;
  },
  from: string,
  to: string,
  dates: readonly string[],
): Map<string, DayPlan> {
  const zone = input.timeZone;
  const plans = new Map<string, DayPlan>();
  for (const date of dates) {
    plans.set(date, {
      date,
      closed: input.closed.has(date),
      opening: [],
      appointmentHours: [],
      walkInHours: [],
      counterWindows: new Map(),
    });
  }
  const raw = new Map<string, { opening: Interval[]; appointments: Interval[]; walkIn: Interval[] }>();
  for (const rule of input.scheduleRules) {
    for (const date of expandDates(rule, from, to)) {
      const plan = plans.get(date);
      if (!plan || plan.closed) continue;
      let r = raw.get(date);
      if (!r) {
        r = { opening: [], appointments: [], walkIn: [] };
        raw.set(date, r);
      }
      const span = { start: wallToInstant(date, rule.opensAt, zone), end: wallToInstant(date, rule.closesAt, zone) };
      if (rule.kind === 'opening') r.opening.push(span);
      else if (rule.kind === 'appointments') r.appointments.push(span);
      else r.walkIn.push(span);
    }
  }
  for (const [date, r] of raw) {
    const plan = plans.get(date);
    if (!plan) continue;
    plan.opening = mergeIntervals(r.opening);
    // Appointment and walk-in hours only count while the office is open.
    plan.appointmentHours = intersectIntervals(mergeIntervals(r.appointments), plan.opening);
    plan.walkInHours = intersectIntervals(mergeIntervals(r.walkIn), plan.opening);
  }
  for (const rule of input.rosterRules) {
    if (rule.mode === 'walk-in') continue;
    for (const date of expandDates(rule, from, to)) {
      const plan = plans.get(date);
      if (!plan || plan.closed || plan.appointmentHours.length === 0) continue;
      const span = { start: wallToInstant(date, rule.startsAt, zone), end: wallToInstant(date, rule.endsAt, zone) };
      const inside = intersectIntervals([span], plan.appointmentHours);
      if (inside.length === 0) continue;
      const list = plan.counterWindows.get(rule.counterId) ?? [];
      for (const i of inside) list.push({ ...i, mode: rule.mode });
      plan.counterWindows.set(rule.counterId, mergeWindows(list));
    }
  }
  return plans;
}

/** Merges touching windows of the same mode; an `appointments` window wins where modes overlap. */
function mergeWindows(list: CounterWindow[]): CounterWindow[] {
  const full = mergeIntervals(list.filter((w) => w.mode === 'appointments'));
  const both = mergeIntervals(list.filter((w) => w.mode === 'both')).flatMap((w) => subtract(w, full));
  return [
    ...full.map((i) => ({ ...i, mode: 'appointments' as const })),
    ...both.map((i) => ({ ...i, mode: 'both' as const })),
  ].sort((a, b) => a.start - b.start);
}

function subtract(a: Interval, cuts: readonly Interval[]): Interval[] {
  let parts: Interval[] = [a];
  for (const c of cuts) {
    parts = parts.flatMap((p) => {
      if (c.end <= p.start || c.start >= p.end) return [p];
      const out: Interval[] = [];
      if (c.start > p.start) out.push({ start: p.start, end: c.start });
      if (c.end < p.end) out.push({ start: c.end, end: p.end });
      return out;
    });
  }
  return parts;
}

/**
 * Start instants on the location's wall-clock grid where [start, start + duration) lies inside one
 * of `spans`. Each wall time is offered once: a wall time that does not exist (spring forward) is
 * skipped, and one that exists twice (autumn) is offered at a single offset, so no slot is doubled.
 */
export function candidateStarts(
  date: string,
  zone: string,
  gridMinutes: number,
  spans: readonly Interval[],
  durationMs: number,
): number[] {
  if (spans.length === 0) return [];
  const day = localDay(date, zone);
  const out: number[] = [];
  const fits = (start: number) => {
    const end = start + durationMs;
    return spans.some((s) => s.start <= start && end <= s.end);
  };
  if (day.linear) {
    // No clock change today: wall minutes map linearly onto instants.
    const midnight = day.start;
    for (let minute = 0; minute < 24 * 60; minute += gridMinutes) {
      const start = midnight + minute * 60_000;
      if (fits(start)) out.push(start);
    }
    return out;
  }
  const base = DateTime.fromISO(date, { zone });
  for (let minute = 0; minute < 24 * 60; minute += gridMinutes) {
    const hour = Math.floor(minute / 60);
    const dt = base.set({ hour, minute: minute % 60 });
    if (dt.hour !== hour || dt.minute !== minute % 60 || dt.toISODate() !== date) continue;
    const start = dt.toMillis();
    if (fits(start)) out.push(start);
  }
  return out;
}

const dayCache = new Map<string, { start: number; end: number; linear: boolean }>();

/**
 * A local date's midnight and next midnight as instants, and whether wall time runs linearly all day
 * (no DST change). Memoised: every booking and availability answer needs it.
 */
export function localDay(date: string, zone: string): { start: number; end: number; linear: boolean } {
  const key = `${zone}|${date}`;
  let day = dayCache.get(key);
  if (!day) {
    const base = DateTime.fromISO(date, { zone });
    if (!base.isValid) throw new RangeError(`not a date: ${date}`);
    const next = base.plus({ days: 1 });
    day = {
      start: base.toMillis(),
      end: next.toMillis(),
      linear: base.offset === next.offset && next.toMillis() - base.toMillis() === 86_400_000,
    };
    if (dayCache.size > 20_000) dayCache.clear();
    dayCache.set(key, day);
  }
  return day;
}

/**
 * ISO 8601 with the location's offset, as on the wire: luxon's `toISO({ suppressMilliseconds: true })`, read
 * from one cached Intl formatter per zone (`format`, four times cheaper than `formatToParts`, which luxon and a
 * DateTime per call cost ~30 µs; every answer and mail holds several). Luxon's own answer where the fast path
 * does not reach: its fixed-offset names (`UTC`, `GMT`, `UTC+3`, … → `Z` or a fixed offset), years outside
 * 1973–9999 (no offset since has had seconds), unknown zones, a formatter output it does not recognise.
 */
export function toZonedIso(instant: number | Date, zone: string): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  // The same instants come back all the time (a day's free times on every look-up of it): answered once.
  let known = isoAnswers.get(zone);
  const answer = known?.get(ms);
  if (answer !== undefined) return answer;
  if (isoAnswerCount >= MAX_ISO_ANSWERS) {
    isoAnswers.clear();
    isoAnswerCount = 0;
    known = undefined;
  }
  if (!known) {
    known = new Map();
    isoAnswers.set(zone, known);
  }
  const iso = zonedIsoOf(ms, zone);
  known.set(ms, iso);
  isoAnswerCount++;
  return iso;
}

/** toZonedIso's answers by zone and instant (a pure function of both), at most MAX_ISO_ANSWERS, then anew. */
const isoAnswers = new Map<string, Map<number, string>>();
let isoAnswerCount = 0;
const MAX_ISO_ANSWERS = 50_000;

function zonedIsoOf(ms: number, zone: string): string {
  const format = LUXON_FIXED_ZONES.test(zone) ? null : (isoFormats.get(zone) ?? isoFormatFor(zone));
  const m = format && Number.isFinite(ms) ? WALL_CLOCK.exec(format.format(ms)) : null;
  if (m) {
    const year = Number(m[3]);
    const month = Number(m[1]);
    const day = Number(m[2]);
    const hour = Number(m[4]);
    const minute = Number(m[5]);
    const second = Number(m[6]);
    const millis = ((ms % 1000) + 1000) % 1000;
    const offsetMs = Date.UTC(year, month - 1, day, hour, minute, second) - (ms - millis);
    if (year >= 1973 && year <= 9999 && offsetMs % 60_000 === 0) {
      const offset = Math.abs(offsetMs) / 60_000;
      const fraction = millis === 0 ? '' : `.${pad(millis, 3)}`;
      const sign = offsetMs < 0 ? '-' : '+';
      return `${year}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}${fraction}${sign}${pad(Math.floor(offset / 60), 2)}:${pad(offset % 60, 2)}`;
    }
  }
  return DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) ?? new Date(ms).toISOString();
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** Zone names luxon reads as fixed offsets rather than IANA zones. */
const LUXON_FIXED_ZONES = /^(utc|gmt|z|local|system|default)$|^(utc|gmt)[+-]/i;
/** en-US, h23: `1/15/2027, 08:05:09`. */
const WALL_CLOCK = /^(\d{1,2})\/(\d{1,2})\/(\d{4}), (\d{1,2}):(\d{2}):(\d{2})$/;
const isoFormats = new Map<string, Intl.DateTimeFormat | null>();

function isoFormatFor(zone: string): Intl.DateTimeFormat | null {
  return cachedFormat(isoFormats, zone, {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
}

/** The en-US Gregorian formatter of a zone, made once; null for a zone Intl does not know (luxon answers then). */
function cachedFormat(
  cache: Map<string, Intl.DateTimeFormat | null>,
  zone: string,
  fields: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat | null {
  let format: Intl.DateTimeFormat | null = null;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      ...fields,
      calendar: 'gregory',
      numberingSystem: 'latn',
    });
  } catch {
    // An unknown zone: luxon's answer (and its error handling).
  }
  cache.set(zone, format);
  return format;
}

/**
 * The last few answers of `localDateOf` (a ring): a booking asks for the local date of its start and of `now` some
 * ten times (the days to lock, the window, the caps, the row's service date, the placement), each a formatter call.
 */
const RECENT_DATES = 8;
const recentDates: { ms: number; zone: string; date: string }[] = [];
let recentNext = 0;

/** The local date of an instant in the zone. */
export function localDateOf(instant: number | Date, zone: string): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  for (const r of recentDates) if (r.ms === ms && r.zone === zone) return r.date;
  const format = dateFormats.get(zone) ?? dateFormatFor(zone);
  // `format` (en-US: `01/15/2027`), a fraction of `formatToParts`'s cost; anything else goes to luxon.
  const m = format ? US_DATE.exec(format.format(ms)) : null;
  const date = m
    ? `${m[3]}-${m[1]}-${m[2]}`
    : (DateTime.fromMillis(ms, { zone }).toISODate() ?? new Date(ms).toISOString().slice(0, 10));
  recentDates[recentNext] = { ms, zone, date };
  recentNext = (recentNext + 1) % RECENT_DATES;
  return date;
}

const US_DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;
/** One formatter per zone: a booking asks for local dates many times, and luxon builds a DateTime each time. */
const dateFormats = new Map<string, Intl.DateTimeFormat | null>();

function dateFormatFor(zone: string): Intl.DateTimeFormat | null {
  return cachedFormat(dateFormats, zone, { year: 'numeric', month: '2-digit', day: '2-digit' });
}
