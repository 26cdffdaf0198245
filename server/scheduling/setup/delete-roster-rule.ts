import { and, eq } from 'drizzle-orm';
import { rosterRules } from '../../../db/schema/index.ts';
import type { StaffPrincipal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { change, locationFor } from './setup-change.ts';

export function deleteRosterRule(deps: Deps, staff: StaffPrincipal, locationId: string, ruleId: number) {
  const location = locationFor(deps, staff, locationId);
  return change(deps, staff, location, 'roster-rule.delete', (tx) => {
    const r = tx
      .delete(rosterRules)
      .where(and(eq(rosterRules.id, ruleId), eq(rosterRules.locationId, locationId)))
      .run();
    if (r.changes === 0) throw new AppError('not-found', 'No such roster rule');
    return { result: {}, targetId: ruleId };
  });
}
