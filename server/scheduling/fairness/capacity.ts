import type { EngineAppointment, EngineCounter } from '../allocation.ts';

/**
 * "Persoonlijk waar het hoort": a share of each day's appointment capacity is kept for residents who
 * book by phone or at the desk, and released to online booking a configured time before the day. Pure.
 */
export interface PhoneShareRule {
  phoneShare: number;
  phoneShareReleaseHours: number;
  walkInShare: number;
}

/** Appointment minutes (ms) a day's rostered counters offer: `both` windows less the walk-in share. */
export function dayCapacityMs(counters: readonly EngineCounter[], walkInShare: number): number {
  const share = Math.min(1, Math.max(0, walkInShare));
  let total = 0;
  for (const c of counters) for (const w of c.windows) total += (w.end - w.start) * (w.mode === 'both' ? 1 - share : 1);
  return total;
}

/** Whether the share is still kept at `now` for a day that starts at `dayStart` (ms). */
export function phoneShareKept(rule: PhoneShareRule, dayStart: number, now: Date): boolean {
  return rule.phoneShare > 0 && now.getTime() < dayStart - rule.phoneShareReleaseHours * 3_600_000;
}

/**
 * Whether an online booking of `durationMs` still fits in the online part of the day: the time booked
 * online (held or booked) plus this one stays within (1 − share) of the capacity. Phone and desk
 * bookings use the whole day and are never refused by this rule.
 */
export function fitsOnlinePart(
  rule: PhoneShareRule,
  counters: readonly EngineCounter[],
  appointments: readonly EngineAppointment[],
  durationMs: number,
): boolean {
  const capacity = dayCapacityMs(counters, rule.walkInShare);
  const online = appointments.reduce((sum, a) => sum + (a.online ? a.end - a.start : 0), 0);
  return online + durationMs <= capacity * (1 - Math.min(1, Math.max(0, rule.phoneShare)));
}
