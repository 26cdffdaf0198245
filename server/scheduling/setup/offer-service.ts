import type { StaffPrincipal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { change, locationFor, serviceIdsFor } from './setup-change.ts';

export async function offerService(
  deps: Deps,
  staff: StaffPrincipal,
  locationId: string,
  code: string,
  input: { bookableOnline: boolean; walkIn: boolean } | null,
) {
  const location = await locationFor(deps, staff, locationId);
  return change(deps, staff, location, input ? 'location-service.save' : 'location-service.delete', async (tx) => {
    const [serviceId] = await serviceIdsFor(tx, staff.municipalityId, [code]);
    if (serviceId === undefined) throw new AppError('not-found');
    await tx.office.setOffered(locationId, serviceId, input);
    return { result: {}, targetId: code, details: input ? { ...input } : {} };
  });
}
