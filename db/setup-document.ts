import { and, eq, inArray } from 'drizzle-orm';
import type { MunicipalitySetupDocument, SetupChange } from '../server/contracts/municipality-setup.ts';
import type { Db } from './client.ts';
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
} from './schema/index.ts';
import { replaceServiceFees } from './service-fees.ts';
import {
  assembleSetupDocument,
  checkSetupReferences as checkReferences,
  counterIdOf,
  createdCounterKey,
  planSetupDocument,
  type SetupRows,
} from './setup-plan.ts';

/**
 * The municipality set-up document on SQLite: the rows are read here and the writes run here, in the caller's
 * transaction; what the document looks like, what a reference may name and what changes is db/setup-plan.ts,
 * shared with PostgreSQL. The use-case (server/scheduling/setup/municipality-setup.ts) owns the transaction,
 * revalidation, audit and events.
 */

type Doc = MunicipalitySetupDocument;

/** Every row of a municipality's set-up, in a handful of statements. */
export function readSetupRows(db: Db, municipalityId: string): SetupRows {
  const serviceRows = db.select().from(services).where(eq(services.municipalityId, municipalityId)).all();
  const locationRows = db.select().from(locations).where(eq(locations.municipalityId, municipalityId)).all();
  const serviceIds = serviceRows.map((s) => s.id);
  const locationIds = locationRows.map((l) => l.id);
  const counterRows =
    locationIds.length === 0
      ? []
      : db
          .select({ id: counters.id, locationId: counters.locationId, name: counters.name, active: counters.active })
          .from(counters)
          .where(inArray(counters.locationId, locationIds))
          .all();
  const counterIds = counterRows.map((c) => c.id);
  return {
    services: serviceRows,
    fees:
      serviceIds.length === 0
        ? []
        : db.select().from(serviceFees).where(inArray(serviceFees.serviceId, serviceIds)).all(),
    closures: db.select().from(closures).where(eq(closures.municipalityId, municipalityId)).all(),
    locations: locationRows,
    counters: counterRows,
    skills:
      counterIds.length === 0
        ? []
        : db.select().from(counterSkills).where(inArray(counterSkills.counterId, counterIds)).all(),
    offers:
      locationIds.length === 0
        ? []
        : db.select().from(locationServices).where(inArray(locationServices.locationId, locationIds)).all(),
    scheduleRules:
      locationIds.length === 0
        ? []
        : db.select().from(scheduleRules).where(inArray(scheduleRules.locationId, locationIds)).all(),
    rosterRules:
      locationIds.length === 0
        ? []
        : db.select().from(rosterRules).where(inArray(rosterRules.locationId, locationIds)).all(),
  };
}

export function readSetupDocument(db: Db, municipalityId: string): Doc {
  return assembleSetupDocument(municipalityId, readSetupRows(db, municipalityId));
}

/** Everything the schema cannot say: references inside the document and against the database (400). */
export function checkSetupReferences(db: Db, municipalityId: string, doc: Doc): void {
  checkReferences(municipalityId, doc, readSetupRows(db, municipalityId));
}

/**
 * Writes the document (the caller's transaction) and says what changed. The references are checked again
 * against the rows the plan is made from, so a change committed since the caller's check cannot slip through.
 */
export function applySetupDocument(tx: Db, municipalityId: string, doc: Doc): SetupChange[] {
  const rows = readSetupRows(tx, municipalityId);
  checkReferences(municipalityId, doc, rows);
  const { changes, writes } = planSetupDocument(municipalityId, rows, doc);
  const serviceId = new Map(rows.services.map((s) => [s.code, s.id]));
  const sid = (code: string) => serviceId.get(code) as number;
  const created = new Map<string, number>();
  for (const w of writes) {
    switch (w.kind) {
      case 'insert-service': {
        const { id } = tx.insert(services).values(w.values).returning({ id: services.id }).get();
        serviceId.set(w.values.code, id);
        replaceServiceFees(tx, municipalityId, w.values.code, w.fees);
        break;
      }
      case 'update-service':
        tx.update(services)
          .set(w.values)
          .where(eq(services.id, sid(w.code)))
          .run();
        replaceServiceFees(tx, municipalityId, w.code, w.fees);
        break;
      case 'delete-closure':
        tx.delete(closures).where(eq(closures.id, w.id)).run();
        break;
      case 'insert-closure':
        tx.insert(closures).values(w.values).run();
        break;
      case 'update-location':
        tx.update(locations).set(w.settings).where(eq(locations.id, w.locationId)).run();
        break;
      case 'insert-offer':
        tx.insert(locationServices)
          .values({
            locationId: w.locationId,
            serviceId: sid(w.code),
            bookableOnline: w.bookableOnline,
            walkIn: w.walkIn,
          })
          .run();
        break;
      case 'update-offer':
        tx.update(locationServices)
          .set({ bookableOnline: w.bookableOnline, walkIn: w.walkIn })
          .where(and(eq(locationServices.locationId, w.locationId), eq(locationServices.serviceId, sid(w.code))))
          .run();
        break;
      case 'delete-offer':
        tx.delete(locationServices)
          .where(and(eq(locationServices.locationId, w.locationId), eq(locationServices.serviceId, sid(w.code))))
          .run();
        break;
      case 'insert-counter': {
        const { id } = tx
          .insert(counters)
          .values({ locationId: w.locationId, name: w.name, active: w.active })
          .returning({ id: counters.id })
          .get();
        created.set(createdCounterKey(w.locationId, w.name), id);
        break;
      }
      case 'update-counter':
        tx.update(counters).set({ name: w.name, active: w.active }).where(eq(counters.id, w.id)).run();
        break;
      case 'replace-skills': {
        const counterId = counterIdOf(w.counter, created);
        tx.delete(counterSkills).where(eq(counterSkills.counterId, counterId)).run();
        if (w.codes.length > 0)
          tx.insert(counterSkills)
            .values(w.codes.map((code) => ({ counterId, serviceId: sid(code) })))
            .run();
        break;
      }
      case 'delete-schedule-rule':
        tx.delete(scheduleRules).where(eq(scheduleRules.id, w.id)).run();
        break;
      case 'insert-schedule-rule':
        tx.insert(scheduleRules).values(w.values).run();
        break;
      case 'delete-roster-rule':
        tx.delete(rosterRules).where(eq(rosterRules.id, w.id)).run();
        break;
      case 'insert-roster-rule':
        tx.insert(rosterRules)
          .values({ ...w.values, counterId: counterIdOf(w.counter, created) })
          .run();
        break;
    }
  }
  return changes;
}

export function municipalityLocationIds(db: Db, municipalityId: string): string[] {
  return db
    .select({ id: locations.id })
    .from(locations)
    .where(eq(locations.municipalityId, municipalityId))
    .all()
    .map((l) => l.id);
}
