import { and, eq } from 'drizzle-orm';
import { services } from '../../../db/schema/index.ts';
import type { StaffPrincipal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import type { ServiceInput } from './create-service.ts';
import { change } from './setup-change.ts';

export function updateService(
  deps: Deps,
  staff: StaffPrincipal,
  code: string,
  input: Partial<Omit<ServiceInput, 'code'>>,
) {
  if (staff.role !== 'admin') throw new AppError('forbidden', 'Only admins manage services');
  return change(deps, staff, null, 'service.update', (tx) => {
    const r = tx
      .update(services)
      .set(input)
      .where(and(eq(services.municipalityId, staff.municipalityId), eq(services.code, code)))
      .returning()
      .get();
    if (!r) throw new AppError('not-found', 'No such service');
    return { result: { service: r }, targetId: code, details: { ...input } };
  });
}
