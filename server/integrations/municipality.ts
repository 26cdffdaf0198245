import type { MunicipalityDto } from '../contracts/integrations.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';

/**
 * The municipality a front-end presents: the one asked for, or the only one of the installation. An
 * installation hosting several (a shared service) needs `?municipality=`.
 */
export async function getMunicipality(deps: Deps, id: string | undefined): Promise<MunicipalityDto> {
  const store = deps.storage.read.municipalities;
  let wanted = id;
  if (!wanted) {
    const all = await store.municipalities();
    if (all.length > 1)
      throw new AppError(
        'validation-failed',
        `This installation hosts ${all.length} municipalities: add ?municipality=`,
      );
    wanted = all[0]?.id;
  }
  const municipality = wanted ? await store.presentation(wanted) : null;
  if (!municipality) throw new AppError('not-found', 'No such municipality');
  return municipality;
}
