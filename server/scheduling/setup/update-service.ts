import type { StaffPrincipal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import type { ServiceInput } from './create-service.ts';
import { change } from './setup-change.ts';

export async function updateService(
  deps: Deps,
  staff: StaffPrincipal,
  code: string,
  input: Partial<Omit<ServiceInput, 'code'>>,
) {
  if (staff.role !== 'admin') throw new AppError('forbidden', 'Only admins manage services');
  return change(deps, staff, null, 'service.update', async (tx) => {
    const r = await tx.office.updateService(staff.municipalityId, code, input);
    if (!r) throw new AppError('not-found', 'No such service');
    return { result: { service: r }, targetId: code, details: { ...input } };
  });
}
