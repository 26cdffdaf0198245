import type { Db } from '../../db/client.ts';
import type { outbox } from '../../db/schema/index.ts';

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
const inserts = new WeakMap<Db['$client'], { run(...p: unknown[]): unknown }>();

export function enqueueMail(tx: Db, mail: OutgoingMail, now: Date): void {
  // A prepared statement per connection: every booking writes one or two of these.
  let insert = inserts.get(tx.$client);
  if (!insert) {
    insert = tx.$client.prepare(
      `INSERT INTO outbox (municipality_id, kind, appointment_id, to_address, subject, text, attachments, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    inserts.set(tx.$client, insert);
  }
  insert.run(
    mail.municipalityId,
    mail.kind,
    mail.appointmentId ?? null,
    mail.to,
    mail.subject,
    mail.text,
    mail.attachments ? JSON.stringify(mail.attachments) : null,
    now.getTime(),
  );
}
