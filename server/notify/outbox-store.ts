/**
 * The mail outbox's data (ARCHITECTURE.md#storage-seam). Plain records: `db/sqlite/outbox-store.ts` and
 * `db/pg/outbox-store.ts` implement the same contracts.
 */

export type MailKind = 'hold' | 'confirmation' | 'reminder' | 'cancellation' | 'reschedule' | 'ticket-due';

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: string;
}

/**
 * What an appointment mail needs besides the appointment's row when it is rendered at send time: the links
 * made from secrets the database keeps only hashed (the manage token, a hold's confirmation code) and the
 * terms of a pickup booked with it.
 */
export interface OutboxRenderContext {
  manageUrl: string | null;
  followUp: { byAppointment: boolean; earliestDate: string; booked: boolean } | null;
  /** A hold (double opt-in): its confirmation link and until when (ISO instant) it is held. */
  hold: { confirmUrl: string; until: string } | null;
}

/** A mail as written: ready (subject and text given) or rendered when it is sent (`render`, with `appointmentId`). */
export type OutgoingMail = {
  municipalityId: string;
  kind: MailKind;
  appointmentId?: number | null;
  to: string;
} & (
  | { subject: string; text: string; attachments?: MailAttachment[]; render?: undefined }
  | {
      render: OutboxRenderContext;
      appointmentId: number;
      subject?: undefined;
      text?: undefined;
      attachments?: undefined;
    }
);

/** A mail's content as sent. */
export interface RenderedMail {
  subject: string;
  text: string;
  attachments: MailAttachment[];
}

/**
 * Renders a mail queued with `render` from the data as it is when it is sent (the appointment mails:
 * `server/scheduling/appointment-mails.ts#renderQueuedMail`, given to the sender and the outbox listing by the
 * composition root, since scheduling sits above notify). Null when there is nothing to send any more (the
 * appointment's personal data was erased).
 */
export type MailRenderer = (mail: OutboxRecord) => Promise<RenderedMail | null>;

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
  /** The running claim's lease (null: not claimed, or the claim ended). */
  claimedUntil: Date | null;
  /** Set while the mail is still to be rendered (`subject` and `text` are empty until it is sent). */
  render: OutboxRenderContext | null;
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
   * (`claimed_until`) to run out, and the row is due again: a mail goes out at least once, and twice only when
   * a sender died while sending it. Run it in a write transaction of its own, never around the send:
   * SQLite's BEGIN IMMEDIATE serialises the claims; PostgreSQL selects `FOR UPDATE SKIP LOCKED`.
   */
  claimDueMails(now: Date, limit: number, leaseMs: number): Promise<OutboxRecord[]>;
  /**
   * The claimed mail went out: sets `sentAt`, ends the lease and, for a mail rendered at send time, keeps what
   * was sent (so staff read the mail as it went out).
   */
  markSent(id: number, at: Date, rendered?: RenderedMail): Promise<void>;
  /**
   * The claimed mail failed: keeps the error and ends the lease (the row is due again at the next claim).
   * Only while the row is still at `attempt` (the claim's `attempts`): a sender whose lease ran out and whose
   * row another sender has claimed since does not end that sender's lease.
   */
  markFailed(id: number, attempt: number, error: string): Promise<void>;
  /** Mails of a municipality, newest first. */
  listMails(municipalityId: string, options: { unsentOnly: boolean; limit: number }): Promise<OutboxRecord[]>;
}
