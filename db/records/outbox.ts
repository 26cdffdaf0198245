import type { OutboxRecord } from '../../server/notify/outbox-store.ts';

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
  };
}
