import type { RegistryRow } from './demand.ts';

/**
 * The history the forecast reads and the imports write (ARCHITECTURE.md#storage-seam). Plain records:
 * SQLite in `db/sqlite/forecast-history-store.ts`. Reads are one scan each (two years of one office are
 * some thousands of appointments and hourly counts), returned at once: one round trip, not one per row.
 */

/** Walk-in arrivals of one service in one local hour, imported from before Loket kept tickets. */
export interface HourlyCountRecord {
  serviceCode: string;
  /** Local date YYYY-MM-DD and hour 0–23 in the location's zone. */
  date: string;
  hour: number;
  count: number;
}

export type AppointmentHistoryStatus =
  | 'held'
  | 'booked'
  | 'checked-in'
  | 'served'
  | 'no-show'
  | 'cancelled'
  | 'expired';

/** An appointment as the forecast sees it: times, status and services, no person. */
export interface AppointmentHistoryRecord {
  startsAt: Date;
  endsAt: Date;
  createdAt: Date;
  status: AppointmentHistoryStatus;
  items: { serviceCode: string; persons: number }[];
}

/** The appointment capacity a day offered for a service (`appointment-capacity.ts`). */
export interface CapacityRecord {
  serviceCode: string;
  /** Local date YYYY-MM-DD. */
  date: string;
  /** Service-persons of the service the day could hold: booked plus what still fitted. */
  capacity: number;
}

export interface ForecastHistoryStore {
  /** Imported hourly counts of a location on local dates [from, before). */
  importedHourlyCounts(locationId: string, from: string, before: string): Promise<HourlyCountRecord[]>;
  /** The municipality's registry of issued documents (every month). */
  registry(municipalityId: string): Promise<RegistryRow[]>;
  /** Appointments of a location starting in [from, to), every status, with their services. */
  appointmentHistory(locationId: string, from: Date, to: Date): Promise<AppointmentHistoryRecord[]>;
  locationExists(locationId: string): Promise<boolean>;
  /** Recorded appointment capacity of a location on local dates [from, to] (inclusive). */
  appointmentCapacity(locationId: string, from: string, to: string): Promise<CapacityRecord[]>;
  /** Records capacity rows; a day and service already recorded keeps its first record. Returns rows written. */
  recordCapacity(locationId: string, rows: readonly CapacityRecord[], at: Date): Promise<number>;
  /** Inserts the counts, replacing the count of an hour already present (one statement per row, one call). */
  upsertHourlyCounts(locationId: string, rows: readonly HourlyCountRecord[]): Promise<void>;
  /** Inserts the registry rows, replacing the count of a month, document type and age band already present. */
  upsertRegistry(municipalityId: string, rows: readonly RegistryRow[]): Promise<void>;
}
