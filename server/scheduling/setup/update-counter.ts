import type { StaffPrincipal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { change, locationFor, serviceIdsFor } from './setup-change.ts';

export async function updateCounter(
  deps: Deps,
  staff: StaffPrincipal,
  locationId: string,
  counterId: number,
  input: { name?: string; active?: boolean; skills?: string[] },
) {
  const location = await locationFor(deps, staff, locationId);
  return change(deps, staff, location, 'counter.update', async (tx) => {
    const c = await tx.office.counter(counterId);
    if (!c || c.locationId !== locationId) throw new AppError('not-found', 'No such counter');
    const ids = input.skills ? await serviceIdsFor(tx, staff.municipalityId, input.skills) : null;
    const after = await tx.office.updateCounter(counterId, { name: input.name, active: input.active }, ids);
    return {
      result: { counter: { id: counterId, name: after.name, active: after.active, skills: after.skills } },
      targetId: counterId,
      details: { skills: input.skills ?? null, active: input.active ?? null },
    };
  });
}
