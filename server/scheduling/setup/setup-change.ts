import { canAccessLocation, type StaffPrincipal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import type { Repositories } from '../../storage.ts';
import type { LocationRecord, OfficeStore } from '../office-store.ts';
import { checkRuleBody } from '../recurrence.ts';
import { revalidateFutureAppointments } from '../revalidate.ts';

/**
 * What every set-up use-case of this folder shares (one use-case per file beside it). Supervisors change their
 * locations, admins their municipality: hours, rosters, closures, counters and skills, services. `change` runs
 * the work in one write transaction with an audit entry, re-checks the booked future (revalidate.ts) so no change
 * can break invariant 1 (ARCHITECTURE.md#invariants), and after the commit publishes `location:changed` for every
 * location it touched, so displays and consoles refresh.
 */

export type Location = LocationRecord;

export async function locationFor(deps: Deps, staff: StaffPrincipal, locationId: string): Promise<Location> {
  const location = await deps.storage.read.office.location(locationId);
  if (!location || location.municipalityId !== staff.municipalityId)
    throw new AppError('not-found', 'No such location');
  if (!canAccessLocation(staff, locationId)) throw new AppError('forbidden', 'Not your location');
  return location;
}

export async function change<T>(
  deps: Deps,
  staff: StaffPrincipal,
  location: Location | null,
  action: string,
  work: (
    tx: Repositories,
    now: Date,
  ) => Promise<{ result: T; targetId?: string | number; details?: Record<string, unknown> }>,
): Promise<T & { movedAppointments: number }> {
  const outcome = await deps.storage.write(async (tx) => {
    const now = deps.clock.now();
    const { result, targetId, details } = await work(tx, now);
    const touched = location ? [location.id] : await tx.office.locationIdsOf(staff.municipalityId);
    let moved = 0;
    for (const id of touched) moved += (await revalidateFutureAppointments(tx, id, now)).moved;
    await tx.audit.record(staff, staff.municipalityId, now, {
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

/** The ids of a municipality's services by code, in order; an unknown code is `validation-failed`. */
export async function serviceIdsFor(
  tx: { office: OfficeStore },
  municipalityId: string,
  codes: readonly string[],
): Promise<number[]> {
  const ids = await tx.office.serviceIds(municipalityId, codes);
  return codes.map((code) => {
    const id = ids.get(code);
    if (id === undefined) throw new AppError('validation-failed', `Unknown service ${code}`);
    return id;
  });
}
