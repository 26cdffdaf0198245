import type { Db } from '../../db/client.ts';
import { sqliteOutboxStore } from '../../db/sqlite/outbox-store.ts';
import type { OutgoingMail } from './outbox-store.ts';

export type { MailKind, OutgoingMail } from './outbox-store.ts';

/**
 * Queues a mail in the caller's synchronous SQLite transaction: it commits with the booking or not at all,
 * and delivery (SMTP, or staff reading the outbox) happens later, so mail never blocks a booking.
 * A bridge for callers still on `writeTransaction`; on the storage seam use `await tx.outbox.enqueue(mail, now)`.
 */
export function enqueueMail(tx: Db, mail: OutgoingMail, now: Date): void {
  sqliteOutboxStore(tx).enqueue(mail, now);
}
