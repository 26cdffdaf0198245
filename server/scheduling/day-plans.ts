import { DayAllocator, type EngineAppointment, type EngineCounter } from './allocation.ts';
import type { OccupiedRecord } from './appointment-store.ts';
import { type DayPlan, type Interval, localDateOf, localDay, mergeIntervals, planDays } from './calendar.ts';
import { closedDates } from './closures.ts';
import type { LocationRow, Office } from './office-cache.ts';
import { addDays, datesBetween } from './recurrence.ts';

/**
 * Day planning of an office (pure): which dates are closed, each day's plan (opening ∩ appointment hours,
 * rostered counter windows), the engine's counters and allocator of a day, the booking window.
 */

export function closedSet(office: Office, from: string, to: string): Set<string> {
  return closedDates(office.location.id, office.location, office.closures, from, to);
}

export function planOffice(office: Office, from: string, to: string): Map<string, DayPlan> {
  const activeCounters = new Set(office.counters.map((c) => c.id));
  return planDays(
    {
      timeZone: office.location.timeZone,
      scheduleRules: office.scheduleRules,
      rosterRules: office.rosterRules.filter((r) => activeCounters.has(r.counterId)),
      closed: closedSet(office, from, to),
    },
    from,
    to,
    datesBetween(from, to),
  );
}

/** Plans memoised per office object: a cached office lives until its configuration version changes. */
const plansOf = new WeakMap<Office, Map<string, DayPlan>>();

/** The plan of one day, memoised with the office (plans only depend on the office and the date). */
export function planDay(office: Office, date: string): DayPlan | undefined {
  let plans = plansOf.get(office);
  if (!plans) {
    plans = new Map();
    plansOf.set(office, plans);
  }
  let plan = plans.get(date);
  if (!plan) {
    plan = planOffice(office, date, date).get(date);
    if (!plan) return undefined;
    if (plans.size > 400) plans.clear();
    plans.set(date, plan);
  }
  return plan;
}

/** The plans of every date in [from, to], memoised with the office like `planDay` (one planning pass for the misses). */
export function plansBetween(office: Office, from: string, to: string): Map<string, DayPlan> {
  let plans = plansOf.get(office);
  if (!plans) {
    plans = new Map();
    plansOf.set(office, plans);
  }
  const dates = datesBetween(from, to);
  if (dates.some((d) => !plans.has(d))) {
    const fresh = planOffice(office, from, to);
    if (plans.size + fresh.size > 400) plans.clear();
    for (const [date, plan] of fresh) plans.set(date, plan);
  }
  const out = new Map<string, DayPlan>();
  for (const d of dates) {
    const plan = plans.get(d);
    if (plan) out.set(d, plan);
  }
  return out;
}

/** Walk-in hours of one local date (epoch ms); [] when closed. */
export function walkInHoursOn(office: Office, date: string): Interval[] {
  return planDay(office, date)?.walkInHours ?? [];
}

/** Engine counters per plan (a plan belongs to one cached office, so they change together). Read-only. */
const countersOf = new WeakMap<DayPlan, EngineCounter[]>();

/** Engine counters of one day, from its plan. */
export function engineCounters(office: Office, plan: DayPlan): EngineCounter[] {
  const known = countersOf.get(plan);
  if (known) return known;
  const list = office.counters
    .filter((c) => (plan.counterWindows.get(c.id)?.length ?? 0) > 0)
    .map((c) => ({ id: c.id, skills: c.skills, windows: plan.counterWindows.get(c.id) ?? [] }));
  countersOf.set(plan, list);
  return list;
}

/** The engine's view of stored occupancy: only future appointments nobody has checked in for may move. */
export function engineAppointments(rows: readonly OccupiedRecord[], now: Date): EngineAppointment[] {
  return rows.map((r) => ({
    id: r.id,
    counterId: r.counterId,
    start: r.startsAt,
    end: r.endsAt,
    serviceIds: r.serviceIds,
    movable: (r.status === 'booked' || r.status === 'held') && r.startsAt > now.getTime(),
    online: r.channel === 'online',
  }));
}

/** The instants of a local date's midnight to the next. */
export function dayBounds(date: string, zone: string): Interval {
  const { start, end } = localDay(date, zone);
  return { start, end };
}

/** The allocator of one day over its active appointments, optionally leaving one out. */
export function allocatorFor(
  office: Office,
  plan: DayPlan,
  all: readonly EngineAppointment[],
  options: { exclude?: number } = {},
): { allocator: DayAllocator; counters: EngineCounter[]; appointments: EngineAppointment[] } {
  const counters = engineCounters(office, plan);
  const list = all.filter((a) => a.id !== options.exclude);
  return {
    allocator: new DayAllocator(counters, list, { walkInShare: office.location.walkInShare }),
    counters,
    appointments: list,
  };
}

/** Where appointments for these skills can take place on a day: the union of skilled counters' windows. */
export function skilledSpans(counters: readonly EngineCounter[], serviceIds: readonly number[]): Interval[] {
  return mergeIntervals(counters.filter((c) => serviceIds.every((s) => c.skills.has(s))).flatMap((c) => c.windows));
}

/** Booking window: earliest instant (minimum notice) and last local date (maximum days ahead). */
export function bookingWindow(location: LocationRow, now: Date): { earliest: number; lastDate: string; today: string } {
  const today = localDateOf(now, location.timeZone);
  return {
    earliest: now.getTime() + location.minNoticeMinutes * 60_000,
    lastDate: addDays(today, location.maxDaysAhead),
    today,
  };
}
