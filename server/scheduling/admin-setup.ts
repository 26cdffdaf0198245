import { and, asc, eq, isNull, or } from 'drizzle-orm';
import { writeTransaction } from '../../db/client.ts';
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
import { recordAudit } from '../auth/audit.ts';
import { canAccessLocation, type StaffPrincipal } from '../auth/principal.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { localDateOf } from './calendar.ts';
import { publicHolidays } from './closures.ts';
import { checkRuleBody } from './recurrence.ts';
import { revalidateFutureAppointments } from './revalidate.ts';

/**
 * Set-up use-cases for supervisors (their locations) and admins (their municipality): hours,
 * rosters, closures, counters and skills, services. Each runs in one transaction with an audit
 * entry and re-checks the booked future (revalidate.ts), so no change can break invariant 1 (ARCHITECTURE.md#invariants).
 */

type Location = typeof locations.$inferSelect;

function locationFor(deps: Deps, staff: StaffPrincipal, locationId: string): Location {
  const location = deps.db.select().from(locations).where(eq(locations.id, locationId)).get();
  if (!location || location.municipalityId !== staff.municipalityId)
    throw new AppError('not-found', 'No such location');
  if (!canAccessLocation(staff, locationId)) throw new AppError('forbidden', 'Not your location');
  return location;
}

function change<T>(
  deps: Deps,
  staff: StaffPrincipal,
  location: Location | null,
  action: string,
  work: (tx: Deps['db'], now: Date) => { result: T; targetId?: string | number; details?: Record<string, unknown> },
): T & { movedAppointments: number } {
  const outcome = writeTransaction(deps.db, (tx) => {
    const now = deps.clock.now();
    const { result, targetId, details } = work(tx, now);
    const touched = location
      ? [location.id]
      : tx
          .select({ id: locations.id })
          .from(locations)
          .where(eq(locations.municipalityId, staff.municipalityId))
          .all()
          .map((l) => l.id);
    let moved = 0;
    for (const id of touched) moved += revalidateFutureAppointments(tx, id, now).moved;
    recordAudit(tx, staff, staff.municipalityId, now, {
      action,
      targetType: action.split('.')[0],
      targetId,
      locationId: location?.id ?? null,
      details: { ...details, movedAppointments: moved },
    });
    return { result: { ...result, movedAppointments: moved }, touched };
  });
  // Displays, kiosks and consoles show counter names, services and hours: tell them after the commit.
  for (const locationId of outcome.touched) deps.events.publish('location:changed', { locationId, reason: 'setup' });
  return outcome.result;
}

export function readSetup(deps: Deps, staff: StaffPrincipal, locationId: string) {
  const location = locationFor(deps, staff, locationId);
  const db = deps.db;
  const counterRows = db
    .select()
    .from(counters)
    .where(eq(counters.locationId, locationId))
    .orderBy(asc(counters.id))
    .all();
  const skills = db
    .select({ counterId: counterSkills.counterId, code: services.code })
    .from(counterSkills)
    .innerJoin(services, eq(services.id, counterSkills.serviceId))
    .all();
  const offered = db
    .select({ code: services.code, bookableOnline: locationServices.bookableOnline, walkIn: locationServices.walkIn })
    .from(locationServices)
    .innerJoin(services, eq(services.id, locationServices.serviceId))
    .where(eq(locationServices.locationId, locationId))
    .all();
  const today = localDateOf(deps.clock.now(), location.timeZone);
  const year = Number(today.slice(0, 4));
  const holidays = [...publicHolidays(year, location), ...publicHolidays(year + 1, location)]
    .filter(([date]) => date >= today)
    .map(([date, name]) => ({ date, name }));
  return {
    location: {
      id: location.id,
      name: location.name,
      timeZone: location.timeZone,
      slotGridMinutes: location.slotGridMinutes,
      walkInShare: location.walkInShare,
      minNoticeMinutes: location.minNoticeMinutes,
      maxDaysAhead: location.maxDaysAhead,
      closedOnGoodFriday: location.closedOnGoodFriday,
      closedOnLiberationDay: location.closedOnLiberationDay,
    },
    services: offered,
    counters: counterRows.map((c) => ({
      id: c.id,
      name: c.name,
      active: c.active,
      skills: skills.filter((s) => s.counterId === c.id).map((s) => s.code),
    })),
    scheduleRules: db.select().from(scheduleRules).where(eq(scheduleRules.locationId, locationId)).all(),
    rosterRules: db.select().from(rosterRules).where(eq(rosterRules.locationId, locationId)).all(),
    closures: db
      .select()
      .from(closures)
      .where(
        and(
          eq(closures.municipalityId, location.municipalityId),
          or(isNull(closures.locationId), eq(closures.locationId, locationId)),
        ),
      )
      .orderBy(asc(closures.date))
      .all(),
    holidays,
  };
}

export interface SettingsInput {
  slotGridMinutes?: number;
  walkInShare?: number;
  minNoticeMinutes?: number;
  maxDaysAhead?: number;
  closedOnGoodFriday?: boolean;
  closedOnLiberationDay?: boolean;
}

export function updateSettings(deps: Deps, staff: StaffPrincipal, locationId: string, input: SettingsInput) {
  const location = locationFor(deps, staff, locationId);
  return change(deps, staff, location, 'location.settings', (tx) => {
    tx.update(locations).set(input).where(eq(locations.id, locationId)).run();
    return { result: {}, targetId: locationId, details: { ...input } };
  });
}

function checkTimes(from: string, to: string): void {
  if (from >= to) throw new AppError('validation-failed', 'The end must be after the start');
}

function checkRule(rrule: string | null | undefined): void {
  if (!rrule) return;
  const problem = checkRuleBody(rrule);
  if (problem) throw new AppError('validation-failed', `rrule: ${problem}`);
}

export interface ScheduleRuleInput {
  kind: 'opening' | 'appointments' | 'walk-in';
  rrule: string;
  startsOn: string;
  endsOn?: string | null;
  opensAt: string;
  closesAt: string;
}

export function saveScheduleRule(
  deps: Deps,
  staff: StaffPrincipal,
  locationId: string,
  input: ScheduleRuleInput,
  ruleId?: number,
) {
  const location = locationFor(deps, staff, locationId);
  checkRule(input.rrule);
  checkTimes(input.opensAt, input.closesAt);
  return change(deps, staff, location, ruleId ? 'schedule-rule.update' : 'schedule-rule.create', (tx) => {
    const values = { ...input, endsOn: input.endsOn ?? null, locationId };
    if (ruleId) {
      const r = tx
        .update(scheduleRules)
        .set(values)
        .where(and(eq(scheduleRules.id, ruleId), eq(scheduleRules.locationId, locationId)))
        .returning()
        .get();
      if (!r) throw new AppError('not-found', 'No such rule');
      return { result: { rule: r }, targetId: r.id };
    }
    const r = tx.insert(scheduleRules).values(values).returning().get();
    return { result: { rule: r }, targetId: r.id };
  });
}

export function deleteScheduleRule(deps: Deps, staff: StaffPrincipal, locationId: string, ruleId: number) {
  const location = locationFor(deps, staff, locationId);
  return change(deps, staff, location, 'schedule-rule.delete', (tx) => {
    const r = tx
      .delete(scheduleRules)
      .where(and(eq(scheduleRules.id, ruleId), eq(scheduleRules.locationId, locationId)))
      .run();
    if (r.changes === 0) throw new AppError('not-found', 'No such rule');
    return { result: {}, targetId: ruleId };
  });
}

export interface RosterRuleInput {
  counterId: number;
  rrule?: string | null;
  startsOn: string;
  endsOn?: string | null;
  startsAt: string;
  endsAt: string;
  mode: 'appointments' | 'walk-in' | 'both';
}

export function saveRosterRule(
  deps: Deps,
  staff: StaffPrincipal,
  locationId: string,
  input: RosterRuleInput,
  ruleId?: number,
) {
  const location = locationFor(deps, staff, locationId);
  checkRule(input.rrule);
  checkTimes(input.startsAt, input.endsAt);
  return change(deps, staff, location, ruleId ? 'roster-rule.update' : 'roster-rule.create', (tx) => {
    const counter = tx.select().from(counters).where(eq(counters.id, input.counterId)).get();
    if (!counter || counter.locationId !== locationId)
      throw new AppError('validation-failed', 'The counter is not at this location');
    const values = { ...input, rrule: input.rrule ?? null, endsOn: input.endsOn ?? null, locationId };
    if (ruleId) {
      const r = tx
        .update(rosterRules)
        .set(values)
        .where(and(eq(rosterRules.id, ruleId), eq(rosterRules.locationId, locationId)))
        .returning()
        .get();
      if (!r) throw new AppError('not-found', 'No such roster rule');
      return { result: { rule: r }, targetId: r.id };
    }
    const r = tx.insert(rosterRules).values(values).returning().get();
    return { result: { rule: r }, targetId: r.id };
  });
}

export function deleteRosterRule(deps: Deps, staff: StaffPrincipal, locationId: string, ruleId: number) {
  const location = locationFor(deps, staff, locationId);
  return change(deps, staff, location, 'roster-rule.delete', (tx) => {
    const r = tx
      .delete(rosterRules)
      .where(and(eq(rosterRules.id, ruleId), eq(rosterRules.locationId, locationId)))
      .run();
    if (r.changes === 0) throw new AppError('not-found', 'No such roster rule');
    return { result: {}, targetId: ruleId };
  });
}

export interface ClosureInput {
  date: string;
  kind: 'bridge' | 'local';
  reason: string;
}

/** A closed day for one location, or (admins, `locationId` null) for the whole municipality. */
export function addClosure(deps: Deps, staff: StaffPrincipal, locationId: string | null, input: ClosureInput) {
  const location = locationId ? locationFor(deps, staff, locationId) : null;
  if (!location && staff.role !== 'admin') throw new AppError('forbidden', 'Only admins close every location');
  return change(deps, staff, location, 'closure.create', (tx) => {
    const r = tx
      .insert(closures)
      .values({ ...input, municipalityId: staff.municipalityId, locationId: location?.id ?? null })
      .returning()
      .get();
    return { result: { closure: r }, targetId: r.id, details: { date: input.date } };
  });
}

export function deleteClosure(deps: Deps, staff: StaffPrincipal, closureId: number) {
  const row = deps.db.select().from(closures).where(eq(closures.id, closureId)).get();
  if (!row || row.municipalityId !== staff.municipalityId) throw new AppError('not-found', 'No such closure');
  const location = row.locationId ? locationFor(deps, staff, row.locationId) : null;
  if (!location && staff.role !== 'admin') throw new AppError('forbidden', 'Only admins change municipality closures');
  return change(deps, staff, location, 'closure.delete', (tx) => {
    tx.delete(closures).where(eq(closures.id, closureId)).run();
    return { result: {}, targetId: closureId };
  });
}

function serviceIdsFor(tx: Deps['db'], municipalityId: string, codes: readonly string[]): number[] {
  return codes.map((code) => {
    const s = tx
      .select({ id: services.id })
      .from(services)
      .where(and(eq(services.municipalityId, municipalityId), eq(services.code, code)))
      .get();
    if (!s) throw new AppError('validation-failed', `Unknown service ${code}`);
    return s.id;
  });
}

export function createCounter(
  deps: Deps,
  staff: StaffPrincipal,
  locationId: string,
  input: { name: string; skills: string[] },
) {
  const location = locationFor(deps, staff, locationId);
  return change(deps, staff, location, 'counter.create', (tx) => {
    const ids = serviceIdsFor(tx, staff.municipalityId, input.skills);
    const c = tx.insert(counters).values({ locationId, name: input.name }).returning().get();
    if (ids.length > 0)
      tx.insert(counterSkills)
        .values(ids.map((serviceId) => ({ counterId: c.id, serviceId })))
        .run();
    return { result: { counter: { id: c.id, name: c.name, active: c.active, skills: input.skills } }, targetId: c.id };
  });
}

export function updateCounter(
  deps: Deps,
  staff: StaffPrincipal,
  locationId: string,
  counterId: number,
  input: { name?: string; active?: boolean; skills?: string[] },
) {
  const location = locationFor(deps, staff, locationId);
  return change(deps, staff, location, 'counter.update', (tx) => {
    const c = tx.select().from(counters).where(eq(counters.id, counterId)).get();
    if (!c || c.locationId !== locationId) throw new AppError('not-found', 'No such counter');
    if (input.name !== undefined || input.active !== undefined)
      tx.update(counters)
        .set({
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.active !== undefined ? { active: input.active } : {}),
        })
        .where(eq(counters.id, counterId))
        .run();
    if (input.skills) {
      const ids = serviceIdsFor(tx, staff.municipalityId, input.skills);
      tx.delete(counterSkills).where(eq(counterSkills.counterId, counterId)).run();
      if (ids.length > 0)
        tx.insert(counterSkills)
          .values(ids.map((serviceId) => ({ counterId, serviceId })))
          .run();
    }
    const after = tx.select().from(counters).where(eq(counters.id, counterId)).get();
    const skills = tx
      .select({ code: services.code })
      .from(counterSkills)
      .innerJoin(services, eq(services.id, counterSkills.serviceId))
      .where(eq(counterSkills.counterId, counterId))
      .all()
      .map((s) => s.code);
    return {
      result: { counter: { id: counterId, name: after?.name ?? c.name, active: after?.active ?? c.active, skills } },
      targetId: counterId,
      details: { skills: input.skills ?? null, active: input.active ?? null },
    };
  });
}

export interface ServiceInput {
  code: string;
  nameNl: string;
  nameEn: string;
  minutesPerPerson: number;
  maxPersons: number;
  ticketLetter: string;
  necessitiesNl?: string[];
  necessitiesEn?: string[];
  targetWaitMinutes?: number;
  followUpServiceCode?: string | null;
  followUpMinWorkingDays?: number | null;
}

export function createService(deps: Deps, staff: StaffPrincipal, input: ServiceInput) {
  if (staff.role !== 'admin') throw new AppError('forbidden', 'Only admins manage services');
  return change(deps, staff, null, 'service.create', (tx) => {
    const exists = tx
      .select({ id: services.id })
      .from(services)
      .where(and(eq(services.municipalityId, staff.municipalityId), eq(services.code, input.code)))
      .get();
    if (exists) throw new AppError('conflict', `Service ${input.code} exists`);
    const r = tx
      .insert(services)
      .values({
        ...input,
        necessitiesNl: input.necessitiesNl ?? [],
        necessitiesEn: input.necessitiesEn ?? [],
        municipalityId: staff.municipalityId,
      })
      .returning()
      .get();
    return { result: { service: r }, targetId: input.code };
  });
}

export function updateService(
  deps: Deps,
  staff: StaffPrincipal,
  code: string,
  input: Partial<Omit<ServiceInput, 'code'>>,
) {
  if (staff.role !== 'admin') throw new AppError('forbidden', 'Only admins manage services');
  return change(deps, staff, null, 'service.update', (tx) => {
    const r = tx
      .update(services)
      .set(input)
      .where(and(eq(services.municipalityId, staff.municipalityId), eq(services.code, code)))
      .returning()
      .get();
    if (!r) throw new AppError('not-found', 'No such service');
    return { result: { service: r }, targetId: code, details: { ...input } };
  });
}

export function offerService(
  deps: Deps,
  staff: StaffPrincipal,
  locationId: string,
  code: string,
  input: { bookableOnline: boolean; walkIn: boolean } | null,
) {
  const location = locationFor(deps, staff, locationId);
  return change(deps, staff, location, input ? 'location-service.save' : 'location-service.delete', (tx) => {
    const [serviceId] = serviceIdsFor(tx, staff.municipalityId, [code]);
    if (serviceId === undefined) throw new AppError('not-found');
    tx.delete(locationServices)
      .where(and(eq(locationServices.locationId, locationId), eq(locationServices.serviceId, serviceId)))
      .run();
    if (input)
      tx.insert(locationServices)
        .values({ locationId, serviceId, ...input })
        .run();
    return { result: {}, targetId: code, details: input ? { ...input } : {} };
  });
}
