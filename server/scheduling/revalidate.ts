import { AppError } from '../errors.ts';
import type { Repositories } from '../storage.ts';
import { DayAllocator, type EngineAppointment, findViolations } from './allocation.ts';
import { localDateOf } from './calendar.ts';
import { engineAppointments, engineCounters, planDay } from './day-plans.ts';
import { getOffice } from './office-cache.ts';

/**
 * After a change to hours, rosters, counters, skills or closures (inside the same transaction):
 * every future booked appointment must still sit on a skilled, rostered, free counter. Where the
 * change broke that, the engine re-places the day's appointments (they may change counter, never
 * time); when some no longer fit at all, the change is refused with 409 `conflict` and rolls back.
 */
export async function revalidateFutureAppointments(
  tx: Pick<Repositories, 'appointments' | 'office'>,
  locationId: string,
  now: Date,
): Promise<{ moved: number }> {
  // Inside the set-up change's transaction: its version may still roll back, so never from or into the cache.
  const office = await getOffice(tx, locationId, { fresh: true });
  if (!office) return { moved: 0 };
  const zone = office.location.timeZone;
  const all = engineAppointments(
    await tx.appointments.occupancy(locationId, now.getTime(), Number.MAX_SAFE_INTEGER, now),
    now,
  );
  const byDate = new Map<string, EngineAppointment[]>();
  for (const a of all) {
    const date = localDateOf(a.start, zone);
    byDate.set(date, [...(byDate.get(date) ?? []), a]);
  }
  // Every booked day of the location may be re-placed: lock them all before moving anything (no-op on SQLite).
  await tx.appointments.lockOfficeDays(locationId, [...byDate.keys()].sort());
  const moves: { appointmentId: number; counterId: number }[] = [];
  const broken: string[] = [];
  for (const [date, list] of [...byDate].sort(([a], [b]) => a.localeCompare(b))) {
    const plan = planDay(office, date);
    const counters = plan ? engineCounters(office, plan) : [];
    if (plan && !plan.closed && findViolations(counters, list, office.location.walkInShare).length === 0) continue;
    if (!plan || plan.closed) {
      broken.push(`${date}: ${list.length}`);
      continue;
    }
    const fixed = list.filter((a) => !a.movable);
    const free = list.filter((a) => a.movable).sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
    const allocator = new DayAllocator(counters, fixed, { walkInShare: office.location.walkInShare });
    const failed = free.filter(
      (a) => !allocator.commit({ start: a.start, end: a.end, serviceIds: a.serviceIds }, a.id),
    );
    if (failed.length > 0) {
      broken.push(`${date}: ${failed.length}`);
      continue;
    }
    const where = allocator.assignment();
    for (const a of free) {
      const to = where.get(a.id);
      if (to !== undefined && to !== a.counterId) moves.push({ appointmentId: a.id, counterId: to });
    }
  }
  if (broken.length > 0) {
    throw new AppError(
      'conflict',
      `Booked appointments would no longer fit (date: count): ${broken.join(', ')}. Move or cancel them first.`,
      { affected: broken },
    );
  }
  await tx.appointments.moveToCounters(moves);
  return { moved: moves.length };
}
