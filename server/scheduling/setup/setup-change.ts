import { and, eq } from 'drizzle-orm';
import { writeTransaction } from '../../../db/client.ts';
import { locations, services } from '../../../db/schema/index.ts';
import { recordAudit } from '../../auth/audit.ts';
import { canAccessLocation, type StaffPrincipal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { checkRuleBody } from '../recurrence.ts';
import { revalidateFutureAppointments } from '../revalidate.ts';

/**
 * What every set-up use-case of this folder shares (one use-case per file beside it). Supervisors change their
 * locations, admins their municipality: hours, rosters, closures, counters and skills, services. `change` runs
 * the work in one transaction with an audit entry, re-checks the booked future (revalidate.ts) so no change can
 * break invariant 1 (ARCHITECTURE.md#invariants), and after the commit publishes `location:changed` for every
 * location it touched, so displays and consoles refresh.
 */

export type Location = typeof locations.$inferSelect;

export function locationFor(deps: Deps, staff: StaffPrincipal, locationId: string): Location {
  const location = deps.db.select().from(locations).where(eq(locations.id, locationId)).get();
  if (!location || location.municipalityId !== staff.municipalityId)
    throw new AppError('not-found', 'No such location');
  if (!canAccessLocation(staff, locationId)) throw new AppError('forbidden', 'Not your location');
  return location;
}

export function change<T>(
  deps: Deps,
  staff: StaffPrincipal,
  location: Location | null,
  action: string,
  work: (tx: Deps['db'], now: Date) => { result: T; targetId?: string | number; details?: Record<string, unknown> },
): T & { movedAppointments: number } {
  const outcome = writeTransaction(deps.db, (tx) => {
    const now = deps.clock.now();
    const { result, targetId, details } = work(tx, now);
    const touched = location
      ? [location.id]
      : tx
          .select({ id: locations.id })
          .from(locations)
          .where(eq(locations.municipalityId, staff.municipalityId))
          .all()
          .map((l) => l.id);
    let moved = 0;
    for (const id of touched) moved += revalidateFutureAppointments(tx, id, now).moved;
    recordAudit(tx, staff, staff.municipalityId, now, {
      action,
      targetType: action.split('.')[0],
      targetId,
      locationId: location?.id ?? null,
      details: { ...details, movedAppointments: moved },
    });
    return { result: { ...result, movedAppointments: moved }, touched };
  });
  // Displays, kiosks and consoles show counter names, services and hours: tell them after the commit.
  for (const locationId of outcome.touched) deps.events.publish('location:changed', { locationId, reason: 'setup' });
  return outcome.result;
}

export function checkTimes(from: string, to: string): void {
  if (from >= to) throw new AppError('validation-failed', 'The end must be after the start');
}

export function checkRule(rrule: string | null | undefined): void {
  if (!rrule) return;
  const problem = checkRuleBody(rrule);
  if (problem) throw new AppError('validation-failed', `rrule: ${problem}`);
}

export function serviceIdsFor(tx: Deps['db'], municipalityId: string, codes: readonly string[]): number[] {
  return codes.map((code) => {
    const s = tx
      .select({ id: services.id })
      .from(services)
      .where(and(eq(services.municipalityId, municipalityId), eq(services.code, code)))
      .get();
    if (!s) throw new AppError('validation-failed', `Unknown service ${code}`);
    return s.id;
  });
}
