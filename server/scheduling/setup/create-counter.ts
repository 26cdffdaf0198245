import { counterSkills, counters } from '../../../db/schema/index.ts';
import type { StaffPrincipal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { change, locationFor, serviceIdsFor } from './setup-change.ts';

export function createCounter(
  deps: Deps,
  staff: StaffPrincipal,
  locationId: string,
  input: { name: string; skills: string[] },
) {
  const location = locationFor(deps, staff, locationId);
  return change(deps, staff, location, 'counter.create', (tx) => {
    const ids = serviceIdsFor(tx, staff.municipalityId, input.skills);
    const c = tx.insert(counters).values({ locationId, name: input.name }).returning().get();
    if (ids.length > 0)
      tx.insert(counterSkills)
        .values(ids.map((serviceId) => ({ counterId: c.id, serviceId })))
        .run();
    return { result: { counter: { id: c.id, name: c.name, active: c.active, skills: input.skills } }, targetId: c.id };
  });
}
