import type { Db } from '../../db/client.ts';
import { outbox } from '../../db/schema/index.ts';

export type MailKind = (typeof outbox.$inferInsert)['kind'];

export interface OutgoingMail {
  municipalityId: string;
  kind: MailKind;
  appointmentId?: number | null;
  to: string;
  subject: string;
  text: string;
  attachments?: { filename: string; contentType: string; content: string }[];
}

/**
 * Queues a mail in the caller's transaction: it commits with the booking or not at all, and
 * delivery (SMTP, or staff reading the outbox) happens later, so mail never blocks a booking.
 */
export function enqueueMail(tx: Db, mail: OutgoingMail, now: Date): void {
  tx.insert(outbox)
    .values({
      municipalityId: mail.municipalityId,
      kind: mail.kind,
      appointmentId: mail.appointmentId ?? null,
      toAddress: mail.to,
      subject: mail.subject,
      text: mail.text,
      attachments: mail.attachments ?? null,
      createdAt: now,
    })
    .run();
}
