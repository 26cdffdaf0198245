import { closures } from '../../../db/schema/index.ts';
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
export function addClosure(deps: Deps, staff: StaffPrincipal, locationId: string | null, input: ClosureInput) {
  const location = locationId ? locationFor(deps, staff, locationId) : null;
  if (!location && staff.role !== 'admin') throw new AppError('forbidden', 'Only admins close every location');
  return change(deps, staff, location, 'closure.create', (tx) => {
    const r = tx
      .insert(closures)
      .values({ ...input, municipalityId: staff.municipalityId, locationId: location?.id ?? null })
      .returning()
      .get();
    return { result: { closure: r }, targetId: r.id, details: { date: input.date } };
  });
}
