import type { StaffPrincipal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { change, locationFor } from './setup-change.ts';

export interface ClosureInput {
  date: string;
  kind: 'bridge' | 'local';
  reason: string;
}

/** A closed day for one location, or (admins, `locationId` null) for the whole municipality. */
export async function addClosure(deps: Deps, staff: StaffPrincipal, locationId: string | null, input: ClosureInput) {
  const location = locationId ? await locationFor(deps, staff, locationId) : null;
  if (!location && staff.role !== 'admin') throw new AppError('forbidden', 'Only admins close every location');
  return change(deps, staff, location, 'closure.create', async (tx) => {
    const r = await tx.office.insertClosure({
      ...input,
      municipalityId: staff.municipalityId,
      locationId: location?.id ?? null,
    });
    return { result: { closure: r }, targetId: r.id, details: { date: input.date } };
  });
}
