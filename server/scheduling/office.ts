import type { Db } from '../../db/client.ts';
import { occupancyOn } from '../../db/sqlite/appointment-store.ts';
import { officeStoreOn } from '../../db/sqlite/office-store.ts';
import type { DayAllocator, EngineAppointment, EngineCounter } from './allocation.ts';
import type { DayPlan } from './calendar.ts';
import { allocatorFor as allocatorOver, dayBounds, engineAppointments, planDay as planOfficeDay } from './day-plans.ts';
import { cachedVersion, type Office, officeOf, rememberOffice } from './office-cache.ts';

/**
 * The office for callers still on a synchronous SQLite connection (`deps.db`): a few benches and
 * tests. Scheduling's own use-cases read through the storage seam
 * (`office-cache.ts#getOffice`, `day-plans.ts`); this file goes when the last caller has moved.
 */

export { bookingWindow, closedSet, dayBounds, engineCounters, planOffice, skilledSpans } from './day-plans.ts';
export type { LocationRow, OfferedService, Office } from './office-cache.ts';
export { type RequestedItem, type ResolvedItems, resolveItems } from './requested-items.ts';

/**
 * The office of a location on this connection, cached while the configuration version is unchanged.
 * `fresh`: read by a transaction that changed the configuration itself (see `office-cache.ts#getOffice`).
 */
export function loadOffice(db: Db, locationId: string, options: { fresh?: boolean } = {}): Office | null {
  const store = officeStoreOn(db);
  if (options.fresh) {
    const { office } = store.officeSince(locationId, null);
    return office ? officeOf(office) : null;
  }
  let snapshot = store.officeSince(locationId, cachedVersion(store, locationId));
  if (snapshot.office === undefined && cachedVersion(store, locationId) !== snapshot.version)
    snapshot = store.officeSince(locationId, null);
  return rememberOffice(store, locationId, snapshot);
}

/** The plan of one day, memoised with the office (the connection is not needed; kept for the callers). */
export function planDay(_db: Db, office: Office, date: string): DayPlan | undefined {
  return planOfficeDay(office, date);
}

/** Active appointments (held and not lapsed, booked, checked in) starting in [from, to), as the engine sees them. */
export function loadActiveAppointments(
  db: Db,
  locationId: string,
  from: number,
  to: number,
  now: Date,
): EngineAppointment[] {
  return engineAppointments(occupancyOn(db, locationId, from, to, now), now);
}

/** Builds the allocator of one day with its active appointments, optionally leaving one out. */
export function allocatorFor(
  db: Db,
  office: Office,
  plan: DayPlan,
  now: Date,
  options: { exclude?: number; appointments?: EngineAppointment[] } = {},
): { allocator: DayAllocator; counters: EngineCounter[]; appointments: EngineAppointment[] } {
  const bounds = dayBounds(plan.date, office.location.timeZone);
  const all = options.appointments ?? loadActiveAppointments(db, office.location.id, bounds.start, bounds.end, now);
  return allocatorOver(office, plan, all, { exclude: options.exclude });
}
