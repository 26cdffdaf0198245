import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import {
  closures,
  counterSkills,
  counters,
  locationServices,
  locations,
  rosterRules,
  scheduleRules,
  services,
} from '../../db/schema/index.ts';
import { AppError } from '../errors.ts';
import { DayAllocator, type EngineAppointment, type EngineCounter } from './allocation.ts';
import { type DayPlan, type Interval, localDateOf, localDay, mergeIntervals, planDays } from './calendar.ts';
import { closedDates } from './closures.ts';
import { addDays, datesBetween } from './recurrence.ts';

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

type Statement = { get(): unknown };
const versionStatements = new WeakMap<Db['$client'], Statement>();
const officeCache = new WeakMap<
  Db['$client'],
  Map<string, { version: number; office: Office; plans: Map<string, DayPlan> }>
>();

/** The scheduling configuration version (bumped by triggers on every table an Office is built from). */
function configVersion(db: Db): number {
  let statement = versionStatements.get(db.$client);
  if (!statement) {
    const prepared = db.$client.prepare('SELECT version FROM scheduling_config_version WHERE id = 1').pluck();
    statement = { get: () => prepared.get() };
    versionStatements.set(db.$client, statement);
  }
  return Number(statement.get() ?? 0);
}

/**
 * The office as the engine sees it. Kept in memory per connection and location while the
 * configuration version is unchanged: one tiny read instead of seven queries per booking, and a
 * change by any process (admin endpoints, another node) is seen at the next read.
 */
export function loadOffice(db: Db, locationId: string): Office | null {
  const version = configVersion(db);
  let perDb = officeCache.get(db.$client);
  if (!perDb) {
    perDb = new Map();
    officeCache.set(db.$client, perDb);
  }
  const hit = perDb.get(locationId);
  if (hit && hit.version === version) return hit.office;
  const office = readOffice(db, locationId);
  if (office) perDb.set(locationId, { version, office, plans: new Map() });
  else perDb.delete(locationId);
  return office;
}

function readOffice(db: Db, locationId: string): Office | null {
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

/** The plan of one day, memoised with the cached office (plans only depend on the office and the date). */
export function planDay(db: Db, office: Office, date: string): DayPlan | undefined {
  const cached = officeCache.get(db.$client)?.get(office.location.id);
  if (!cached || cached.office !== office) return planOffice(office, date, date).get(date);
  let plan = cached.plans.get(date);
  if (!plan) {
    plan = planOffice(office, date, date).get(date);
    if (!plan) return undefined;
    if (cached.plans.size > 400) cached.plans.clear();
    cached.plans.set(date, plan);
  }
  return plan;
}

/** Walk-in hours of one location and local date (epoch ms); [] when closed or unknown. Cached with the plan. */
export function walkInHoursOf(db: Db, locationId: string, date: string): Interval[] {
  const office = loadOffice(db, locationId);
  return office ? (planDay(db, office, date)?.walkInHours ?? []) : [];
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

const activeStatements = new WeakMap<Db['$client'], { all(...params: unknown[]): unknown[] }>();

/**
 * Active appointments (held and not lapsed, booked, checked in) starting in [from, to), with their services. The hot
 * read of every booking and availability answer: one prepared statement per connection.
 */
export function loadActiveAppointments(db: Db, locationId: string, from: number, to: number, now: Date) {
  let statement = activeStatements.get(db.$client);
  if (!statement) {
    statement = db.$client.prepare(
      `SELECT a.id AS id, a.counter_id AS counterId, a.starts_at AS startsAt, a.ends_at AS endsAt, a.status AS status,
              a.channel AS channel, group_concat(i.service_id) AS serviceIds
         FROM appointments a LEFT JOIN appointment_items i ON i.appointment_id = a.id
        WHERE a.location_id = ? AND a.starts_at >= ? AND a.starts_at < ?
          AND (a.status IN ('booked', 'checked-in') OR (a.status = 'held' AND a.hold_expires_at > ?))
        GROUP BY a.id`,
    );
    activeStatements.set(db.$client, statement);
  }
  // A hold that has not lapsed counts as taken (rule 8).
  const rows = statement.all(locationId, from, to, now.getTime()) as {
    id: number;
    counterId: number;
    startsAt: number;
    endsAt: number;
    status: string;
    channel: string;
    serviceIds: string | null;
  }[];
  return rows.map(
    (r): EngineAppointment => ({
      id: r.id,
      counterId: r.counterId,
      start: r.startsAt,
      end: r.endsAt,
      serviceIds: r.serviceIds ? r.serviceIds.split(',').map(Number) : [],
      // Only future appointments nobody has checked in for may move to another counter.
      movable: (r.status === 'booked' || r.status === 'held') && r.startsAt > now.getTime(),
      online: r.channel === 'online',
    }),
  );
}

/** The instants of a local date's midnight to the next. */
export function dayBounds(date: string, zone: string): Interval {
  const { start, end } = localDay(date, zone);
  return { start, end };
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
  const today = localDateOf(now, location.timeZone);
  return {
    earliest: now.getTime() + location.minNoticeMinutes * 60_000,
    lastDate: addDays(today, location.maxDaysAhead),
    today,
  };
}
