import type { OutboxRecord, OutgoingMail } from '../../server/notify/outbox-store.ts';

/** An outbox row of either engine (`db/sqlite/outbox-store.ts`, `db/pg/outbox-store.ts`) as the notify domain's record. */
export function toOutboxRecord(
  r: Omit<OutboxRecord, 'to' | 'attachments'> & {
    toAddress: string;
    attachments: OutboxRecord['attachments'] | null;
  },
): OutboxRecord {
  return {
    id: r.id,
    municipalityId: r.municipalityId,
    kind: r.kind,
    appointmentId: r.appointmentId,
    to: r.toAddress,
    subject: r.subject,
    text: r.text,
    attachments: r.attachments ?? [],
    createdAt: r.createdAt,
    sentAt: r.sentAt,
    attempts: r.attempts,
    lastError: r.lastError,
    claimedUntil: r.claimedUntil,
    render: r.render ?? null,
  };
}

/** The row values of a mail being queued, for either engine (a mail rendered at send time has no text yet). */
export function outboxValues(mail: OutgoingMail, now: Date) {
  return {
    municipalityId: mail.municipalityId,
    kind: mail.kind,
    appointmentId: mail.appointmentId ?? null,
    toAddress: mail.to,
    subject: mail.subject ?? '',
    text: mail.text ?? '',
    attachments: mail.attachments && mail.attachments.length > 0 ? mail.attachments : null,
    render: mail.render ?? null,
    createdAt: now,
  };
}
