import { and, eq } from 'drizzle-orm';
import { scheduleRules } from '../../../db/schema/index.ts';
import type { StaffPrincipal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { change, checkRule, checkTimes, locationFor } from './setup-change.ts';

export interface ScheduleRuleInput {
  kind: 'opening' | 'appointments' | 'walk-in';
  rrule: string;
  startsOn: string;
  endsOn?: string | null;
  opensAt: string;
  closesAt: string;
}

export function saveScheduleRule(
  deps: Deps,
  staff: StaffPrincipal,
  locationId: string,
  input: ScheduleRuleInput,
  ruleId?: number,
) {
  const location = locationFor(deps, staff, locationId);
  checkRule(input.rrule);
  checkTimes(input.opensAt, input.closesAt);
  return change(deps, staff, location, ruleId ? 'schedule-rule.update' : 'schedule-rule.create', (tx) => {
    const values = { ...input, endsOn: input.endsOn ?? null, locationId };
    if (ruleId) {
      const r = tx
        .update(scheduleRules)
        .set(values)
        .where(and(eq(scheduleRules.id, ruleId), eq(scheduleRules.locationId, locationId)))
        .returning()
        .get();
      if (!r) throw new AppError('not-found', 'No such rule');
      return { result: { rule: r }, targetId: r.id };
    }
    const r = tx.insert(scheduleRules).values(values).returning().get();
    return { result: { rule: r }, targetId: r.id };
  });
}
