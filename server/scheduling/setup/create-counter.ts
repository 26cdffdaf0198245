import type { StaffPrincipal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { change, locationFor, serviceIdsFor } from './setup-change.ts';

export async function createCounter(
  deps: Deps,
  staff: StaffPrincipal,
  locationId: string,
  input: { name: string; skills: string[] },
) {
  const location = await locationFor(deps, staff, locationId);
  return change(deps, staff, location, 'counter.create', async (tx) => {
    const ids = await serviceIdsFor(tx, staff.municipalityId, input.skills);
    const c = await tx.office.insertCounter(locationId, input.name, ids);
    return { result: { counter: { id: c.id, name: c.name, active: c.active, skills: input.skills } }, targetId: c.id };
  });
}
