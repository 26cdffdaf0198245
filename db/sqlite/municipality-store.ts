import type { MunicipalityStore } from '../../server/integrations/municipality-store.ts';
import type { Synchronous } from '../../server/storage.ts';
import type { Db } from '../client.ts';
import { findMunicipality, findProfile, listMunicipalities } from '../profile.ts';

export function sqliteMunicipalityStore(db: Db): Synchronous<MunicipalityStore> {
  return {
    municipalities: () => listMunicipalities(db),
    presentation: (municipalityId) => {
      const municipality = findMunicipality(db, municipalityId);
      if (!municipality) return null;
      const profile = findProfile(db, municipality.id);
      return {
        id: municipality.id,
        name: municipality.name,
        logoUrl: profile?.logoUrl ?? null,
        website: profile?.website ?? null,
        contactEmail: profile?.contactEmail ?? null,
        contactUrl: profile?.contactUrl ?? null,
        houseStyle: profile?.houseStyle ?? {},
      };
    },
  };
}
