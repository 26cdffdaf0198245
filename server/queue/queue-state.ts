/**
 * Reads one location's live queue (today's active tickets, counters, services) into the read model of
 * queue-model.ts. Read-only; use-cases call it inside their transaction, the hub after a commit.
 */
import { inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { appointments } from '../../db/schema/index.ts';
import { learnedServiceTimes } from './learned-times.ts';
import { loadCounters, loadServices } from './queue-config.ts';
import { type ActiveTicket, type LocationRow, type QueueState, serviceDateOf, type TicketRow } from './queue-model.ts';
import { statements } from './queue-statements.ts';

/**
 * Today's walk-in hours of a location. Opening hours belong to the scheduling module, which sits above
 * the queue (the dependency rule), so the composition root provides them (`provideWalkInHours`); without
 * a provider the screens say "no counter open" without a time.
 */
export type WalkInHoursProvider = (db: Db, locationId: string, serviceDate: string) => { start: number; end: number }[];
let walkInHoursProvider: WalkInHoursProvider | null = null;

export function provideWalkInHours(provider: WalkInHoursProvider): void {
  walkInHoursProvider = provider;
}

/** Items and appointment references for a set of ticket rows. */
export function withDetails(db: Db, rows: TicketRow[]): ActiveTicket[] {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const items = new Map<number, { code: string; persons: number }[]>();
  for (const i of statements(db).items.all({ ids: JSON.stringify(ids) })) {
    items.set(i.ticketId, [...(items.get(i.ticketId) ?? []), { code: i.code, persons: i.persons }]);
  }
  const apptIds = rows.map((r) => r.appointmentId).filter((id): id is number => id !== null);
  const refs = new Map<number, string>();
  if (apptIds.length > 0) {
    for (const a of db
      .select({ id: appointments.id, reference: appointments.reference })
      .from(appointments)
      .where(inArray(appointments.id, apptIds))
      .all())
      refs.set(a.id, a.reference);
  }
  return rows.map((row) => ({
    row,
    services: items.get(row.id) ?? [],
    appointmentReference: row.appointmentId !== null ? (refs.get(row.appointmentId) ?? null) : null,
  }));
}

export function loadQueueState(db: Db, location: LocationRow, now: Date): QueueState {
  const serviceDate = serviceDateOf(now, location.timeZone);
  const rows = statements(db).activeTickets.all({ locationId: location.id, serviceDate });
  const active = withDetails(db, rows);
  const services = loadServices(db, location);
  const configured = Object.fromEntries(services.map((s) => [s.code, s.minutesPerPerson]));
  return {
    location,
    now,
    serviceDate,
    services,
    counters: loadCounters(db, location.id, active),
    tickets: active,
    learned: learnedServiceTimes(db, location.id, now, configured),
    walkInHours: walkInHoursProvider?.(db, location.id, serviceDate),
  };
}
