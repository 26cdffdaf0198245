import { eq } from 'drizzle-orm';
import { closures } from '../../../db/schema/index.ts';
import type { StaffPrincipal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { change, locationFor } from './setup-change.ts';

export function deleteClosure(deps: Deps, staff: StaffPrincipal, closureId: number) {
  const row = deps.db.select().from(closures).where(eq(closures.id, closureId)).get();
  if (!row || row.municipalityId !== staff.municipalityId) throw new AppError('not-found', 'No such closure');
  const location = row.locationId ? locationFor(deps, staff, row.locationId) : null;
  if (!location && staff.role !== 'admin') throw new AppError('forbidden', 'Only admins change municipality closures');
  return change(deps, staff, location, 'closure.delete', (tx) => {
    tx.delete(closures).where(eq(closures.id, closureId)).run();
    return { result: {}, targetId: closureId };
  });
}
