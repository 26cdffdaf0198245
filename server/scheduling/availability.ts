import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { type EngineAppointment, firstDirectFit } from './allocation.ts';
import type { OccupiedRecord } from './appointment-store.ts';
import type { DayPlan } from './calendar.ts';
import { candidateStarts, toZonedIso } from './calendar.ts';
import {
  allocatorFor,
  bookingWindow,
  dayBounds,
  engineAppointments,
  engineCounters,
  planDay,
  plansBetween,
  skilledSpans,
} from './day-plans.ts';
import { fitsOnlinePart, phoneShareKept } from './fairness/capacity.ts';
import { releasedThrough } from './fairness/release.ts';
import { getOffice, keptOfficeAt, type Office } from './office-cache.ts';
import { type RequestedItem, resolveItems } from './requested-items.ts';

export interface AvailabilityInput {
  locationId: string;
  services: RequestedItem[];
  /** Staff may see what is not bookable online. */
  online?: boolean;
}

async function requireOffice(deps: Deps, locationId: string): Promise<Office> {
  const office = await getOffice(deps.storage.read, locationId);
  if (!office) throw new AppError('not-found', 'No such location');
  return office;
}

/** The occupancy of [from, to) at `now`; null: the office it was asked for is not the current one. */
type OccupancyRead = (from: number, to: number, now: Date) => Promise<OccupiedRecord[] | null>;

/**
 * An availability answer on the current office. Where the storage keeps offices and reads the configuration
 * version with the occupancy (PostgreSQL: `keptOfficeAt`, `occupancyWithVersion`), `answer` runs first on the kept
 * office and its one occupancy read tells whether that office was current in the read's snapshot: one round trip
 * instead of two (the version, then the occupancy). `answer` gets `unchecked` then, and returns null instead of
 * any answer it would give before that read (a refusal, no days) — and it is null when the office was not current.
 * Otherwise, and after a null, as before: the version (and the office when it moved), then the occupancy.
 */
async function onCurrentOffice<T>(
  deps: Deps,
  locationId: string,
  answer: (office: Office, occupancy: OccupancyRead, unchecked: boolean) => Promise<T | null>,
): Promise<T> {
  const read = deps.storage.read;
  const withVersion = read.appointments.occupancyWithVersion?.bind(read.appointments);
  const kept = withVersion ? await keptOfficeAt(read, locationId) : null;
  if (withVersion && kept) {
    const id = kept.office.location.id;
    const found = await answer(
      kept.office,
      async (from, to, now) => {
        const r = await withVersion(id, from, to, now);
        return r && r.configVersion === kept.version ? r.occupancy : null;
      },
      true,
    );
    if (found !== null) return found;
  }
  const office = await requireOffice(deps, locationId);
  const found = await answer(
    office,
    (from, to, now) => read.appointments.occupancy(office.location.id, from, to, now),
    false,
  );
  if (found === null) throw new Error('availability: no answer on the current office');
  return found;
}

/** `resolveItems`, or null instead of its refusal on an office not checked yet (`onCurrentOffice`). */
function itemsOn(office: Office, input: AvailabilityInput, unchecked: boolean) {
  try {
    return resolveItems(office, input.services, input.online ?? true);
  } catch (err) {
    if (unchecked) return null;
    throw err;
  }
}

/**
 * Start instants that fit on one day for the items, honouring the booking window. Moves of
 * not-yet-started appointments count: a time is offered when the engine can make it fit.
 * `anyOnly` stops at the first found, for the list of days: a start that fits without moves when there is one
 * (no allocator needed), else the first that fits with moves.
 */
function startsOnDay(
  office: Office,
  plan: DayPlan,
  serviceIds: number[],
  durationMs: number,
  earliest: number,
  occupied: readonly OccupiedRecord[],
  now: Date,
  anyOnly: boolean,
  online: boolean,
): number[] {
  if (plan.closed) return [];
  const counters = engineCounters(office, plan);
  const { location } = office;
  let engine: EngineAppointment[] | null = null;
  const appointments = () => {
    engine ??= engineAppointments(occupied, now);
    return engine;
  };
  // The share kept for phone and desk bookings is not offered online before its release.
  if (
    online &&
    phoneShareKept(location, dayBounds(plan.date, location.timeZone).start, now) &&
    !fitsOnlinePart(location, counters, appointments(), durationMs)
  )
    return [];
  const spans = skilledSpans(counters, serviceIds);
  const starts = candidateStarts(
    plan.date,
    office.location.timeZone,
    office.location.slotGridMinutes,
    spans,
    durationMs,
  ).filter((start) => start >= earliest);
  if (anyOnly) {
    const direct = firstDirectFit(counters, occupied, { serviceIds, durationMs, starts }, location.walkInShare);
    if (direct >= 0) return [starts[direct] as number];
  }
  const { allocator } = allocatorFor(office, plan, appointments());
  const out: number[] = [];
  for (const start of starts) {
    if (allocator.probe({ start, end: start + durationMs, serviceIds })) {
      out.push(start);
      if (anyOnly) break;
    }
  }
  return out;
}

function groupByDay(list: readonly OccupiedRecord[], plans: Map<string, DayPlan>, zone: string) {
  const bounds = [...plans.keys()].map((date) => ({ date, ...dayBounds(date, zone), rows: [] as OccupiedRecord[] }));
  // The plans' days are consecutive and in order: a record belongs to the last day starting at or before it.
  // Records mostly come by start, so the day of the previous one is tried first.
  let at = 0;
  for (const a of list) {
    let b = bounds[at];
    if (!b || a.startsAt < b.start || a.startsAt >= b.end) {
      let lo = 0;
      let hi = bounds.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((bounds[mid] as { start: number }).start <= a.startsAt) lo = mid + 1;
        else hi = mid;
      }
      at = Math.max(0, lo - 1);
      b = bounds[at];
    }
    if (b && b.start <= a.startsAt && a.startsAt < b.end) b.rows.push(a);
  }
  return new Map(bounds.map((b) => [b.date, b.rows]));
}

/** The last date open to this caller: online, the rolling release may not have reached the window's end. */
export function onlineLastDate(office: Office, windowLastDate: string, now: Date, online: boolean): string {
  if (!online) return windowLastDate;
  const released = releasedThrough(office.location, now);
  return released !== null && released < windowLastDate ? released : windowLastDate;
}

export function findAvailableDays(
  deps: Deps,
  input: AvailabilityInput & { from?: string; to?: string },
): Promise<string[]> {
  return onCurrentOffice(deps, input.locationId, (office, occupancy, unchecked) =>
    availableDaysOn(deps, office, input, occupancy, unchecked),
  );
}

async function availableDaysOn(
  deps: Deps,
  office: Office,
  input: AvailabilityInput & { from?: string; to?: string },
  occupancy: OccupancyRead,
  unchecked: boolean,
): Promise<string[] | null> {
  const items = itemsOn(office, input, unchecked);
  if (!items) return null;
  const { serviceIds, durationMinutes } = items;
  const now = deps.clock.now();
  const window = bookingWindow(office.location, now);
  const online = input.online ?? true;
  const lastDate = onlineLastDate(office, window.lastDate, now, online);
  const from = input.from && input.from > window.today ? input.from : window.today;
  const to = input.to && input.to < lastDate ? input.to : lastDate;
  if (from > to) return unchecked ? null : [];
  const plans = plansBetween(office, from, to);
  const zone = office.location.timeZone;
  const all = await occupancy(dayBounds(from, zone).start, dayBounds(to, zone).end, now);
  if (!all) return null;
  const byDay = groupByDay(all, plans, zone);
  const days: string[] = [];
  for (const [date, plan] of plans) {
    const found = startsOnDay(
      office,
      plan,
      serviceIds,
      durationMinutes * 60_000,
      input.online === false ? now.getTime() : window.earliest,
      byDay.get(date) ?? [],
      now,
      true,
      online,
    );
    if (found.length > 0) days.push(date);
  }
  return days;
}

export async function findAvailableTimes(deps: Deps, input: AvailabilityInput & { date: string }): Promise<string[]> {
  return (await findAvailableStarts(deps, input)).map((s) => s.iso);
}

export function findAvailableStarts(
  deps: Deps,
  input: AvailabilityInput & { date: string },
): Promise<{ start: number; iso: string }[]> {
  return onCurrentOffice(deps, input.locationId, (office, occupancy, unchecked) =>
    availableStartsOn(deps, office, input, occupancy, unchecked),
  );
}

async function availableStartsOn(
  deps: Deps,
  office: Office,
  input: AvailabilityInput & { date: string },
  occupancy: OccupancyRead,
  unchecked: boolean,
): Promise<{ start: number; iso: string }[] | null> {
  const items = itemsOn(office, input, unchecked);
  if (!items) return null;
  const { serviceIds, durationMinutes } = items;
  const now = deps.clock.now();
  const window = bookingWindow(office.location, now);
  const online = input.online ?? true;
  if (input.date < window.today || input.date > onlineLastDate(office, window.lastDate, now, online))
    return unchecked ? null : [];
  const plan = planDay(office, input.date);
  if (!plan) return unchecked ? null : [];
  const zone = office.location.timeZone;
  const bounds = dayBounds(input.date, zone);
  const appointments = await occupancy(bounds.start, bounds.end, now);
  if (!appointments) return null;
  return startsOnDay(
    office,
    plan,
    serviceIds,
    durationMinutes * 60_000,
    input.online === false ? now.getTime() : window.earliest,
    appointments,
    now,
    false,
    online,
  ).map((start) => ({ start, iso: toZonedIso(start, zone) }));
}
