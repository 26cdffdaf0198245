import { and, asc, eq, inArray, isNull, or } from 'drizzle-orm';
import type {
  CatalogLocationRecord,
  CatalogServiceRecord,
  CounterSetupRecord,
  LocationSetupRecord,
  OfficeRecord,
  OfficeStore,
} from '../../server/scheduling/office-store.ts';
import type { Synchronous } from '../../server/storage.ts';
import type { Db } from '../client.ts';
import {
  catalogLocationsOf,
  catalogServicesOf,
  countersWithSkills,
  locationSetupOf,
  officeRecordOf,
} from '../office-records.ts';
import {
  closures,
  counterSkills,
  counters,
  locationServices,
  locations,
  rosterRules,
  scheduleRules,
  serviceFees,
  services,
} from '../schema/index.ts';
import { replaceServiceFees } from '../service-fees.ts';
import {
  applySetupDocument,
  checkSetupReferences,
  municipalityLocationIds,
  readSetupDocument,
} from '../setup-document.ts';
import { serviceExists } from '../setup-plan.ts';

/** The office configuration on SQLite: the version check is one prepared statement per connection (hot path). */
export function sqliteOfficeStore(db: Db): Synchronous<OfficeStore> {
  // Prepared lazily: the storage may be built before the migrations ran.
  let version: { get(): unknown } | undefined;
  const currentVersion = (): number => {
    version ??= db.$client.prepare('SELECT version FROM scheduling_config_version WHERE id = 1').pluck();
    return Number(version.get() ?? 0);
  };
  return {
    officeSince(locationId, knownVersion) {
      const v = currentVersion();
      if (knownVersion !== null && v === knownVersion) return { version: v, office: undefined };
      return { version: v, office: readOffice(db, locationId) };
    },
    updateLocation(locationId, changes) {
      if (Object.keys(changes).length > 0) db.update(locations).set(changes).where(eq(locations.id, locationId)).run();
    },

    location: (locationId) => db.select().from(locations).where(eq(locations.id, locationId)).get() ?? null,
    locationIdsOf: (municipalityId) => municipalityLocationIds(db, municipalityId),
    locationSetup: (locationId, municipalityId) => locationSetup(db, locationId, municipalityId),
    serviceIds(municipalityId, codes) {
      if (codes.length === 0) return new Map();
      const rows = db
        .select({ id: services.id, code: services.code })
        .from(services)
        .where(and(eq(services.municipalityId, municipalityId), inArray(services.code, [...codes])))
        .all();
      return new Map(rows.map((r) => [r.code, r.id]));
    },
    counter: (counterId) => counterSetup(db, counterId),
    insertCounter(locationId, name, serviceIds) {
      const c = db.insert(counters).values({ locationId, name }).returning({ id: counters.id }).get();
      replaceSkills(db, c.id, serviceIds);
      return counterSetup(db, c.id) as CounterSetupRecord;
    },
    updateCounter(counterId, changes, serviceIds) {
      if (changes.name !== undefined || changes.active !== undefined)
        db.update(counters)
          .set({
            ...(changes.name !== undefined ? { name: changes.name } : {}),
            ...(changes.active !== undefined ? { active: changes.active } : {}),
          })
          .where(eq(counters.id, counterId))
          .run();
      if (serviceIds) replaceSkills(db, counterId, serviceIds);
      const saved = counterSetup(db, counterId);
      if (!saved) throw new Error(`no counter ${counterId}`);
      return saved;
    },
    closure: (closureId) => db.select().from(closures).where(eq(closures.id, closureId)).get() ?? null,
    insertClosure: (values) => db.insert(closures).values(values).returning().get(),
    deleteClosure(closureId) {
      db.delete(closures).where(eq(closures.id, closureId)).run();
    },
    saveScheduleRule(locationId, values, ruleId) {
      if (ruleId === undefined)
        return db
          .insert(scheduleRules)
          .values({ ...values, locationId })
          .returning()
          .get();
      return (
        db
          .update(scheduleRules)
          .set({ ...values, locationId })
          .where(and(eq(scheduleRules.id, ruleId), eq(scheduleRules.locationId, locationId)))
          .returning()
          .get() ?? null
      );
    },
    deleteScheduleRule: (locationId, ruleId) =>
      db
        .delete(scheduleRules)
        .where(and(eq(scheduleRules.id, ruleId), eq(scheduleRules.locationId, locationId)))
        .run().changes > 0,
    saveRosterRule(locationId, values, ruleId) {
      if (ruleId === undefined)
        return db
          .insert(rosterRules)
          .values({ ...values, locationId })
          .returning()
          .get();
      return (
        db
          .update(rosterRules)
          .set({ ...values, locationId })
          .where(and(eq(rosterRules.id, ruleId), eq(rosterRules.locationId, locationId)))
          .returning()
          .get() ?? null
      );
    },
    deleteRosterRule: (locationId, ruleId) =>
      db
        .delete(rosterRules)
        .where(and(eq(rosterRules.id, ruleId), eq(rosterRules.locationId, locationId)))
        .run().changes > 0,
    setOffered(locationId, serviceId, offer) {
      db.delete(locationServices)
        .where(and(eq(locationServices.locationId, locationId), eq(locationServices.serviceId, serviceId)))
        .run();
      if (offer)
        db.insert(locationServices)
          .values({ locationId, serviceId, ...offer })
          .run();
    },
    serviceByCode: (municipalityId, code) =>
      db
        .select()
        .from(services)
        .where(and(eq(services.municipalityId, municipalityId), eq(services.code, code)))
        .get() ?? null,
    insertService(values) {
      try {
        return db.insert(services).values(values).returning().get();
      } catch (err) {
        // The unique index is the last line behind the use-case's own check: the same 409 as on PostgreSQL.
        if (err instanceof Error && /UNIQUE constraint failed: services\./.test(err.message))
          throw serviceExists(values.code);
        throw err;
      }
    },
    updateService(municipalityId, code, changes) {
      const where = and(eq(services.municipalityId, municipalityId), eq(services.code, code));
      if (Object.keys(changes).length === 0) return db.select().from(services).where(where).get() ?? null;
      return db.update(services).set(changes).where(where).returning().get() ?? null;
    },
    replaceServiceFees: (municipalityId, code, fees) => replaceServiceFees(db, municipalityId, code, fees),
    setupDocument: (municipalityId) => readSetupDocument(db, municipalityId),
    checkSetupReferences: (municipalityId, doc) => checkSetupReferences(db, municipalityId, doc),
    applySetupDocument: (municipalityId, doc) => applySetupDocument(db, municipalityId, doc),

    catalogServices: (municipalityId) => catalogServices(db, municipalityId),
    catalogLocations: (municipalityId) => catalogLocations(db, municipalityId),
  };
}

/** A counter's skills replaced by the given services (each once: they are a set, the primary key says so). */
function replaceSkills(db: Db, counterId: number, serviceIds: readonly number[]): void {
  db.delete(counterSkills).where(eq(counterSkills.counterId, counterId)).run();
  const unique = [...new Set(serviceIds)];
  if (unique.length > 0)
    db.insert(counterSkills)
      .values(unique.map((serviceId) => ({ counterId, serviceId })))
      .run();
}

/** A location's opening-hours and roster rules: part of its office and of its set-up. */
function locationRules(db: Db, locationId: string) {
  return {
    scheduleRules: db.select().from(scheduleRules).where(eq(scheduleRules.locationId, locationId)).all(),
    rosterRules: db.select().from(rosterRules).where(eq(rosterRules.locationId, locationId)).all(),
  };
}

function readOffice(db: Db, locationId: string): OfficeRecord | null {
  const location = db.select().from(locations).where(eq(locations.id, locationId)).get();
  if (!location) return null;
  const counterRows = db
    .select({ id: counters.id, name: counters.name })
    .from(counters)
    .where(and(eq(counters.locationId, locationId), eq(counters.active, true)))
    .all();
  return officeRecordOf({
    location,
    offered: db
      .select({ service: services, bookableOnline: locationServices.bookableOnline, walkIn: locationServices.walkIn })
      .from(locationServices)
      .innerJoin(services, eq(services.id, locationServices.serviceId))
      .where(eq(locationServices.locationId, locationId))
      .all(),
    counters: counterRows,
    skills:
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
            .all(),
    ...locationRules(db, locationId),
    closures: db
      .select({ date: closures.date, locationId: closures.locationId })
      .from(closures)
      .where(eq(closures.municipalityId, location.municipalityId))
      .all(),
  });
}

function catalogServices(db: Db, municipalityId?: string): CatalogServiceRecord[] {
  return catalogServicesOf(
    db
      .select()
      .from(services)
      .where(municipalityId ? eq(services.municipalityId, municipalityId) : undefined)
      .orderBy(asc(services.municipalityId), asc(services.sortOrder), asc(services.id))
      .all(),
    db.select().from(locationServices).all(),
    db.select().from(serviceFees).all(),
  );
}

function catalogLocations(db: Db, municipalityId?: string): CatalogLocationRecord[] {
  const rows = db
    .select()
    .from(locations)
    .where(municipalityId ? eq(locations.municipalityId, municipalityId) : undefined)
    .orderBy(asc(locations.name))
    .all();
  const offered =
    rows.length === 0
      ? []
      : db
          .select({
            locationId: locationServices.locationId,
            code: services.code,
            bookableOnline: locationServices.bookableOnline,
            walkIn: locationServices.walkIn,
          })
          .from(locationServices)
          .innerJoin(services, eq(services.id, locationServices.serviceId))
          .where(
            inArray(
              locationServices.locationId,
              rows.map((r) => r.id),
            ),
          )
          .orderBy(asc(services.sortOrder), asc(services.id))
          .all();
  return catalogLocationsOf(rows, offered);
}

function counterSetup(db: Db, counterId: number): CounterSetupRecord | null {
  const c = db.select().from(counters).where(eq(counters.id, counterId)).get();
  if (!c) return null;
  const skills = db
    .select({ counterId: counterSkills.counterId, code: services.code })
    .from(counterSkills)
    .innerJoin(services, eq(services.id, counterSkills.serviceId))
    .where(eq(counterSkills.counterId, counterId))
    .all();
  return countersWithSkills([c], skills)[0] ?? null;
}

function locationSetup(db: Db, locationId: string, municipalityId: string): LocationSetupRecord {
  return locationSetupOf({
    counters: db.select().from(counters).where(eq(counters.locationId, locationId)).orderBy(asc(counters.id)).all(),
    skills: db
      .select({ counterId: counterSkills.counterId, code: services.code })
      .from(counterSkills)
      .innerJoin(services, eq(services.id, counterSkills.serviceId))
      .innerJoin(counters, eq(counters.id, counterSkills.counterId))
      .where(eq(counters.locationId, locationId))
      .all(),
    services: db
      .select({ code: services.code, bookableOnline: locationServices.bookableOnline, walkIn: locationServices.walkIn })
      .from(locationServices)
      .innerJoin(services, eq(services.id, locationServices.serviceId))
      .where(eq(locationServices.locationId, locationId))
      .all(),
    ...locationRules(db, locationId),
    closures: db
      .select()
      .from(closures)
      .where(
        and(
          eq(closures.municipalityId, municipalityId),
          or(isNull(closures.locationId), eq(closures.locationId, locationId)),
        ),
      )
      .orderBy(asc(closures.date), asc(closures.id))
      .all(),
  });
}
