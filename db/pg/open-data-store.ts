import { asc, eq, sql } from 'drizzle-orm';
import type { OpenDataStore } from '../../server/open-data/open-data-store.ts';
import { officeColumns } from '../records/open-data.ts';
import type { PgDb } from './client.ts';
import { locationNumbers, locations, municipalities } from './schema/index.ts';

/** Serialises number assignment across nodes ("OfficeNo" in ASCII). */
const OFFICE_NUMBERS_LOCK = 0x4f66666963654e6fn;

/** Open data's offices and publishers on PostgreSQL (contract: server/open-data/open-data-store.ts). */
export function pgOpenDataStore(db: PgDb): OpenDataStore {
  return {
    offices: () =>
      db
        .select(officeColumns(locations, locationNumbers))
        .from(locations)
        .leftJoin(locationNumbers, eq(locationNumbers.locationId, locations.id))
        .orderBy(asc(locations.id)),
    // Under a transaction-scoped advisory lock, so concurrent calls on any node assign each office once; the
    // INSERT then sees the numbers committed by whoever held the lock before.
    assignOfficeNumbers: async () => {
      await db.execute(sql`SELECT pg_advisory_xact_lock(${OFFICE_NUMBERS_LOCK.toString()}::bigint)`);
      await db.execute(sql`
        INSERT INTO ${locationNumbers} (location_id, number)
        SELECT l.id, (SELECT coalesce(max(number), 0) FROM ${locationNumbers}) + row_number() OVER (ORDER BY l.id)
          FROM ${locations} l
         WHERE NOT EXISTS (SELECT 1 FROM ${locationNumbers} n WHERE n.location_id = l.id)
         ORDER BY l.id`);
    },
    publishers: () =>
      db
        .select({ id: municipalities.id, name: municipalities.name })
        .from(municipalities)
        .orderBy(asc(municipalities.id)),
  };
}
