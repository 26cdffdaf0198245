import { and, eq, inArray } from 'drizzle-orm';
import type { MunicipalitySetupDocument, SetupChange } from '../../server/contracts/municipality-setup.ts';
import {
  checkSetupReferences,
  counterIdOf,
  createdCounterKey,
  planSetupDocument,
  type SetupRows,
} from '../setup-plan.ts';
import type { PgDb } from './client.ts';
import {
  closures,
  counterSkills,
  counters,
  feeAgeGroups,
  locationServices,
  locations,
  rosterRules,
  scheduleRules,
  serviceFees,
  services,
} from './schema/index.ts';

/**
 * The municipality set-up document on PostgreSQL: reads the rows and runs the writes of db/setup-plan.ts (shared
 * with SQLite, so both export the same document and report the same changes). The caller holds the set-up lock
 * of every location of the municipality (db/pg/office-store.ts).
 */

/** Every row of a municipality's set-up, read in parallel-free order on one connection. */
export async function readSetupRowsPg(db: PgDb, municipalityId: string): Promise<SetupRows> {
  const serviceRows = await db.select().from(services).where(eq(services.municipalityId, municipalityId));
  const locationRows = await db.select().from(locations).where(eq(locations.municipalityId, municipalityId));
  const serviceIds = serviceRows.map((s) => s.id);
  const locationIds = locationRows.map((l) => l.id);
  const counterRows =
    locationIds.length === 0
      ? []
      : await db
          .select({ id: counters.id, locationId: counters.locationId, name: counters.name, active: counters.active })
          .from(counters)
          .where(inArray(counters.locationId, locationIds));
  const counterIds = counterRows.map((c) => c.id);
  const atLocations = locationIds.length > 0;
  return {
    services: serviceRows,
    fees:
      serviceIds.length === 0
        ? []
        : await db.select().from(serviceFees).where(inArray(serviceFees.serviceId, serviceIds)),
    closures: await db.select().from(closures).where(eq(closures.municipalityId, municipalityId)),
    locations: locationRows,
    counters: counterRows,
    skills:
      counterIds.length === 0
        ? []
        : await db.select().from(counterSkills).where(inArray(counterSkills.counterId, counterIds)),
    offers: atLocations
      ? await db.select().from(locationServices).where(inArray(locationServices.locationId, locationIds))
      : [],
    scheduleRules: atLocations
      ? await db.select().from(scheduleRules).where(inArray(scheduleRules.locationId, locationIds))
      : [],
    rosterRules: atLocations
      ? await db.select().from(rosterRules).where(inArray(rosterRules.locationId, locationIds))
      : [],
  };
}

/** Replaces a service's fees by id (euro cents per person; null: none for that age group). */
export async function replaceServiceFeesPg(
  db: PgDb,
  serviceId: number,
  fees: Record<(typeof feeAgeGroups)[number], number | null>,
): Promise<void> {
  await db.delete(serviceFees).where(eq(serviceFees.serviceId, serviceId));
  const rows = feeAgeGroups.flatMap((ageGroup) => {
    const amountCents = fees[ageGroup];
    return amountCents === null ? [] : [{ serviceId, ageGroup, amountCents }];
  });
  if (rows.length > 0) await db.insert(serviceFees).values(rows);
}

/**
 * Writes the document in the caller's transaction and says what changed. The references are checked again
 * against the rows the plan is made from (read under the set-up locks), so a counter or service committed by
 * another node since the caller's check cannot slip through.
 */
export async function applySetupDocumentPg(
  tx: PgDb,
  municipalityId: string,
  doc: MunicipalitySetupDocument,
): Promise<SetupChange[]> {
  const rows = await readSetupRowsPg(tx, municipalityId);
  checkSetupReferences(municipalityId, doc, rows);
  const { changes, writes } = planSetupDocument(municipalityId, rows, doc);
  const serviceId = new Map(rows.services.map((s) => [s.code, s.id]));
  const sid = (code: string) => serviceId.get(code) as number;
  const created = new Map<string, number>();
  for (const w of writes) {
    switch (w.kind) {
      case 'insert-service': {
        const [row] = await tx.insert(services).values(w.values).returning({ id: services.id });
        const id = row?.id as number;
        serviceId.set(w.values.code, id);
        await replaceServiceFeesPg(tx, id, w.fees);
        break;
      }
      case 'update-service':
        await tx
          .update(services)
          .set(w.values)
          .where(eq(services.id, sid(w.code)));
        await replaceServiceFeesPg(tx, sid(w.code), w.fees);
        break;
      case 'delete-closure':
        await tx.delete(closures).where(eq(closures.id, w.id));
        break;
      case 'insert-closure':
        await tx.insert(closures).values(w.values);
        break;
      case 'update-location':
        await tx.update(locations).set(w.settings).where(eq(locations.id, w.locationId));
        break;
      case 'insert-offer':
        await tx.insert(locationServices).values({
          locationId: w.locationId,
          serviceId: sid(w.code),
          bookableOnline: w.bookableOnline,
          walkIn: w.walkIn,
        });
        break;
      case 'update-offer':
        await tx
          .update(locationServices)
          .set({ bookableOnline: w.bookableOnline, walkIn: w.walkIn })
          .where(and(eq(locationServices.locationId, w.locationId), eq(locationServices.serviceId, sid(w.code))));
        break;
      case 'delete-offer':
        await tx
          .delete(locationServices)
          .where(and(eq(locationServices.locationId, w.locationId), eq(locationServices.serviceId, sid(w.code))));
        break;
      case 'insert-counter': {
        const [row] = await tx
          .insert(counters)
          .values({ locationId: w.locationId, name: w.name, active: w.active })
          .returning({ id: counters.id });
        created.set(createdCounterKey(w.locationId, w.name), row?.id as number);
        break;
      }
      case 'update-counter':
        await tx.update(counters).set({ name: w.name, active: w.active }).where(eq(counters.id, w.id));
        break;
      case 'replace-skills': {
        const counterId = counterIdOf(w.counter, created);
        await tx.delete(counterSkills).where(eq(counterSkills.counterId, counterId));
        if (w.codes.length > 0)
          await tx.insert(counterSkills).values(w.codes.map((code) => ({ counterId, serviceId: sid(code) })));
        break;
      }
      case 'delete-schedule-rule':
        await tx.delete(scheduleRules).where(eq(scheduleRules.id, w.id));
        break;
      case 'insert-schedule-rule':
        await tx.insert(scheduleRules).values(w.values);
        break;
      case 'delete-roster-rule':
        await tx.delete(rosterRules).where(eq(rosterRules.id, w.id));
        break;
      case 'insert-roster-rule':
        await tx.insert(rosterRules).values({ ...w.values, counterId: counterIdOf(w.counter, created) });
        break;
    }
  }
  return changes;
}
