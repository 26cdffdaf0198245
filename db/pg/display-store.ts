import { eq } from 'drizzle-orm';
import type { DisplayStore } from '../../server/display/display-store.ts';
import type { PgDb } from './client.ts';
import { locations } from './schema/index.ts';

/** The display repository on PostgreSQL (contract: server/display/display-store.ts). */
export function pgDisplayStore(db: PgDb): DisplayStore {
  return {
    municipalityOfLocation: async (locationId) =>
      (await db.select({ m: locations.municipalityId }).from(locations).where(eq(locations.id, locationId)).limit(1))[0]
        ?.m ?? null,
    setTickerText: async (locationId, text) => {
      await db.update(locations).set({ tickerText: text }).where(eq(locations.id, locationId));
    },
  };
}
