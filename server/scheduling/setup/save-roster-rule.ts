import type { StaffPrincipal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { change, checkRule, checkTimes, locationFor } from './setup-change.ts';

export interface RosterRuleInput {
  counterId: number;
  rrule?: string | null;
  startsOn: string;
  endsOn?: string | null;
  startsAt: string;
  endsAt: string;
  mode: 'appointments' | 'walk-in' | 'both';
}

export async function saveRosterRule(
  deps: Deps,
  staff: StaffPrincipal,
  locationId: string,
  input: RosterRuleInput,
  ruleId?: number,
) {
  const location = await locationFor(deps, staff, locationId);
  checkRule(input.rrule);
  checkTimes(input.startsAt, input.endsAt);
  return change(deps, staff, location, ruleId ? 'roster-rule.update' : 'roster-rule.create', async (tx) => {
    const counter = await tx.office.counter(input.counterId);
    if (!counter || counter.locationId !== locationId)
      throw new AppError('validation-failed', 'The counter is not at this location');
    const r = await tx.office.saveRosterRule(
      locationId,
      { ...input, rrule: input.rrule ?? null, endsOn: input.endsOn ?? null },
      ruleId,
    );
    if (!r) throw new AppError('not-found', 'No such roster rule');
    return { result: { rule: r }, targetId: r.id };
  });
}
