/**
 * The mail outbox's data (ARCHITECTURE.md#storage-seam). Plain records: the SQLite implementation is
 * `db/sqlite/outbox-store.ts`; a PostgreSQL one implements the same contracts.
 */

export type MailKind = 'hold' | 'confirmation' | 'reminder' | 'cancellation' | 'reschedule' | 'ticket-due';

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: string;
}

export interface OutgoingMail {
  municipalityId: string;
  kind: MailKind;
  appointmentId?: number | null;
  to: string;
  subject: string;
  text: string;
  attachments?: MailAttachment[];
}

export interface OutboxRecord {
  id: number;
  municipalityId: string;
  kind: MailKind;
  appointmentId: number | null;
  to: string;
  subject: string;
  text: string;
  attachments: MailAttachment[];
  createdAt: Date;
  sentAt: Date | null;
  /** Claims so far, this one included for a claimed mail. */
  attempts: number;
  lastError: string | null;
}

/** A mail is given up after this many attempts (it stays in the outbox for staff to read). */
export const MAX_MAIL_ATTEMPTS = 5;

export interface OutboxStore {
  /**
   * Queues a mail. Called through `tx` inside the caller's write transaction, so it commits with the booking
   * (or the change it tells about) or not at all.
   */
  enqueue(mail: OutgoingMail, now: Date): Promise<void>;
  /**
   * Claims up to `limit` due mails, oldest first, and returns them: unsent, fewer than MAX_MAIL_ATTEMPTS
   * attempts, and not claimed by another sender whose lease is still running. Each claimed row gets one more
   * attempt and a lease until `now + leaseMs`; until it ends no other claim (in this or any other process)
   * returns the row, so a mail is sent at most once per attempt. A sender that dies mid-send leaves the lease
   * to run out, and the row is due again. Run it in a write transaction of its own, never around the send:
   * SQLite's BEGIN IMMEDIATE serialises the claims; PostgreSQL selects `FOR UPDATE SKIP LOCKED`.
   */
  claimDueMails(now: Date, limit: number, leaseMs: number): Promise<OutboxRecord[]>;
  /** The claimed mail went out: sets `sentAt` and clears the lease. */
  markSent(id: number, at: Date): Promise<void>;
  /**
   * The claimed mail failed: keeps the error, which ends the lease (the row is due again at the next claim).
   * Only while the row is still at `attempt` (the claim's `attempts`): a sender whose lease ran out and whose
   * row another sender has claimed since does not end that sender's lease.
   */
  markFailed(id: number, attempt: number, error: string): Promise<void>;
  /** Mails of a municipality, newest first. */
  listMails(municipalityId: string, options: { unsentOnly: boolean; limit: number }): Promise<OutboxRecord[]>;
}
