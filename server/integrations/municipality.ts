import { findMunicipality, findProfile, listMunicipalities } from '../../db/profile.ts';
import type { MunicipalityDto } from '../contracts/integrations.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';

/**
 * The municipality a front-end presents: the one asked for, or the only one of the installation. An
 * installation hosting several (a shared service) needs `?municipality=`.
 */
export function getMunicipality(deps: Deps, id: string | undefined): MunicipalityDto {
  let municipality = id ? findMunicipality(deps.db, id) : undefined;
  if (!id) {
    const all = listMunicipalities(deps.db);
    if (all.length > 1)
      throw new AppError(
        'validation-failed',
        `This installation hosts ${all.length} municipalities: add ?municipality=`,
      );
    municipality = all[0];
  }
  if (!municipality) throw new AppError('not-found', 'No such municipality');
  const profile = findProfile(deps.db, municipality.id);
  return {
    id: municipality.id,
    name: municipality.name,
    logoUrl: profile?.logoUrl ?? null,
    website: profile?.website ?? null,
    contactEmail: profile?.contactEmail ?? null,
    contactUrl: profile?.contactUrl ?? null,
    houseStyle: profile?.houseStyle ?? {},
  };
}
