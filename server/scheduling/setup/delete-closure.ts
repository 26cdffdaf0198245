import type { StaffPrincipal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { change, locationFor } from './setup-change.ts';

export async function deleteClosure(deps: Deps, staff: StaffPrincipal, closureId: number) {
  const row = await deps.storage.read.office.closure(closureId);
  if (!row || row.municipalityId !== staff.municipalityId) throw new AppError('not-found', 'No such closure');
  const location = row.locationId ? await locationFor(deps, staff, row.locationId) : null;
  if (!location && staff.role !== 'admin') throw new AppError('forbidden', 'Only admins change municipality closures');
  return change(deps, staff, location, 'closure.delete', async (tx) => {
    await tx.office.deleteClosure(closureId);
    return { result: {}, targetId: closureId };
  });
}
