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

export interface OfficeStore {
  /**
   * The configuration version (bumped by every change to a table an office is built from, by any process) and,
   * unless it still equals `knownVersion`, the office. One call per booking on the hot path: the caller keeps the
   * office while the version is unchanged (`office-cache.ts`). Contract: the version is read before the rows (or
   * in one snapshot with them), so the rows are never older than the version they are cached under; inside a
   * write transaction both are read in that transaction.
   */
  officeSince(locationId: string, knownVersion: number | null): Promise<OfficeSnapshot>;
  /** The service catalogue of every municipality (or one), by municipality, sort order and id. */
  catalogServices(municipalityId?: string): Promise<CatalogServiceRecord[]>;
  /** Locations of every municipality (or one), by name, each with its offered services. */
  catalogLocations(municipalityId?: string): Promise<CatalogLocationRecord[]>;
}
