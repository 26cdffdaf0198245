/** The waiting-room display's own data (ARCHITECTURE.md#storage-seam); SQLite: `db/sqlite/display-store.ts`. */
export interface DisplayStore {
  /** The location's municipality, or null when there is no such location. */
  municipalityOfLocation(locationId: string): Promise<string | null>;
  /** Stores the ticker text on the location (last write wins). */
  setTickerText(locationId: string, text: string): Promise<void>;
}
