import { eq } from 'drizzle-orm';
import type { DisplayStore } from '../../server/display/display-store.ts';
import type { Synchronous } from '../../server/storage.ts';
import type { Db } from '../client.ts';
import { locations } from '../schema/index.ts';

/** The display repository on SQLite (server/display/display-store.ts). */
export function sqliteDisplayStore(db: Db): Synchronous<DisplayStore> {
  return {
    municipalityOfLocation: (locationId) =>
      db.select({ m: locations.municipalityId }).from(locations).where(eq(locations.id, locationId)).get()?.m ?? null,
    setTickerText: (locationId, text) => {
      db.update(locations).set({ tickerText: text }).where(eq(locations.id, locationId)).run();
    },
  };
}
