import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type {
  ClosureRecord,
  CounterSetupRecord,
  OfficeRecord,
  OfficeStore,
} from '../../server/scheduling/office-store.ts';
import {
  catalogLocationsOf,
  catalogServicesOf,
  countersWithSkills,
  locationSetupOf,
  officeRecordOf,
} from '../office-records.ts';
import { assembleSetupDocument, checkSetupReferences, serviceExists } from '../setup-plan.ts';
import { BEFORE_DAY_LOCKS, transactionClientOf } from './batching.ts';
import { type PgDb, sqlState } from './client.ts';
import { lockOfficeSetup } from './locks.ts';
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
import { applySetupDocumentPg, readSetupRowsPg, replaceServiceFeesPg } from './setup-document.ts';

/**
 * Offices as read, per storage and location, with the version they were read at (every node's change bumps
 * `scheduling_config_version`, migration 0001): a read on the pool then costs one tiny read of the version while
 * nothing changed, and a write transaction not even that (a check sent with its next statement, `officeSince`).
 * A transaction that changed the set-up itself has written the version row — its number
 * is one no committed read can carry yet, and it may still roll back — so it neither uses nor fills the cache
 * (`mine` in `currentVersion`); every other read sees committed rows at least as new as the version it read.
 */
export type OfficeCache = Map<string, { version: number; office: OfficeRecord }>;

export function newOfficeCache(): OfficeCache {
  return new Map();
}

/**
 * The message of the serialization failure (40001) a transaction meets when the office it decided on was not the
 * current one after all (`officeSince` in a write transaction): pgStorage forgets the kept offices on it and runs
 * the transaction again.
 */
export const OFFICE_CHANGED = 'loket: the office configuration changed during the transaction';

/**
 * Fails the transaction with `OFFICE_CHANGED` unless the configuration version is still `version` and was not
 * written by this transaction (`loket_office_unchanged`, migration 0010: compiled once per connection, where a DO
 * block was compiled per booking). Sent with the next statement (db/pg/batching.ts), before the office-day locks.
 */
function versionCheck(version: number): string {
  return `${BEFORE_DAY_LOCKS} SELECT loket_office_unchanged(${Math.trunc(version)})`;
}

/** Text in code-unit order, as SQLite's BINARY collation sorts it. */
const binary = (column: unknown) => sql`${column} collate "C"`;

/**
 * The office configuration and set-up on PostgreSQL (contract: server/scheduling/office-store.ts).
 *
 * Every set-up write takes the set-up lock of each location it touches EXCLUSIVELY before its first statement
 * (db/pg/locks.ts; a municipality-wide write — services, fees, municipality closures, the set-up document — all
 * of the municipality's locations, in sorted order), so no placement, which holds it shared, decides on an office
 * that is being changed, and the revalidation after the write sees every committed booking. The lock is taken
 * here, in the repository, because every set-up write goes through it; it is released at COMMIT or ROLLBACK.
 */
export function pgOfficeStore(db: PgDb, cache: OfficeCache): OfficeStore {
  /** The version, and whether this transaction wrote it (the row's xmin is its own, still uncommitted id). */
  const currentVersion = async (): Promise<{ version: number; mine: boolean }> => {
    const result = await db.execute<{ version: string; mine: boolean | null }>(
      sql`${sql.raw(BEFORE_DAY_LOCKS)} SELECT version, xmin = pg_current_xact_id_if_assigned()::xid AS mine FROM scheduling_config_version WHERE id = 1`,
    );
    const row = result.rows[0];
    return { version: Number(row?.version ?? 0), mine: row?.mine === true };
  };

  const municipalityLocationIds = async (municipalityId: string): Promise<string[]> =>
    (
      await db
        .select({ id: locations.id })
        .from(locations)
        .where(eq(locations.municipalityId, municipalityId))
        .orderBy(binary(locations.id))
    ).map((l) => l.id);

  /** Exclusive set-up locks of the given locations, in one sorted order on every node. */
  const lockLocations = async (locationIds: readonly string[]) => {
    for (const id of [...new Set(locationIds)].sort()) await lockOfficeSetup(db, id, 'exclusive');
  };
  const lockMunicipality = async (municipalityId: string) =>
    lockLocations(await municipalityLocationIds(municipalityId));
  const lockClosureScope = async (municipalityId: string, locationId: string | null) =>
    locationId === null ? lockMunicipality(municipalityId) : lockLocations([locationId]);

  /** A location's opening-hours and roster rules, oldest first: part of its office and of its set-up. */
  const locationRules = async (locationId: string) => ({
    scheduleRules: await db
      .select()
      .from(scheduleRules)
      .where(eq(scheduleRules.locationId, locationId))
      .orderBy(asc(scheduleRules.id)),
    rosterRules: await db
      .select()
      .from(rosterRules)
      .where(eq(rosterRules.locationId, locationId))
      .orderBy(asc(rosterRules.id)),
  });

  const readOffice = async (locationId: string): Promise<OfficeRecord | null> => {
    const [location] = await db.select().from(locations).where(eq(locations.id, locationId)).limit(1);
    if (!location) return null;
    const counterRows = await db
      .select({ id: counters.id, name: counters.name })
      .from(counters)
      .where(and(eq(counters.locationId, locationId), eq(counters.active, true)))
      .orderBy(asc(counters.id));
    return officeRecordOf({
      location,
      offered: await db
        .select({ service: services, bookableOnline: locationServices.bookableOnline, walkIn: locationServices.walkIn })
        .from(locationServices)
        .innerJoin(services, eq(services.id, locationServices.serviceId))
        .where(eq(locationServices.locationId, locationId))
        .orderBy(asc(services.id)),
      counters: counterRows,
      skills:
        counterRows.length === 0
          ? []
          : await db
              .select()
              .from(counterSkills)
              .where(
                inArray(
                  counterSkills.counterId,
                  counterRows.map((c) => c.id),
                ),
              )
              .orderBy(asc(counterSkills.counterId), asc(counterSkills.serviceId)),
      ...(await locationRules(locationId)),
      closures: await db
        .select({ date: closures.date, locationId: closures.locationId })
        .from(closures)
        .where(eq(closures.municipalityId, location.municipalityId))
        .orderBy(asc(closures.id)),
    });
  };

  const counterSetup = async (counterId: number): Promise<CounterSetupRecord | null> => {
    const [c] = await db.select().from(counters).where(eq(counters.id, counterId)).limit(1);
    if (!c) return null;
    const skills = await db
      .select({ counterId: counterSkills.counterId, code: services.code })
      .from(counterSkills)
      .innerJoin(services, eq(services.id, counterSkills.serviceId))
      .where(eq(counterSkills.counterId, counterId))
      .orderBy(asc(services.id));
    return countersWithSkills([c], skills)[0] ?? null;
  };

  const replaceSkills = async (counterId: number, serviceIds: readonly number[]) => {
    await db.delete(counterSkills).where(eq(counterSkills.counterId, counterId));
    const unique = [...new Set(serviceIds)];
    if (unique.length > 0) await db.insert(counterSkills).values(unique.map((serviceId) => ({ counterId, serviceId })));
  };

  const serviceByCode = async (municipalityId: string, code: string) =>
    (
      await db
        .select()
        .from(services)
        .where(and(eq(services.municipalityId, municipalityId), eq(services.code, code)))
        .limit(1)
    )[0] ?? null;

  return {
    async officeSince(locationId, knownVersion) {
      const kept = cache.get(locationId);
      const tx = transactionClientOf(db);
      if (tx && kept && !tx.hasWritten) {
        // Inside a write transaction the office kept is used at once, and the check that it is still current goes
        // with the transaction's next statement (one round trip less per placement): if the version moved, that
        // statement fails with a serialization failure, and pgStorage forgets the kept offices and runs the
        // transaction again, which then reads the office anew. The check is queued where the read would have been
        // sent (after the set-up lock a placement asked for before it), so it reads the version committed once the
        // lock was granted, as `currentVersion` would have; a transaction that failed before sending it has it
        // sent before its error is answered (pgStorage, batching.ts#verify). A transaction that changed the
        // configuration itself would fail it every time, so a transaction that may have written reads as before.
        tx.deferCheck(versionCheck(kept.version));
        return { version: kept.version, office: knownVersion === kept.version ? undefined : kept.office };
      }
      const { version, mine } = await currentVersion();
      if (knownVersion !== null && version === knownVersion) return { version, office: undefined };
      const hit = mine ? undefined : cache.get(locationId);
      if (hit && hit.version === version) return { version, office: hit.office };
      const office = await readOffice(locationId);
      if (!mine) {
        const held = cache.get(locationId);
        if (!office) cache.delete(locationId);
        // A slower read of an older version never replaces a newer one.
        else if (!held || held.version <= version) cache.set(locationId, { version, office });
      }
      return { version, office };
    },
    // What transactions and reads on this node last found current (a transaction whose check of it failed clears
    // it, db/pg/storage.ts): no round trip.
    keptOffice: async (locationId) => cache.get(locationId) ?? null,
    async updateLocation(locationId, changes) {
      if (Object.keys(changes).length === 0) return;
      await lockLocations([locationId]);
      await db.update(locations).set(changes).where(eq(locations.id, locationId));
    },

    location: async (locationId) =>
      (await db.select().from(locations).where(eq(locations.id, locationId)).limit(1))[0] ?? null,
    locationIdsOf: municipalityLocationIds,
    async locationSetup(locationId, municipalityId) {
      return locationSetupOf({
        counters: await db.select().from(counters).where(eq(counters.locationId, locationId)).orderBy(asc(counters.id)),
        skills: await db
          .select({ counterId: counterSkills.counterId, code: services.code })
          .from(counterSkills)
          .innerJoin(services, eq(services.id, counterSkills.serviceId))
          .innerJoin(counters, eq(counters.id, counterSkills.counterId))
          .where(eq(counters.locationId, locationId))
          .orderBy(asc(services.id)),
        services: await db
          .select({
            code: services.code,
            bookableOnline: locationServices.bookableOnline,
            walkIn: locationServices.walkIn,
          })
          .from(locationServices)
          .innerJoin(services, eq(services.id, locationServices.serviceId))
          .where(eq(locationServices.locationId, locationId))
          .orderBy(asc(services.sortOrder), asc(services.id)),
        ...(await locationRules(locationId)),
        closures: await db
          .select()
          .from(closures)
          .where(
            and(
              eq(closures.municipalityId, municipalityId),
              or(isNull(closures.locationId), eq(closures.locationId, locationId)),
            ),
          )
          .orderBy(binary(closures.date), asc(closures.id)),
      });
    },
    async serviceIds(municipalityId, codes) {
      if (codes.length === 0) return new Map();
      const rows = await db
        .select({ id: services.id, code: services.code })
        .from(services)
        .where(and(eq(services.municipalityId, municipalityId), inArray(services.code, [...codes])));
      return new Map(rows.map((r) => [r.code, r.id]));
    },
    counter: counterSetup,
    async insertCounter(locationId, name, serviceIds) {
      await lockLocations([locationId]);
      const [c] = await db.insert(counters).values({ locationId, name }).returning({ id: counters.id });
      const id = c?.id as number;
      await replaceSkills(id, serviceIds);
      return (await counterSetup(id)) as CounterSetupRecord;
    },
    async updateCounter(counterId, changes, serviceIds) {
      const [at] = await db
        .select({ locationId: counters.locationId })
        .from(counters)
        .where(eq(counters.id, counterId))
        .limit(1);
      if (!at) throw new Error(`no counter ${counterId}`);
      await lockLocations([at.locationId]);
      if (changes.name !== undefined || changes.active !== undefined)
        await db
          .update(counters)
          .set({
            ...(changes.name !== undefined ? { name: changes.name } : {}),
            ...(changes.active !== undefined ? { active: changes.active } : {}),
          })
          .where(eq(counters.id, counterId));
      if (serviceIds) await replaceSkills(counterId, serviceIds);
      const saved = await counterSetup(counterId);
      if (!saved) throw new Error(`no counter ${counterId}`);
      return saved;
    },
    closure: async (closureId) =>
      ((await db.select().from(closures).where(eq(closures.id, closureId)).limit(1))[0] as ClosureRecord) ?? null,
    async insertClosure(values) {
      await lockClosureScope(values.municipalityId, values.locationId);
      const [row] = await db.insert(closures).values(values).returning();
      return row as ClosureRecord;
    },
    async deleteClosure(closureId) {
      const [row] = await db.select().from(closures).where(eq(closures.id, closureId)).limit(1);
      if (!row) return;
      await lockClosureScope(row.municipalityId, row.locationId);
      await db.delete(closures).where(eq(closures.id, closureId));
    },
    async saveScheduleRule(locationId, values, ruleId) {
      await lockLocations([locationId]);
      const saved =
        ruleId === undefined
          ? await db
              .insert(scheduleRules)
              .values({ ...values, locationId })
              .returning()
          : await db
              .update(scheduleRules)
              .set({ ...values, locationId })
              .where(and(eq(scheduleRules.id, ruleId), eq(scheduleRules.locationId, locationId)))
              .returning();
      return saved[0] ?? null;
    },
    async deleteScheduleRule(locationId, ruleId) {
      await lockLocations([locationId]);
      const gone = await db
        .delete(scheduleRules)
        .where(and(eq(scheduleRules.id, ruleId), eq(scheduleRules.locationId, locationId)))
        .returning({ id: scheduleRules.id });
      return gone.length > 0;
    },
    async saveRosterRule(locationId, values, ruleId) {
      await lockLocations([locationId]);
      const saved =
        ruleId === undefined
          ? await db
              .insert(rosterRules)
              .values({ ...values, locationId })
              .returning()
          : await db
              .update(rosterRules)
              .set({ ...values, locationId })
              .where(and(eq(rosterRules.id, ruleId), eq(rosterRules.locationId, locationId)))
              .returning();
      return saved[0] ?? null;
    },
    async deleteRosterRule(locationId, ruleId) {
      await lockLocations([locationId]);
      const gone = await db
        .delete(rosterRules)
        .where(and(eq(rosterRules.id, ruleId), eq(rosterRules.locationId, locationId)))
        .returning({ id: rosterRules.id });
      return gone.length > 0;
    },
    async setOffered(locationId, serviceId, offer) {
      await lockLocations([locationId]);
      await db
        .delete(locationServices)
        .where(and(eq(locationServices.locationId, locationId), eq(locationServices.serviceId, serviceId)));
      if (offer) await db.insert(locationServices).values({ locationId, serviceId, ...offer });
    },
    serviceByCode,
    async insertService(values) {
      await lockMunicipality(values.municipalityId);
      try {
        const [row] = await db.insert(services).values(values).returning();
        return row as NonNullable<typeof row>;
      } catch (err) {
        // Another node created the code since the use-case's check: the same 409 as that check and as SQLite.
        if (sqlState(err) === '23505') throw serviceExists(values.code);
        throw err;
      }
    },
    async updateService(municipalityId, code, changes) {
      const where = and(eq(services.municipalityId, municipalityId), eq(services.code, code));
      if (Object.keys(changes).length === 0) return serviceByCode(municipalityId, code);
      await lockMunicipality(municipalityId);
      return (await db.update(services).set(changes).where(where).returning())[0] ?? null;
    },
    async replaceServiceFees(municipalityId, code, fees) {
      await lockMunicipality(municipalityId);
      const service = await serviceByCode(municipalityId, code);
      if (!service) return false;
      await replaceServiceFeesPg(db, service.id, fees);
      return true;
    },
    setupDocument: async (municipalityId) =>
      assembleSetupDocument(municipalityId, await readSetupRowsPg(db, municipalityId)),
    checkSetupReferences: async (municipalityId, doc) =>
      checkSetupReferences(municipalityId, doc, await readSetupRowsPg(db, municipalityId)),
    async applySetupDocument(municipalityId, doc) {
      await lockMunicipality(municipalityId);
      return applySetupDocumentPg(db, municipalityId, doc);
    },

    async catalogServices(municipalityId) {
      return catalogServicesOf(
        await db
          .select()
          .from(services)
          .where(municipalityId ? eq(services.municipalityId, municipalityId) : undefined)
          .orderBy(binary(services.municipalityId), asc(services.sortOrder), asc(services.id)),
        await db.select().from(locationServices),
        await db.select().from(serviceFees),
      );
    },
    async catalogLocations(municipalityId) {
      const rows = await db
        .select()
        .from(locations)
        .where(municipalityId ? eq(locations.municipalityId, municipalityId) : undefined)
        .orderBy(binary(locations.name), binary(locations.id));
      const offered =
        rows.length === 0
          ? []
          : await db
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
              .orderBy(asc(services.sortOrder), asc(services.id));
      return catalogLocationsOf(rows, offered);
    },
  };
}
