import type { StaffPrincipal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { change, locationFor } from './setup-change.ts';

export async function deleteScheduleRule(deps: Deps, staff: StaffPrincipal, locationId: string, ruleId: number) {
  const location = await locationFor(deps, staff, locationId);
  return change(deps, staff, location, 'schedule-rule.delete', async (tx) => {
    if (!(await tx.office.deleteScheduleRule(locationId, ruleId))) throw new AppError('not-found', 'No such rule');
    return { result: {}, targetId: ruleId };
  });
}
