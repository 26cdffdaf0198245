import { asc, eq } from 'drizzle-orm';
import type { MunicipalityStore } from '../../server/integrations/municipality-store.ts';
import type { PgDb } from './client.ts';
import { municipalities, municipalityProfiles } from './schema/index.ts';

/** How municipalities present themselves, on PostgreSQL (contract: server/integrations/municipality-store.ts). */
export function pgMunicipalityStore(db: PgDb): MunicipalityStore {
  return {
    municipalities: () =>
      db
        .select({ id: municipalities.id, name: municipalities.name })
        .from(municipalities)
        .orderBy(asc(municipalities.id)),
    presentation: async (municipalityId) => {
      const [row] = await db
        .select({ id: municipalities.id, name: municipalities.name, profile: municipalityProfiles })
        .from(municipalities)
        .leftJoin(municipalityProfiles, eq(municipalityProfiles.municipalityId, municipalities.id))
        .where(eq(municipalities.id, municipalityId))
        .limit(1);
      if (!row) return null;
      return {
        id: row.id,
        name: row.name,
        logoUrl: row.profile?.logoUrl ?? null,
        website: row.profile?.website ?? null,
        contactEmail: row.profile?.contactEmail ?? null,
        contactUrl: row.profile?.contactUrl ?? null,
        houseStyle: row.profile?.houseStyle ?? {},
      };
    },
  };
}
