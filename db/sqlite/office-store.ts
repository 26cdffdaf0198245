import { and, asc, eq, inArray } from 'drizzle-orm';
import type {
  CatalogLocationRecord,
  CatalogServiceRecord,
  OfficeRecord,
  OfficeStore,
} from '../../server/scheduling/office-store.ts';
import type { Synchronous } from '../../server/storage.ts';
import type { Db } from '../client.ts';
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
    catalogServices: (municipalityId) => catalogServices(db, municipalityId),
    catalogLocations: (municipalityId) => catalogLocations(db, municipalityId),
  };
}

const stores = new WeakMap<Db['$client'], Synchronous<OfficeStore>>();

/** The synchronous store of one connection, for the callers still on `deps.db` (`server/scheduling/office.ts`). */
export function officeStoreOn(db: Db): Synchronous<OfficeStore> {
  let store = stores.get(db.$client);
  if (!store) {
    store = sqliteOfficeStore(db);
    stores.set(db.$client, store);
  }
  return store;
}

function readOffice(db: Db, locationId: string): OfficeRecord | null {
  const location = db.select().from(locations).where(eq(locations.id, locationId)).get();
  if (!location) return null;
  const offered = db
    .select({ service: services, bookableOnline: locationServices.bookableOnline, walkIn: locationServices.walkIn })
    .from(locationServices)
    .innerJoin(services, eq(services.id, locationServices.serviceId))
    .where(eq(locationServices.locationId, locationId))
    .all();
  const counterRows = db
    .select({ id: counters.id, name: counters.name })
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
    services: offered.map((o) => ({ ...o.service, bookableOnline: o.bookableOnline, walkIn: o.walkIn })),
    counters: counterRows.map((c) => ({
      id: c.id,
      name: c.name,
      skillIds: skills.filter((s) => s.counterId === c.id).map((s) => s.serviceId),
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

function catalogServices(db: Db, municipalityId?: string): CatalogServiceRecord[] {
  const rows = db
    .select()
    .from(services)
    .where(municipalityId ? eq(services.municipalityId, municipalityId) : undefined)
    .orderBy(asc(services.municipalityId), asc(services.sortOrder), asc(services.id))
    .all();
  const offered = db.select().from(locationServices).all();
  const fees = db.select().from(serviceFees).all();
  const feeOf = (serviceId: number, ageGroup: 'adult' | 'minor') =>
    fees.find((f) => f.serviceId === serviceId && f.ageGroup === ageGroup)?.amountCents ?? null;
  return rows.map((s) => {
    const at = offered.filter((o) => o.serviceId === s.id);
    return {
      ...s,
      bookableOnline: at.some((o) => o.bookableOnline),
      walkIn: at.some((o) => o.walkIn),
      fees: { adult: feeOf(s.id, 'adult'), minor: feeOf(s.id, 'minor') },
    };
  });
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
          .orderBy(asc(services.sortOrder))
          .all();
  return rows.map((location) => ({
    location,
    services: offered
      .filter((o) => o.locationId === location.id)
      .map((o) => ({ code: o.code, bookableOnline: o.bookableOnline, walkIn: o.walkIn })),
  }));
}
