import { DateTime } from 'luxon';
import type { Deps } from '../deps.ts';
import type { DayPlan } from '../scheduling/calendar.ts';
import { dayBounds, planDay } from '../scheduling/day-plans.ts';
import { getOffice, type Office } from '../scheduling/office-cache.ts';
import type { CapacityRecord } from './forecast-history-store.ts';

export type { CapacityRecord };

/**
 * The appointment capacity a day offered, per bookable service, so the demand forecast can tell a day
 * whose book filled up (its bookings understate its demand: residents who found it full went elsewhere,
 * walked in or gave up) from a quiet one (`appointment-demand.ts`, censoring).
 *
 * Derived when the day comes, not afterwards from today's roster: rosters and slot rules change, and a
 * past day's capacity rebuilt from the rules as they stand now would be a guess. So a background job
 * records each open day once, on the day itself — the book for it is closed by then — as
 *
 *   capacity(s) = service-persons of s booked + visits of s that still fit in the free appointment time
 *                 of the counters that serve s,
 *
 * the free time per appointment window of a counter being its budget (the whole window for appointment
 * windows, the part not kept for walk-ins in windows for both) less the appointments placed in it. A day
 * is full for s when no further visit of s fitted. The first record of a day stands (never rewritten).
 * The demo history records its simulated days the same way (`demo-history.ts`).
 */

/** Counter time an appointment takes. */
export interface PlacedAppointment {
  counterId: number;
  startsAt: number;
  endsAt: number;
}

/** A day's book: the counter time its appointments take, and its service-persons per service code. */
export interface DayBook {
  placed: readonly PlacedAppointment[];
  persons: Readonly<Record<string, number>>;
}

/** Capacity per bookable service on a planned day (pure). */
export function dayCapacity(office: Office, plan: DayPlan, book: DayBook): CapacityRecord[] {
  if (plan.closed) return [];
  const share = Math.min(1, Math.max(0, office.location.walkInShare));
  const bookable = [...office.services.values()].filter((s) => s.bookableOnline);
  const out: CapacityRecord[] = [];
  for (const s of bookable) {
    const visit = s.minutesPerPerson * 60_000;
    let fits = 0;
    for (const c of office.counters) {
      if (!c.skills.has(s.id)) continue;
      for (const w of plan.counterWindows.get(c.id) ?? []) {
        if (w.mode !== 'appointments' && w.mode !== 'both') continue;
        const budget = w.mode === 'both' ? Math.floor((w.end - w.start) * (1 - share)) : w.end - w.start;
        let used = 0;
        for (const a of book.placed) {
          if (a.counterId !== c.id) continue;
          used += Math.max(0, Math.min(a.endsAt, w.end) - Math.max(a.startsAt, w.start));
        }
        if (visit > 0) fits += Math.floor(Math.max(0, budget - used) / visit);
      }
    }
    const booked = book.persons[s.code] ?? 0;
    if (booked + fits > 0) out.push({ serviceCode: s.code, date: plan.date, capacity: booked + fits });
  }
  return out;
}

/**
 * Records today's capacity of every open office that has none recorded for today yet (the background
 * job, hourly; a day is recorded once). Returns the number of rows written.
 */
export async function recordTodaysCapacity(deps: Deps): Promise<number> {
  let written = 0;
  const now = deps.clock.now();
  for (const { id } of await deps.storage.read.openData.offices()) {
    const office = await getOffice(deps.storage.read, id);
    if (!office) continue;
    const zone = office.location.timeZone;
    const today = DateTime.fromJSDate(now, { zone }).toISODate() as string;
    const store = deps.storage.read.forecastHistory;
    if ((await store.appointmentCapacity(id, today, today)).length > 0) continue;
    const plan = planDay(office, today);
    if (!plan || plan.closed) continue;
    const rows = dayCapacity(office, plan, await bookOfDay(deps, office, today, now));
    if (rows.length === 0) continue;
    written += await deps.storage.write((tx) => tx.forecastHistory.recordCapacity(id, rows, now));
  }
  return written;
}

/** The active book of a local date: counter time from the occupancy, service-persons from the history. */
export async function bookOfDay(deps: Deps, office: Office, date: string, now: Date): Promise<DayBook> {
  const bounds = dayBounds(date, office.location.timeZone);
  const occupied = await deps.storage.read.appointments.occupancy(office.location.id, bounds.start, bounds.end, now);
  const history = await deps.storage.read.forecastHistory.appointmentHistory(
    office.location.id,
    new Date(bounds.start),
    new Date(bounds.end),
  );
  const persons: Record<string, number> = {};
  for (const h of history) {
    if (h.status === 'cancelled' || h.status === 'expired') continue;
    for (const i of h.items) persons[i.serviceCode] = (persons[i.serviceCode] ?? 0) + i.persons;
  }
  return {
    placed: occupied.map((o) => ({ counterId: o.counterId, startsAt: o.startsAt, endsAt: o.endsAt })),
    persons,
  };
}
