import { asc, eq } from 'drizzle-orm';
import type { OpenDataStore } from '../../server/open-data/open-data-store.ts';
import type { Synchronous } from '../../server/storage.ts';
import type { Db } from '../client.ts';
import { ensureLocationNumbers, listMunicipalities } from '../profile.ts';
import { officeColumns } from '../records/open-data.ts';
import { locationNumbers, locations } from '../schema/index.ts';

export function sqliteOpenDataStore(db: Db): Synchronous<OpenDataStore> {
  return {
    offices: () =>
      db
        .select(officeColumns(locations, locationNumbers))
        .from(locations)
        .leftJoin(locationNumbers, eq(locationNumbers.locationId, locations.id))
        .orderBy(asc(locations.id))
        .all(),
    assignOfficeNumbers: () => {
      ensureLocationNumbers(db);
    },
    publishers: () => listMunicipalities(db),
  };
}
