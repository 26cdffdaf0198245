import { and, eq } from 'drizzle-orm';
import { counters, rosterRules } from '../../../db/schema/index.ts';
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

export function saveRosterRule(
  deps: Deps,
  staff: StaffPrincipal,
  locationId: string,
  input: RosterRuleInput,
  ruleId?: number,
) {
  const location = locationFor(deps, staff, locationId);
  checkRule(input.rrule);
  checkTimes(input.startsAt, input.endsAt);
  return change(deps, staff, location, ruleId ? 'roster-rule.update' : 'roster-rule.create', (tx) => {
    const counter = tx.select().from(counters).where(eq(counters.id, input.counterId)).get();
    if (!counter || counter.locationId !== locationId)
      throw new AppError('validation-failed', 'The counter is not at this location');
    const values = { ...input, rrule: input.rrule ?? null, endsOn: input.endsOn ?? null, locationId };
    if (ruleId) {
      const r = tx
        .update(rosterRules)
        .set(values)
        .where(and(eq(rosterRules.id, ruleId), eq(rosterRules.locationId, locationId)))
        .returning()
        .get();
      if (!r) throw new AppError('not-found', 'No such roster rule');
      return { result: { rule: r }, targetId: r.id };
    }
    const r = tx.insert(rosterRules).values(values).returning().get();
    return { result: { rule: r }, targetId: r.id };
  });
}
