import { weekdaysOf } from '../setup-model.ts';

/** A rule's days in words, or the rule itself when it is not a plain weekly one. */
export function ruleText(t: (k: string) => string, rrule: string | null): string {
  const days = weekdaysOf(rrule);
  if (days) return days.map((d) => t(`agent.admin.weekday.${d}`)).join(', ');
  return rrule ?? t('agent.admin.once');
}
