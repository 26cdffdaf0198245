import { formatCheckInCode } from '../contracts/check-in.ts';
import { buildCalendarFile } from '../notify/calendar-file.ts';
import { type AppointmentMailView, renderAppointmentMail } from '../notify/messages.ts';
import type { OutboxStore } from '../notify/outbox-store.ts';
import type { AppointmentRecord } from './appointment-record.ts';
import { mailView } from './appointment-record.ts';

/** The .ics of an appointment, as attached to mails and served at /calendar.ics. */
export function appointmentCalendarFile(
  record: AppointmentRecord,
  now: Date,
  url: string | null,
  method: 'PUBLISH' | 'CANCEL' = 'PUBLISH',
  organizer: { name: string; email: string } | null = null,
): string {
  const { appointment: a, location, items } = record;
  const en = a.language === 'en';
  const names = items.map((i) => `${en ? i.service.nameEn : i.service.nameNl} × ${i.persons}`).join(', ');
  return buildCalendarFile({
    uid: `${a.reference}@loket`,
    start: a.startsAt,
    end: a.endsAt,
    stamp: now,
    // Seconds since 2020 only grow, so a later file (moved, cancelled) replaces an earlier one.
    sequence: Math.max(0, Math.floor((now.getTime() - Date.UTC(2020, 0, 1)) / 1000)),
    summary: `${en ? 'Appointment' : 'Afspraak'} ${location.name}`,
    description: [
      names,
      `${en ? 'Reference' : 'Referentie'}: ${a.reference}`,
      ...(a.checkInCode && method === 'PUBLISH'
        ? [`${en ? 'Check-in code (kiosk)' : 'Incheckcode (zuil)'}: ${formatCheckInCode(a.checkInCode)}`]
        : []),
      ...(url ? [url] : []),
    ].join('\n'),
    location: `${location.name}, ${location.street}, ${location.postalCode} ${location.city}`,
    url: url ?? undefined,
    method,
    organizer,
  });
}

/**
 * The calendar file's ORGANIZER: the office by name, reachable at the municipality's contact address
 * (GET /municipality). Without a contact address there is none (a made-up address would mislead).
 */
export function organizerOf(record: AppointmentRecord): { name: string; email: string } | null {
  const email = record.organizerEmail;
  return email ? { name: record.location.name, email } : null;
}

/**
 * Queues a mail about an appointment (with the calendar file, except for reminders and holds) through the
 * caller's transaction, so it commits with the change it tells about. None when the API client that booked it
 * sends its own mails.
 */
export async function queueAppointmentMail(
  tx: { outbox: OutboxStore },
  record: AppointmentRecord,
  kind: 'hold' | 'confirmation' | 'reminder' | 'cancellation' | 'reschedule',
  now: Date,
  url: string | null,
  followUp: AppointmentMailView['followUp'] = null,
  hold: AppointmentMailView['hold'] = null,
): Promise<void> {
  const to = record.appointment.customerEmail;
  if (!to) return;
  if (record.bookedBy?.sendsOwnMail) return;
  const { subject, text } = renderAppointmentMail(kind, { ...mailView(record, url, followUp), hold });
  // No calendar file for a hold: it is not an appointment until confirmed.
  const ics =
    kind === 'reminder' || kind === 'hold'
      ? null
      : appointmentCalendarFile(record, now, url, kind === 'cancellation' ? 'CANCEL' : 'PUBLISH', organizerOf(record));
  await tx.outbox.enqueue(
    {
      municipalityId: record.appointment.municipalityId,
      kind,
      appointmentId: record.appointment.id,
      to,
      subject,
      text,
      attachments: ics
        ? [
            {
              filename: `afspraak-${record.appointment.reference}.ics`,
              contentType: 'text/calendar; charset=utf-8',
              content: ics,
            },
          ]
        : [],
    },
    now,
  );
}
