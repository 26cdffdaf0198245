import type { MunicipalitySetupDocument, SetupChange } from '../contracts/municipality-setup.ts';

/**
 * The office configuration as the scheduling engine reads it (ARCHITECTURE.md#storage-seam): one location with
 * its offered services, active counters and their skills, schedule and roster rules, and the municipality's
 * closures. Plain records, no ORM types; `db/sqlite/office-store.ts` implements it on SQLite.
 */

export interface LocationRecord {
  id: string;
  municipalityId: string;
  name: string;
  street: string;
  postalCode: string;
  city: string;
  timeZone: string;
  slotGridMinutes: number;
  walkInShare: number;
  minNoticeMinutes: number;
  maxDaysAhead: number;
  checkInEarlyMinutes: number;
  checkInLateGraceMinutes: number;
  serviceNormShare: number;
  serviceNormMinutes: number;
  closedOnGoodFriday: boolean;
  closedOnLiberationDay: boolean;
  tickerText: string;
  confirmationRequired: boolean;
  holdMinutes: number;
  challengeMode: 'off' | 'always' | 'under-pressure';
  challengePressureBookings: number;
  mailboxCap: number | null;
  mailboxNormalise: boolean;
  phoneCap: boolean;
  dayVelocityLimit: number | null;
  releaseMode: 'off' | 'daily' | 'weekly';
  releaseTime: string;
  releaseWeekdays: string;
  releaseDaysAhead: number;
  phoneShare: number;
  phoneShareReleaseHours: number;
  callAndStart: boolean;
}

export interface ServiceRecord {
  id: number;
  municipalityId: string;
  code: string;
  nameNl: string;
  nameEn: string;
  minutesPerPerson: number;
  maxPersons: number;
  ticketLetter: string;
  necessitiesNl: string[];
  necessitiesEn: string[];
  targetWaitMinutes: number;
  followUpServiceCode: string | null;
  followUpMinWorkingDays: number | null;
  sortOrder: number;
}

/** A service as one location offers it. */
export interface OfferedServiceRecord extends ServiceRecord {
  bookableOnline: boolean;
  walkIn: boolean;
}

export interface ScheduleRuleRecord {
  id: number;
  locationId: string;
  kind: 'opening' | 'appointments' | 'walk-in';
  rrule: string;
  startsOn: string;
  endsOn: string | null;
  opensAt: string;
  closesAt: string;
}

export interface RosterRuleRecord {
  id: number;
  locationId: string;
  counterId: number;
  rrule: string | null;
  startsOn: string;
  endsOn: string | null;
  startsAt: string;
  endsAt: string;
  mode: 'appointments' | 'walk-in' | 'both';
}

export interface OfficeRecord {
  location: LocationRecord;
  services: OfferedServiceRecord[];
  /** Active counters only, with the ids of the services each can serve. */
  counters: { id: number; name: string; skillIds: number[] }[];
  scheduleRules: ScheduleRuleRecord[];
  rosterRules: RosterRuleRecord[];
  /** Configured closures of the location's municipality (`locationId` null: every location). */
  closures: { date: string; locationId: string | null }[];
}

export interface OfficeSnapshot {
  /** The scheduling configuration version the office was read at. */
  version: number;
  /** The office; `null` when there is no such location; `undefined` when the version still is `knownVersion`. */
  office: OfficeRecord | null | undefined;
}

/** A service of the catalogue: `bookableOnline`/`walkIn` true where any location offers it so; fees in cents. */
export interface CatalogServiceRecord extends ServiceRecord {
  bookableOnline: boolean;
  walkIn: boolean;
  fees: { adult: number | null; minor: number | null };
}

/** A location with the services it offers (by the services' sort order). */
export interface CatalogLocationRecord {
  location: LocationRecord;
  services: { code: string; bookableOnline: boolean; walkIn: boolean }[];
}

export interface ClosureRecord {
  id: number;
  municipalityId: string;
  /** Null: every location of the municipality. */
  locationId: string | null;
  date: string;
  kind: 'bridge' | 'local';
  reason: string;
}

export interface CounterSetupRecord {
  id: number;
  locationId: string;
  name: string;
  active: boolean;
  /** Codes of the services it can serve. */
  skills: string[];
}

/** A location's whole set-up as the set-up screen shows it (every counter, active or not). */
export interface LocationSetupRecord {
  counters: CounterSetupRecord[];
  services: { code: string; bookableOnline: boolean; walkIn: boolean }[];
  scheduleRules: ScheduleRuleRecord[];
  rosterRules: RosterRuleRecord[];
  /** The location's closures and the municipality-wide ones, by date. */
  closures: ClosureRecord[];
}

export type NewService = Omit<ServiceRecord, 'id' | 'sortOrder'> & { sortOrder?: number };
export type ServiceChanges = Partial<Omit<ServiceRecord, 'id' | 'municipalityId' | 'code'>>;
export type ScheduleRuleValues = Omit<ScheduleRuleRecord, 'id' | 'locationId'>;
export type RosterRuleValues = Omit<RosterRuleRecord, 'id' | 'locationId'>;

/** What a set-up change may set on a location (identity, municipality and address stay). */
export type LocationChanges = Partial<Omit<LocationRecord, 'id' | 'municipalityId'>>;

export interface OfficeStore {
  /**
   * The configuration version (bumped by every change to a table an office is built from, by any process) and,
   * unless it still equals `knownVersion`, the office. One call per booking on the hot path: the caller keeps the
   * office while the version is unchanged (`office-cache.ts`). Contract: the version is read before the rows (or
   * in one snapshot with them), so the rows are never older than the version they are cached under; inside a
   * write transaction both are read in that transaction.
   */
  officeSince(locationId: string, knownVersion: number | null): Promise<OfficeSnapshot>;
  /**
   * The office this storage keeps for the location, without asking the database whether it is still current (null:
   * none kept). Only where reading the version is a round trip (PostgreSQL); a caller that decides on it must have
   * the decision checked by a transaction that reads or checks the version (the booking route, `keptOffice` in
   * office-cache.ts). SQLite does not implement it: its version read is a statement in the process.
   */
  keptOffice?(locationId: string): Promise<{ version: number; office: OfficeRecord } | null>;
  /**
   * Changes settings of a location (the fair-booking protections, the set-up's settings). Bumps the configuration
   * version, so every process's cached office is replaced at its next read.
   */
  updateLocation(locationId: string, changes: LocationChanges): Promise<void>;

  // Set-up (server/scheduling/setup/): every write below runs inside the set-up use-case's write transaction, which
  // then re-checks the booked future (revalidate.ts). Each bumps the configuration version (triggers on SQLite),
  // so no process keeps a stale office. Rows of another location or municipality are never touched: the
  // location or municipality is part of every key.
  location(locationId: string): Promise<LocationRecord | null>;
  locationIdsOf(municipalityId: string): Promise<string[]>;
  locationSetup(locationId: string, municipalityId: string): Promise<LocationSetupRecord>;
  /** Ids of a municipality's services by code; codes it does not have are missing from the map. */
  serviceIds(municipalityId: string, codes: readonly string[]): Promise<Map<string, number>>;
  counter(counterId: number): Promise<CounterSetupRecord | null>;
  insertCounter(locationId: string, name: string, serviceIds: readonly number[]): Promise<CounterSetupRecord>;
  /** Name and/or active, and (when given) the skills replaced. Returns the counter as saved. */
  updateCounter(
    counterId: number,
    changes: { name?: string; active?: boolean },
    serviceIds: readonly number[] | null,
  ): Promise<CounterSetupRecord>;
  closure(closureId: number): Promise<ClosureRecord | null>;
  insertClosure(values: Omit<ClosureRecord, 'id'>): Promise<ClosureRecord>;
  deleteClosure(closureId: number): Promise<void>;
  /** Inserts (no `ruleId`) or updates a rule of this location; null when `ruleId` is not a rule of it. */
  saveScheduleRule(locationId: string, values: ScheduleRuleValues, ruleId?: number): Promise<ScheduleRuleRecord | null>;
  deleteScheduleRule(locationId: string, ruleId: number): Promise<boolean>;
  saveRosterRule(locationId: string, values: RosterRuleValues, ruleId?: number): Promise<RosterRuleRecord | null>;
  deleteRosterRule(locationId: string, ruleId: number): Promise<boolean>;
  /** Offers a service at a location (replacing how it was offered), or stops offering it (`null`). */
  setOffered(
    locationId: string,
    serviceId: number,
    offer: { bookableOnline: boolean; walkIn: boolean } | null,
  ): Promise<void>;
  serviceByCode(municipalityId: string, code: string): Promise<ServiceRecord | null>;
  insertService(values: NewService): Promise<ServiceRecord>;
  updateService(municipalityId: string, code: string, changes: ServiceChanges): Promise<ServiceRecord | null>;
  /** Replaces a service's fees (euro cents per person; null: none for that group). False: no such service. */
  replaceServiceFees(
    municipalityId: string,
    code: string,
    fees: { adult: number | null; minor: number | null },
  ): Promise<boolean>;
  /** The municipality's whole set-up as one `loket-setup` document (export). */
  setupDocument(municipalityId: string): Promise<MunicipalitySetupDocument>;
  /** Checks a document's references (services, counters) against the stored set-up: 400 on the first problem. */
  checkSetupReferences(municipalityId: string, doc: MunicipalitySetupDocument): Promise<void>;
  /** Writes a document over the municipality's set-up and says what changed (the caller revalidates and audits). */
  applySetupDocument(municipalityId: string, doc: MunicipalitySetupDocument): Promise<SetupChange[]>;

  /** The service catalogue of every municipality (or one), by municipality, sort order and id. */
  catalogServices(municipalityId?: string): Promise<CatalogServiceRecord[]>;
  /** Locations of every municipality (or one), by name, each with its offered services. */
  catalogLocations(municipalityId?: string): Promise<CatalogLocationRecord[]>;
}
