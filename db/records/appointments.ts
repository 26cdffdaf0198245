import type { AppointmentDetails, AppointmentRow, NewAppointment } from '../../server/scheduling/appointment-store.ts';

/** A booking's row as inserted, on either engine: nothing has happened to a new appointment yet. */
export function bookedAppointmentRow(
  values: NewAppointment,
  id: number,
  reference: string,
  checkInCode: string,
): AppointmentRow {
  return {
    ...values,
    id,
    reference,
    checkInCode,
    cancelledAt: null,
    confirmedAt: null,
    checkedInAt: null,
    reminderSentAt: null,
    personalDataErasedAt: null,
  };
}

/**
 * The rows around a page of appointments, as each engine's repository (`db/sqlite/appointment-store.ts`,
 * `db/pg/appointment-store.ts`) reads them with its own queries; `appointmentDetailsOf` assembles them the same
 * way on SQLite and PostgreSQL.
 */
export interface AppointmentDetailRows {
  locations: readonly AppointmentDetails['location'][];
  items: readonly { appointmentId: number; service: AppointmentDetails['items'][number]['service']; persons: number }[];
  /** The applications some of the appointments follow up on. */
  parents: readonly { id: number; reference: string }[];
  /** The pickups booked with some of the appointments. */
  children: readonly AppointmentRow[];
  clients: readonly { appointmentId: number; clientId: number; sendsOwnMail: boolean }[];
  organizerEmail: (municipalityId: string) => string | null;
}

export function appointmentDetailsOf(
  rows: readonly AppointmentRow[],
  found: AppointmentDetailRows,
): AppointmentDetails[] {
  return rows.map((appointment) => {
    const location = found.locations.find((l) => l.id === appointment.locationId);
    if (!location) throw new Error('appointment without location');
    const client = found.clients.find((c) => c.appointmentId === appointment.id);
    return {
      appointment,
      location,
      items: found.items
        .filter((i) => i.appointmentId === appointment.id)
        .map((i) => ({ service: i.service, persons: i.persons })),
      parentReference: found.parents.find((p) => p.id === appointment.followUpOfId)?.reference ?? null,
      followUps: found.children.filter((c) => c.followUpOfId === appointment.id),
      bookedBy: client ? { clientId: client.clientId, sendsOwnMail: client.sendsOwnMail } : null,
      organizerEmail: found.organizerEmail(appointment.municipalityId),
    };
  });
}
