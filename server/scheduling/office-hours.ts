import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import type { WalkInHoursToday } from '../queue/queue-model.ts';
import {
  type DayPlan,
  type Interval,
  intersectIntervals,
  localDateOf,
  mergeIntervals,
  toZonedIso,
  wallToInstant,
} from './calendar.ts';
import { planDay, planOffice, walkInHoursOn } from './day-plans.ts';
import { getOffice, type Office } from './office-cache.ts';
import type { OfficeStore } from './office-store.ts';
import { addDays, expandDates } from './recurrence.ts';

/**
 * When an office is open, for residents: this week's hours on the booking page, and whether (and
 * from when) a walk-in ticket can be taken at the kiosk. Read from the same rules as the engine.
 */

export interface HoursSpan {
  /** Local wall-clock times, `HH:mm`. */
  opens: string;
  closes: string;
}

export interface DayHours {
  date: string;
  closed: boolean;
  opening: HoursSpan[];
  appointments: HoursSpan[];
  walkIn: HoursSpan[];
}

function wall(instant: number, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .format(instant)
    .replace(/^24/, '00');
}

function spans(list: readonly Interval[], zone: string): HoursSpan[] {
  return list.map((i) => ({ opens: wall(i.start, zone), closes: wall(i.end, zone) }));
}

/**
 * Where walk-ins are served on a day: the office's walk-in hours, plus (within opening hours) the
 * time a counter is rostered for walk-ins — Haarlem's pickup counter serves walk-ins all day. With
 * `serviceIds`, only rostered counters that have every one of those skills count.
 */
export function walkInSpans(office: Office, plan: DayPlan, serviceIds?: readonly number[]): Interval[] {
  if (plan.closed) return [];
  const zone = office.location.timeZone;
  const rostered: Interval[] = [];
  const skilled = new Set(
    office.counters.filter((c) => !serviceIds || serviceIds.every((s) => c.skills.has(s))).map((c) => c.id),
  );
  for (const rule of office.rosterRules) {
    if (rule.mode === 'appointments' || !skilled.has(rule.counterId)) continue;
    if (expandDates(rule, plan.date, plan.date).length === 0) continue;
    rostered.push({
      start: wallToInstant(plan.date, rule.startsAt, zone),
      end: wallToInstant(plan.date, rule.endsAt, zone),
    });
  }
  return mergeIntervals([...plan.walkInHours, ...intersectIntervals(mergeIntervals(rostered), plan.opening)]);
}

/** Hours of `days` consecutive local dates from `from`, closures applied. */
export function officeHours(office: Office, from: string, days: number): DayHours[] {
  const to = addDays(from, days - 1);
  const plans = planOffice(office, from, to);
  const zone = office.location.timeZone;
  return [...plans.values()].map((plan) => ({
    date: plan.date,
    closed: plan.closed || plan.opening.length === 0,
    opening: spans(plan.opening, zone),
    appointments: spans(plan.appointmentHours, zone),
    walkIn: spans(walkInSpans(office, plan), zone),
  }));
}

export interface WalkInStatus {
  open: boolean;
  /** The instant walk-in (for these services) opens next; null when open now or nothing in the horizon. */
  opensAt: number | null;
  /** When the current walk-in span ends (open now), else null. */
  closesAt: number | null;
}

/** Days looked ahead for the next walk-in opening (two weeks cover Christmas and bridge days). */
const HORIZON_DAYS = 14;

/**
 * Whether a walk-in ticket for these services can be taken at `now`, and else from when. `planFor`
 * gives a day's plan (pass the memoised `planDay` on hot paths): today is usually enough.
 */
export function walkInStatus(
  office: Office,
  serviceIds: readonly number[],
  now: Date,
  planFor: (date: string) => DayPlan | undefined = (date) => planOffice(office, date, date).get(date),
): WalkInStatus {
  const today = localDateOf(now, office.location.timeZone);
  const t = now.getTime();
  for (let i = 0; i <= HORIZON_DAYS; i++) {
    const plan = planFor(addDays(today, i));
    if (!plan) continue;
    for (const span of walkInSpans(office, plan, serviceIds)) {
      if (span.end <= t) continue;
      if (span.start <= t) return { open: true, opensAt: null, closesAt: span.end };
      return { open: false, opensAt: span.start, closesAt: null };
    }
  }
  return { open: false, opensAt: null, closesAt: null };
}

/**
 * The queue's walk-in gate (see `provideWalkInGate`): open now for these services, else the next opening.
 * Read through the queue's repositories (inside its transaction when it has one).
 */
export async function walkInGateOf(
  repos: { office: OfficeStore },
  locationId: string,
  serviceIds: number[],
  now: Date,
): Promise<{ open: boolean; opensAt: string | null }> {
  const office = await getOffice(repos, locationId);
  if (!office) return { open: true, opensAt: null };
  const status = walkInStatus(office, serviceIds, now, (date) => planDay(office, date));
  return {
    open: status.open,
    opensAt: status.opensAt === null ? null : toZonedIso(status.opensAt, office.location.timeZone),
  };
}

/** The last date's walk-in hours per office object (the queue asks at every change; the office changes with its version). */
const hoursOf = new WeakMap<Office, { date: string; value: WalkInHoursToday }>();

/**
 * Walk-in hours of one location and local date (epoch ms) for the queue's screens: the office's, and each
 * walk-in service's as the kiosk's gate (`walkInGateOf`) sees them, so a screen says "walk-in closed" exactly
 * when a kiosk would refuse the ticket. Empty when closed or unknown.
 */
export async function walkInHoursOf(
  repos: { office: OfficeStore },
  locationId: string,
  date: string,
): Promise<WalkInHoursToday> {
  const office = await getOffice(repos, locationId);
  if (!office) return { hours: [], byService: {} };
  const kept = hoursOf.get(office);
  if (kept?.date === date) return kept.value;
  const plan = planDay(office, date);
  const byService: WalkInHoursToday['byService'] = {};
  for (const service of office.services.values())
    if (service.walkIn) byService[service.code] = plan ? walkInSpans(office, plan, [service.id]) : [];
  const value = { hours: walkInHoursOn(office, date), byService };
  hoursOf.set(office, { date, value });
  return value;
}

/** The hours endpoint: `days` days from `from` (default today) and walk-in now, times on the wire. */
export async function readOfficeHours(
  deps: Pick<Deps, 'storage' | 'clock'>,
  locationId: string,
  from: string | undefined,
  days: number,
) {
  const office = await getOffice(deps.storage.read, locationId);
  if (!office) throw new AppError('not-found', 'No such location');
  const now = deps.clock.now();
  const zone = office.location.timeZone;
  const status = walkInStatus(office, [], now, (date) => planDay(office, date));
  return {
    timeZone: zone,
    days: officeHours(office, from ?? localDateOf(now, zone), days),
    walkInNow: {
      open: status.open,
      opensAt: status.opensAt === null ? null : toZonedIso(status.opensAt, zone),
      closesAt: status.closesAt === null ? null : toZonedIso(status.closesAt, zone),
    },
  };
}
