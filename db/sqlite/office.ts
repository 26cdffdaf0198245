import { type Office, officeOf } from '../../server/scheduling/office-cache.ts';
import type { Db } from '../client.ts';
import { sqliteOfficeStore } from './office-store.ts';

/**
 * The office of a location read at once on a synchronous SQLite connection, uncached: for benches and tests
 * that fill or check a database file themselves, outside any storage. Use-cases read it through the seam
 * (`server/scheduling/office-cache.ts#getOffice`); the day plans and engine views over it are pure
 * (`server/scheduling/day-plans.ts`).
 */
export function loadOffice(db: Db, locationId: string): Office | null {
  const { office } = sqliteOfficeStore(db).officeSince(locationId, null);
  return office ? officeOf(office) : null;
}
