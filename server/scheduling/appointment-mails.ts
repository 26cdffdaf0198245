import { formatCheckInCode } from '../contracts/check-in.ts';
import { buildCalendarFile } from '../notify/calendar-file.ts';
import { type AppointmentMailView, renderAppointmentMail } from '../notify/messages.ts';
import type { MailRenderer, OutboxRenderContext, OutboxStore, RenderedMail } from '../notify/outbox-store.ts';
import type { AppointmentRecord } from './appointment-record.ts';
import { mailView } from './appointment-record.ts';
import type { AppointmentStore } from './appointment-store.ts';

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
 * Queues a mail about an appointment through the caller's transaction, so it commits with the change it tells
 * about. Only a small row is written there (kind, address, the links whose secrets are kept hashed, the pickup's
 * terms): the text and the calendar file are rendered when the mail is sent (`renderQueuedMail`), outside the
 * booking's transaction. None when the API client that booked it sends its own mails.
 */
export async function queueAppointmentMail(
  tx: { outbox: OutboxStore },
  record: AppointmentRecord,
  kind: AppointmentMailKind,
  now: Date,
  url: string | null,
  followUp: AppointmentMailView['followUp'] = null,
  hold: AppointmentMailView['hold'] = null,
): Promise<void> {
  const to = record.appointment.customerEmail;
  if (!to) return;
  if (record.bookedBy?.sendsOwnMail) return;
  await tx.outbox.enqueue(
    {
      municipalityId: record.appointment.municipalityId,
      kind,
      appointmentId: record.appointment.id,
      to,
      render: {
        manageUrl: url,
        followUp: followUp ?? null,
        hold: hold ? { confirmUrl: hold.confirmUrl, until: hold.until.toISOString() } : null,
      },
    },
    now,
  );
}

type AppointmentMailKind = 'hold' | 'confirmation' | 'reminder' | 'cancellation' | 'reschedule';
const appointmentMailKinds: readonly string[] = ['hold', 'confirmation', 'reminder', 'cancellation', 'reschedule'];

/** An appointment mail's subject, text and calendar file (none for reminders and holds), as of `stamp`. */
export function renderAppointmentMailContent(
  record: AppointmentRecord,
  kind: AppointmentMailKind,
  stamp: Date,
  context: OutboxRenderContext,
): RenderedMail {
  const hold = context.hold ? { confirmUrl: context.hold.confirmUrl, until: new Date(context.hold.until) } : null;
  const url = context.manageUrl;
  const { subject, text } = renderAppointmentMail(kind, { ...mailView(record, url, context.followUp), hold });
  // No calendar file for a hold: it is not an appointment until confirmed.
  const ics =
    kind === 'reminder' || kind === 'hold'
      ? null
      : appointmentCalendarFile(
          record,
          stamp,
          url,
          kind === 'cancellation' ? 'CANCEL' : 'PUBLISH',
          organizerOf(record),
        );
  return {
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
  };
}

/**
 * Renders a queued appointment mail from the appointment as it is now (its time, office, services, check-in
 * code), stamped with the moment it was queued: the calendar file's SEQUENCE follows the order of the changes,
 * so a cancellation sent before an earlier confirmation still wins in the resident's calendar. Null when there
 * is nothing to send (the appointment or its address is gone: erased). A mail queued ready (`render` null) is
 * returned as it is.
 */
export function mailRenderer(read: { appointments: Pick<AppointmentStore, 'byId'> }): MailRenderer {
  return async (mail) => {
    if (!mail.render) return { subject: mail.subject, text: mail.text, attachments: mail.attachments };
    if (mail.appointmentId === null || !appointmentMailKinds.includes(mail.kind)) return null;
    const record = await read.appointments.byId(mail.appointmentId);
    if (!record?.appointment.customerEmail) return null;
    return renderAppointmentMailContent(record, mail.kind as AppointmentMailKind, mail.createdAt, mail.render);
  };
}
