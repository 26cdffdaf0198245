import type { DemoAppointmentRow, DemoHistoryStore } from '../../server/forecast/demo-history-store.ts';
import type { Synchronous } from '../../server/storage.ts';
import type { Db } from '../client.ts';

function statementsOn(db: Db) {
  const client = db.$client;
  return {
    hasTicketsBefore: client.prepare('SELECT 1 FROM tickets WHERE location_id = ? AND service_date < ? LIMIT 1'),
    appointment: client.prepare(
      `INSERT INTO appointments (municipality_id, location_id, reference, manage_token_hash, starts_at, ends_at,
          counter_id, channel, status, language, created_at, personal_data_erased_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'nl', ?, ?)`,
    ),
    appointmentItem: client.prepare(
      'INSERT INTO appointment_items (appointment_id, service_id, persons) VALUES (?, ?, 1)',
    ),
    ticket: client.prepare(
      `INSERT INTO tickets (municipality_id, location_id, service_date, number, letter, sequence, public_id, source, status,
          priority, due_at, counter_id, call_count, language, issued_at, queued_at, called_at, started_at, finished_at,
          appointment_id, predicted_wait_seconds)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, 'nl', ?, ?, ?, ?, ?, ?, ?)`,
    ),
    ticketItem: client.prepare('INSERT INTO ticket_items (ticket_id, service_id, persons) VALUES (?, ?, ?)'),
    event: client.prepare(
      'INSERT INTO ticket_events (ticket_id, location_id, type, at, counter_id, data) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    hasRegistry: client.prepare('SELECT 1 FROM registry_documents WHERE municipality_id = ? LIMIT 1'),
    registry: client.prepare(
      `INSERT INTO registry_documents (municipality_id, month, document_type, age_band, count) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    ),
  };
}

/** The demo history on SQLite: prepared statements, one call per office-day (tens of thousands of rows a year). */
export function sqliteDemoHistoryStore(db: Db): Synchronous<DemoHistoryStore> {
  let prepared: ReturnType<typeof statementsOn> | undefined;
  const statements = () => {
    prepared ??= statementsOn(db);
    return prepared;
  };
  const insertAppointment = (a: DemoAppointmentRow): number => {
    const s = statements();
    const info = s.appointment.run(
      a.municipalityId,
      a.locationId,
      a.reference,
      a.manageTokenHash,
      a.startsAt,
      a.endsAt,
      a.counterId,
      a.channel,
      a.status,
      a.createdAt,
      a.personalDataErasedAt,
    );
    const id = Number(info.lastInsertRowid);
    s.appointmentItem.run(id, a.serviceId);
    return id;
  };
  return {
    hasTicketsBefore: (locationId, serviceDate) =>
      statements().hasTicketsBefore.get(locationId, serviceDate) !== undefined,
    insertDay: ({ appointments, tickets, events }) => {
      const s = statements();
      const appointmentIds = new Map(appointments.map((a) => [a.key, insertAppointment(a)]));
      const ticketIds = new Map<number, number>();
      for (const t of tickets) {
        const info = s.ticket.run(
          t.municipalityId,
          t.locationId,
          t.serviceDate,
          t.number,
          t.letter,
          t.sequence,
          t.publicId,
          t.source,
          t.status,
          t.dueAt,
          t.counterId,
          t.callCount,
          t.issuedAt,
          t.issuedAt,
          t.calledAt,
          t.startedAt,
          t.finishedAt,
          t.appointmentKey === null ? null : (appointmentIds.get(t.appointmentKey) ?? null),
          t.predictedWaitSeconds,
        );
        const id = Number(info.lastInsertRowid);
        ticketIds.set(t.key, id);
        for (const item of t.items) s.ticketItem.run(id, item.serviceId, item.persons);
      }
      for (const e of events) {
        const id = ticketIds.get(e.ticketKey);
        if (id !== undefined) s.event.run(id, e.locationId, e.type, e.at, e.counterId, e.data);
      }
    },
    insertAppointments: (rows) => {
      for (const a of rows) insertAppointment(a);
    },
    insertRegistryOnce: (municipalityId, rows) => {
      const s = statements();
      if (s.hasRegistry.get(municipalityId) !== undefined) return;
      for (const r of rows) s.registry.run(municipalityId, r.month, r.documentType, r.ageBand, r.count);
    },
  };
}
