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

export async function saveScheduleRule(
  deps: Deps,
  staff: StaffPrincipal,
  locationId: string,
  input: ScheduleRuleInput,
  ruleId?: number,
) {
  const location = await locationFor(deps, staff, locationId);
  checkRule(input.rrule);
  checkTimes(input.opensAt, input.closesAt);
  return change(deps, staff, location, ruleId ? 'schedule-rule.update' : 'schedule-rule.create', async (tx) => {
    const r = await tx.office.saveScheduleRule(locationId, { ...input, endsOn: input.endsOn ?? null }, ruleId);
    if (!r) throw new AppError('not-found', 'No such rule');
    return { result: { rule: r }, targetId: r.id };
  });
}
