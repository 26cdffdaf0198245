import { AppError } from '../errors.ts';
import type {
  LocationRecord,
  OfferedServiceRecord,
  OfficeRecord,
  OfficeSnapshot,
  OfficeStore,
  RosterRuleRecord,
  ScheduleRuleRecord,
} from './office-store.ts';

/**
 * The office as the engine sees it, kept in memory per repository (one per connection on SQLite, per pool on
 * PostgreSQL) and location while the scheduling configuration version is unchanged: one tiny read per
 * booking instead of seven queries, and a change by any process (set-up endpoints, another node) bumps the
 * version, so it is seen at the next read. A location that does not exist is remembered too (as `null`, at most
 * `MAX_UNKNOWN` of them per repository): a request naming a wrong location id costs the version read alone, not a
 * read of the location, until the configuration changes (adding a location bumps the version).
 */
export type LocationRow = LocationRecord;
export type OfferedService = OfferedServiceRecord;

export interface Office {
  location: LocationRecord;
  /** Services offered at this location, by code. */
  services: Map<string, OfferedService>;
  counters: { id: number; name: string; skills: Set<number> }[];
  scheduleRules: ScheduleRuleRecord[];
  rosterRules: RosterRuleRecord[];
  closures: { date: string; locationId: string | null }[];
}

/** Unknown location ids remembered per repository at most; beyond it the oldest is forgotten. */
const MAX_UNKNOWN = 1_000;

interface Entry {
  version: number;
  /** `null`: no such location at this version. */
  office: Office | null;
}

const cache = new WeakMap<object, Map<string, Entry>>();
/** The unknown location ids of each repository's cache, oldest first (a bound on what bad input can make us keep). */
const unknownIds = new WeakMap<object, Set<string>>();

function perStore(store: object): Map<string, Entry> {
  let map = cache.get(store);
  if (!map) {
    map = new Map();
    cache.set(store, map);
  }
  return map;
}

/** The version this store's cache holds for a location (null: nothing cached). */
export function cachedVersion(store: object, locationId: string): number | null {
  return cache.get(store)?.get(locationId)?.version ?? null;
}

/** Applies a snapshot read from `store` to its cache and returns the office it stands for. */
export function rememberOffice(store: object, locationId: string, snapshot: OfficeSnapshot): Office | null {
  const map = perStore(store);
  if (snapshot.office === undefined) {
    const hit = map.get(locationId);
    if (hit) return hit.office;
    // Asked with a version the cache no longer holds (a concurrent miss): treat as unknown.
    return null;
  }
  if (snapshot.office === null) {
    rememberUnknown(store, map, locationId, snapshot.version);
    return null;
  }
  unknownIds.get(store)?.delete(locationId);
  const office = officeOf(snapshot.office);
  map.set(locationId, { version: snapshot.version, office });
  return office;
}

function rememberUnknown(store: object, map: Map<string, Entry>, locationId: string, version: number): void {
  let unknown = unknownIds.get(store);
  if (!unknown) {
    unknown = new Set();
    unknownIds.set(store, unknown);
  }
  // Re-inserted, so the set stays in the order the ids were last found unknown.
  unknown.delete(locationId);
  unknown.add(locationId);
  map.set(locationId, { version, office: null });
  if (unknown.size > MAX_UNKNOWN) {
    const oldest = unknown.values().next().value as string;
    unknown.delete(oldest);
    map.delete(oldest);
  }
}

/**
 * The office of each record, made once: a store hands out the same record while its version holds (PostgreSQL's
 * offices kept per storage, db/pg/office-store.ts), and a write transaction's repositories are new each time, so
 * their own cache above starts empty — without this every booking made a new office from the same record, and
 * the day plans and engine counters memoised with the office (day-plans.ts) were made anew for every booking
 * (issue #9). A changed office is a new record, hence a new office. Neither is ever changed in place.
 */
const officesOfRecords = new WeakMap<OfficeRecord, Office>();

export function officeOf(record: OfficeRecord): Office {
  let office = officesOfRecords.get(record);
  if (!office) {
    office = {
      location: record.location,
      services: new Map(record.services.map((s) => [s.code, s])),
      counters: record.counters.map((c) => ({ id: c.id, name: c.name, skills: new Set(c.skillIds) })),
      scheduleRules: record.scheduleRules,
      rosterRules: record.rosterRules,
      closures: record.closures,
    };
    officesOfRecords.set(record, office);
  }
  return office;
}

/**
 * The office of a location through a set of repositories (`deps.storage.read`, or `tx` inside a write: then
 * the version is read inside the transaction, so the office is the one the transaction decides on).
 *
 * `fresh`: a transaction that changed the configuration itself reads with it, bypassing the cache both ways.
 * Its version may still roll back, and the next committed change would then reuse that number: an office
 * cached from the rolled-back transaction would pass for the committed one.
 */
export async function getOffice(
  repos: { office: OfficeStore },
  locationId: string,
  options: { fresh?: boolean } = {},
): Promise<Office | null> {
  const store = repos.office;
  if (options.fresh) {
    const { office } = await store.officeSince(locationId, null);
    return office ? officeOf(office) : null;
  }
  const known = cachedVersion(store, locationId);
  let snapshot = await store.officeSince(locationId, known);
  // Another call replaced or dropped the entry while this one awaited: read it in full.
  if (snapshot.office === undefined && cachedVersion(store, locationId) !== snapshot.version)
    snapshot = await store.officeSince(locationId, null);
  return rememberOffice(store, locationId, snapshot);
}

/**
 * The office a placement decides on, read again after its locks (`lockOfficeDays`). The first read only says
 * which days to lock; a set-up change may commit while the locks are awaited (on PostgreSQL the set-up lock is
 * what orders the two, ARCHITECTURE.md#storage-seam), and deciding on the office read before it would place
 * against a closure or roster the change just replaced. One read of the version when nothing changed. The days
 * were locked in the zone of `before`: a zone changed in between is a conflict the client retries.
 */
export async function officeAfterLocks(repos: { office: OfficeStore }, before: Office): Promise<Office> {
  const office = await getOffice(repos, before.location.id);
  if (!office) throw new AppError('not-found', 'No such location');
  if (office.location.timeZone !== before.location.timeZone)
    throw new AppError('conflict', 'The office changed while booking; try again');
  return office;
}

/**
 * The office the storage keeps for a location, without reading the configuration version (PostgreSQL: one round trip
 * less), or null when it keeps none (SQLite keeps none here: its version read costs no round trip) — then read it
 * with `getOffice`. It may be older than a change another node just made: decide on it only what a transaction
 * checks again on the office it reads after its locks (`bookAppointment`: the days to lock, and the challenge the
 * route asked for), and answer no refusal decided on it alone.
 */
export async function keptOffice(repos: { office: OfficeStore }, locationId: string): Promise<Office | null> {
  return (await keptOfficeAt(repos, locationId))?.office ?? null;
}

/** `keptOffice` with the configuration version it was read at. */
export async function keptOfficeAt(
  repos: { office: OfficeStore },
  locationId: string,
): Promise<{ version: number; office: Office } | null> {
  const kept = await repos.office.keptOffice?.(locationId);
  return kept ? { version: kept.version, office: officeOf(kept.office) } : null;
}
