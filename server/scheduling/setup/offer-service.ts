import { and, eq } from 'drizzle-orm';
import { locationServices } from '../../../db/schema/index.ts';
import type { StaffPrincipal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { change, locationFor, serviceIdsFor } from './setup-change.ts';

export function offerService(
  deps: Deps,
  staff: StaffPrincipal,
  locationId: string,
  code: string,
  input: { bookableOnline: boolean; walkIn: boolean } | null,
) {
  const location = locationFor(deps, staff, locationId);
  return change(deps, staff, location, input ? 'location-service.save' : 'location-service.delete', (tx) => {
    const [serviceId] = serviceIdsFor(tx, staff.municipalityId, [code]);
    if (serviceId === undefined) throw new AppError('not-found');
    tx.delete(locationServices)
      .where(and(eq(locationServices.locationId, locationId), eq(locationServices.serviceId, serviceId)))
      .run();
    if (input)
      tx.insert(locationServices)
        .values({ locationId, serviceId, ...input })
        .run();
    return { result: {}, targetId: code, details: input ? { ...input } : {} };
  });
}
