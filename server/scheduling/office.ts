import { and, eq, gte, inArray, lt } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../../db/client.ts';
import {
  appointmentItems,
  appointments,
  closures,
  counterSkills,
  counters,
  locationServices,
  locations,
  rosterRules,
  scheduleRules,
  services,
} from '../../db/schema/index.ts';
import { AppError } from '../http/errors.ts';
import { DayAllocator, type EngineAppointment, type EngineCounter } from './allocation.ts';
import { type DayPlan, type Interval, mergeIntervals, planDays } from './calendar.ts';
import { closedDates } from './closures.ts';
import { datesBetween } from './recurrence.ts';

/**
 * Reads what the engine needs about one office from the database. Kept apart from the pure modules
 * so a PostgreSQL dialect only touches this file and the use-cases.
 */

export type LocationRow = typeof locations.$inferSelect;
export type ServiceRow = typeof services.$inferSelect;

export interface OfferedService extends ServiceRow {
  bookableOnline: boolean;
  walkIn: boolean;
}

export interface Office {
  location: LocationRow;
  /** Services offered at this location, by code. */
  services: Map<string, OfferedService>;
  counters: { id: number; name: string; skills: Set<number> }[];
  scheduleRules: (typeof scheduleRules.$inferSelect)[];
  rosterRules: (typeof rosterRules.$inferSelect)[];
  closures: { date: string; locationId: string | null }[];
}

export function loadOffice(db: Db, locationId: string): Office | null {
  const location = db.select().from(locations).where(eq(locations.id, locationId)).get();
  if (!location) return null;
  const offered = db
    .select({ service: services, bookableOnline: locationServices.bookableOnline, walkIn: locationServices.walkIn })
    .from(locationServices)
    .innerJoin(services, eq(services.id, locationServices.serviceId))
    .where(eq(locationServices.locationId, locationId))
    .all();
  const counterRows = db
    .select()
    .from(counters)
    .where(and(eq(counters.locationId, locationId), eq(counters.active, true)))
    .all();
  const skills =
    counterRows.length === 0
      ? []
      : db
          .select()
          .from(counterSkills)
          .where(
            inArray(
              counterSkills.counterId,
              counterRows.map((c) => c.id),
            ),
          )
          .all();
  return {
    location,
    services: new Map(
      offered.map((o) => [o.service.code, { ...o.service, bookableOnline: o.bookableOnline, walkIn: o.walkIn }]),
    ),
    counters: counterRows.map((c) => ({
      id: c.id,
      name: c.name,
      skills: new Set(skills.filter((s) => s.counterId === c.id).map((s) => s.serviceId)),
    })),
    scheduleRules: db.select().from(scheduleRules).where(eq(scheduleRules.locationId, locationId)).all(),
    rosterRules: db.select().from(rosterRules).where(eq(rosterRules.locationId, locationId)).all(),
    closures: db
      .select({ date: closures.date, locationId: closures.locationId })
      .from(closures)
      .where(eq(closures.municipalityId, location.municipalityId))
      .all(),
  };
}

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

export interface RequestedItem {
  code: string;
  persons: number;
}

export interface ResolvedItems {
  items: { service: OfferedService; persons: number }[];
  serviceIds: number[];
  durationMinutes: number;
}

/**
 * Checks the requested services against the office: offered here, bookable (online for residents),
 * persons within the service's maximum. Duration = Σ minutes × persons, rounded up to the grid.
 */
export function resolveItems(office: Office, requested: readonly RequestedItem[], online: boolean): ResolvedItems {
  if (requested.length === 0) throw new AppError('validation-failed', 'Choose at least one service');
  const seen = new Set<string>();
  const items = requested.map((r) => {
    if (seen.has(r.code)) throw new AppError('validation-failed', `Service ${r.code} is listed twice`);
    seen.add(r.code);
    const service = office.services.get(r.code);
    if (!service) throw new AppError('validation-failed', `Service ${r.code} is not offered at this location`);
    if (online && !service.bookableOnline)
      throw new AppError('validation-failed', `Service ${r.code} cannot be booked online at this location`);
    if (!Number.isInteger(r.persons) || r.persons < 1 || r.persons > service.maxPersons)
      throw new AppError('validation-failed', `Service ${r.code} takes 1 to ${service.maxPersons} persons`);
    return { service, persons: r.persons };
  });
  const minutes = items.reduce((sum, i) => sum + i.service.minutesPerPerson * i.persons, 0);
  const grid = office.location.slotGridMinutes;
  return {
    items,
    serviceIds: items.map((i) => i.service.id),
    durationMinutes: Math.ceil(minutes / grid) * grid,
  };
}

/** Engine counters of one day, from its plan. */
export function engineCounters(office: Office, plan: DayPlan): EngineCounter[] {
  return office.counters
    .filter((c) => (plan.counterWindows.get(c.id)?.length ?? 0) > 0)
    .map((c) => ({ id: c.id, skills: c.skills, windows: plan.counterWindows.get(c.id) ?? [] }));
}

/** Active appointments (booked or checked in) starting in [from, to), with their services. */
export function loadActiveAppointments(db: Db, locationId: string, from: number, to: number, now: Date) {
  const rows = db
    .select({
      id: appointments.id,
      counterId: appointments.counterId,
      startsAt: appointments.startsAt,
      endsAt: appointments.endsAt,
      status: appointments.status,
    })
    .from(appointments)
    .where(
      and(
        eq(appointments.locationId, locationId),
        gte(appointments.startsAt, new Date(from)),
        lt(appointments.startsAt, new Date(to)),
        inArray(appointments.status, ['booked', 'checked-in']),
      ),
    )
    .all();
  const items =
    rows.length === 0
      ? []
      : db
          .select({ appointmentId: appointmentItems.appointmentId, serviceId: appointmentItems.serviceId })
          .from(appointmentItems)
          .where(
            inArray(
              appointmentItems.appointmentId,
              rows.map((r) => r.id),
            ),
          )
          .all();
  const byAppointment = new Map<number, number[]>();
  for (const i of items) {
    const list = byAppointment.get(i.appointmentId) ?? [];
    list.push(i.serviceId);
    byAppointment.set(i.appointmentId, list);
  }
  return rows.map(
    (r): EngineAppointment => ({
      id: r.id,
      counterId: r.counterId,
      start: r.startsAt.getTime(),
      end: r.endsAt.getTime(),
      serviceIds: byAppointment.get(r.id) ?? [],
      // Only future appointments nobody has checked in for may move to another counter.
      movable: r.status === 'booked' && r.startsAt.getTime() > now.getTime(),
    }),
  );
}

/** The instants of a local date's midnight to the next. */
export function dayBounds(date: string, zone: string): Interval {
  const start = DateTime.fromISO(date, { zone });
  return { start: start.toMillis(), end: start.plus({ days: 1 }).toMillis() };
}

/** Builds the allocator of one day with its active appointments, optionally leaving one out. */
export function allocatorFor(
  db: Db,
  office: Office,
  plan: DayPlan,
  now: Date,
  options: { exclude?: number; appointments?: EngineAppointment[] } = {},
): { allocator: DayAllocator; counters: EngineCounter[]; appointments: EngineAppointment[] } {
  const counters = engineCounters(office, plan);
  const bounds = dayBounds(plan.date, office.location.timeZone);
  const all = options.appointments ?? loadActiveAppointments(db, office.location.id, bounds.start, bounds.end, now);
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
  const zone = location.timeZone;
  const today = DateTime.fromJSDate(now, { zone }).toISODate() as string;
  return {
    earliest: now.getTime() + location.minNoticeMinutes * 60_000,
    lastDate: DateTime.fromISO(today, { zone }).plus({ days: location.maxDaysAhead }).toISODate() as string,
    today,
  };
}
