import { and, eq } from 'drizzle-orm';
import { scheduleRules } from '../../../db/schema/index.ts';
import type { StaffPrincipal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { change, locationFor } from './setup-change.ts';

export function deleteScheduleRule(deps: Deps, staff: StaffPrincipal, locationId: string, ruleId: number) {
  const location = locationFor(deps, staff, locationId);
  return change(deps, staff, location, 'schedule-rule.delete', (tx) => {
    const r = tx
      .delete(scheduleRules)
      .where(and(eq(scheduleRules.id, ruleId), eq(scheduleRules.locationId, locationId)))
      .run();
    if (r.changes === 0) throw new AppError('not-found', 'No such rule');
    return { result: {}, targetId: ruleId };
  });
}
