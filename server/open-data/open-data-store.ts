/**
 * What open data reads besides the queue and the ticket history (ARCHITECTURE.md#storage-seam).
 * SQLite: `db/sqlite/open-data-store.ts`.
 */
export interface OpenDataOffice {
  id: string;
  /** The office's integer id in open data (Amsterdam-feed consumers expect integers); null until assigned. */
  number: number | null;
  name: string;
  city: string;
  municipalityId: string;
  timeZone: string;
  serviceNormMinutes: number;
}

export interface OpenDataStore {
  /** Every office, ordered by id. */
  offices(): Promise<OpenDataOffice[]>;
  /**
   * Gives every office without an integer id the next free number, in order of text id (write transaction).
   * Numbers are never reused, and an office keeps its number: concurrent calls assign each office once.
   */
  assignOfficeNumbers(): Promise<void>;
  /** The municipalities that publish, ordered by id. */
  publishers(): Promise<{ id: string; name: string }[]>;
}
