import type { StaffPrincipal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { change } from './setup-change.ts';

/** Fees per age group in euro cents per person (null removes that group's fee), all-or-nothing, audited. */
export async function setServiceFees(
  deps: Deps,
  staff: StaffPrincipal,
  code: string,
  input: { adult: number | null; minor: number | null },
) {
  if (staff.role !== 'admin') throw new AppError('forbidden', 'Only admins manage services');
  return change(deps, staff, null, 'service.fees', async (tx) => {
    if (!(await tx.office.replaceServiceFees(staff.municipalityId, code, input)))
      throw new AppError('not-found', 'No such service');
    return { result: { fees: input }, targetId: code, details: { ...input } };
  });
}
