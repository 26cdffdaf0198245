import { eq } from 'drizzle-orm';
import { counterSkills, counters, services } from '../../../db/schema/index.ts';
import type { StaffPrincipal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { change, locationFor, serviceIdsFor } from './setup-change.ts';

export function updateCounter(
  deps: Deps,
  staff: StaffPrincipal,
  locationId: string,
  counterId: number,
  input: { name?: string; active?: boolean; skills?: string[] },
) {
  const location = locationFor(deps, staff, locationId);
  return change(deps, staff, location, 'counter.update', (tx) => {
    const c = tx.select().from(counters).where(eq(counters.id, counterId)).get();
    if (!c || c.locationId !== locationId) throw new AppError('not-found', 'No such counter');
    if (input.name !== undefined || input.active !== undefined)
      tx.update(counters)
        .set({
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.active !== undefined ? { active: input.active } : {}),
        })
        .where(eq(counters.id, counterId))
        .run();
    if (input.skills) {
      const ids = serviceIdsFor(tx, staff.municipalityId, input.skills);
      tx.delete(counterSkills).where(eq(counterSkills.counterId, counterId)).run();
      if (ids.length > 0)
        tx.insert(counterSkills)
          .values(ids.map((serviceId) => ({ counterId, serviceId })))
          .run();
    }
    const after = tx.select().from(counters).where(eq(counters.id, counterId)).get();
    const skills = tx
      .select({ code: services.code })
      .from(counterSkills)
      .innerJoin(services, eq(services.id, counterSkills.serviceId))
      .where(eq(counterSkills.counterId, counterId))
      .all()
      .map((s) => s.code);
    return {
      result: { counter: { id: counterId, name: after?.name ?? c.name, active: after?.active ?? c.active, skills } },
      targetId: counterId,
      details: { skills: input.skills ?? null, active: input.active ?? null },
    };
  });
}
