import { AppError } from '../errors.ts';
import type { Repositories } from '../storage.ts';
import type { EngineAppointment, EngineCounter, Move } from './allocation.ts';
import { candidateStarts, localDateOf, mergeIntervals } from './calendar.ts';
import { allocatorFor, bookingWindow, dayBounds, engineAppointments, planDay, skilledSpans } from './day-plans.ts';
import { fitsOnlinePart, phoneShareKept } from './fairness/capacity.ts';
import { releasedThrough } from './fairness/release.ts';
import type { Office } from './office-cache.ts';

const NEW_ID = -1_000_000;

/**
 * Inside a write transaction (after `lockOfficeDays` for the date): finds a counter for [start, start + duration) and applies the moves
 * the engine chose. Throws `slot-unavailable` when the time is not offered or does not fit.
 * Before returning it re-checks every changed appointment against invariant 1, ARCHITECTURE.md#invariants (defence in depth).
 */
export async function placeInTransaction(
  tx: Pick<Repositories, 'appointments'>,
  office: Office,
  input: { start: number; durationMs: number; serviceIds: number[]; now: Date; exclude?: number; staff?: boolean },
): Promise<{ counterId: number; moves: Move[] }> {
  const { location } = office;
  const zone = location.timeZone;
  const date = localDateOf(input.start, zone);
  const window = bookingWindow(location, input.now);
  // Staff booking on the phone or at the counter may skip the minimum notice, never the past.
  const earliest = input.staff ? input.now.getTime() : window.earliest;
  if (input.start < earliest || date > window.lastDate) {
    throw new AppError('slot-unavailable', 'That time is outside the booking window');
  }
  // Rolling release (rule 8): online, a day opens at its release time; staff book the whole window.
  const released = input.staff ? null : releasedThrough(location, input.now);
  if (released !== null && date > released) throw new AppError('slot-unavailable', 'That day is not released yet');
  const plan = planDay(office, date);
  if (!plan || plan.closed) throw new AppError('slot-unavailable', 'The office is closed that day');
  // The office-day's occupancy, read inside the write transaction that will write the placement.
  const bounds = dayBounds(date, zone);
  const occupied = await tx.appointments.occupancy(location.id, bounds.start, bounds.end, input.now);
  const {
    allocator,
    counters,
    appointments: existing,
  } = allocatorFor(office, plan, engineAppointments(occupied, input.now), { exclude: input.exclude });
  if (
    !input.staff &&
    phoneShareKept(location, dayBounds(date, zone).start, input.now) &&
    !fitsOnlinePart(location, counters, existing, input.durationMs)
  )
    throw new AppError('slot-unavailable', 'The rest of this day is kept for phone and desk bookings');
  const spans = skilledSpans(counters, input.serviceIds);
  const starts = candidateStarts(plan.date, zone, location.slotGridMinutes, spans, input.durationMs);
  if (!starts.includes(input.start)) throw new AppError('slot-unavailable', 'That time is not offered');
  const request = { start: input.start, end: input.start + input.durationMs, serviceIds: input.serviceIds };
  const placement = allocator.commit(request, NEW_ID);
  if (!placement) throw new AppError('slot-unavailable');

  // The day as it will be: only the moved appointments are copied (a full day holds a thousand).
  const movedTo = new Map(placement.moves.map((m) => [m.appointmentId, m.toCounterId]));
  const final = existing.map((a) => {
    const to = movedTo.get(a.id);
    return to === undefined ? a : { ...a, counterId: to };
  });
  final.push({ id: NEW_ID, counterId: placement.counterId, ...request, movable: false });
  assertValid(counters, final, new Set([NEW_ID, ...movedTo.keys()]));

  await tx.appointments.moveToCounters(
    placement.moves.map((m) => ({ appointmentId: m.appointmentId, counterId: m.toCounterId })),
  );
  return placement;
}

function assertValid(counters: EngineCounter[], all: EngineAppointment[], changed: Set<number>): void {
  const byId = new Map(counters.map((c) => [c.id, c]));
  for (const a of all) {
    if (!changed.has(a.id)) continue;
    const c = byId.get(a.counterId);
    const ok =
      c !== undefined &&
      a.serviceIds.every((s) => c.skills.has(s)) &&
      mergeIntervals(c.windows).some((w) => w.start <= a.start && a.end <= w.end) &&
      !all.some((o) => o.id !== a.id && o.counterId === a.counterId && o.start < a.end && a.start < o.end);
    // Unreachable unless the engine has a bug: refuse to write rather than double-book.
    if (!ok) throw new Error('allocation produced an invalid assignment');
  }
}
