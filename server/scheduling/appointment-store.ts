/**
 * Appointments as the scheduling use-cases need them (ARCHITECTURE.md#storage-seam). Plain records, no ORM
 * types; `db/sqlite/appointment-store.ts` implements it on SQLite, `db/pg/appointment-store.ts` on PostgreSQL.
 *
 * Concurrency (invariant 1, no counter double-booked): a use-case that places an appointment calls
 * `lockOfficeDays` first inside its write transaction, then reads `occupancy`, places, and writes in the
 * same transaction. On SQLite `BEGIN IMMEDIATE` already serialises every write transaction, so the lock is a
 * no-op; on PostgreSQL it takes a transaction-scoped advisory lock per location and local date, in sorted
 * order (no deadlocks between two bookings that touch the same two days), and the deferrable exclusion
 * constraint on (counter, time range) is the last line of defence at commit.
 */

import type { LocationRecord, ServiceRecord } from './office-store.ts';

export type AppointmentStatus = 'held' | 'booked' | 'checked-in' | 'served' | 'no-show' | 'cancelled' | 'expired';

/** An appointment that takes its counter's time: its services as ids, instants as epoch ms. */
export interface OccupiedRecord {
  id: number;
  counterId: number;
  startsAt: number;
  endsAt: number;
  status: AppointmentStatus;
  channel: 'online' | 'phone' | 'counter';
  serviceIds: number[];
}

export interface AppointmentRow {
  id: number;
  municipalityId: string;
  locationId: string;
  reference: string;
  /** The start's local date at the location: the day the check-in code is valid. */
  serviceDate: string | null;
  checkInCode: string | null;
  manageTokenHash: string;
  startsAt: Date;
  endsAt: Date;
  counterId: number;
  channel: 'online' | 'phone' | 'counter';
  status: AppointmentStatus;
  customerName: string | null;
  customerEmail: string | null;
  customerPhone: string | null;
  mailboxKey: string | null;
  phoneKey: string | null;
  language: 'nl' | 'en';
  followUpOfId: number | null;
  createdAt: Date;
  cancelledAt: Date | null;
  checkedInAt: Date | null;
  reminderSentAt: Date | null;
  personalDataErasedAt: Date | null;
  holdExpiresAt: Date | null;
  confirmCodeHash: string | null;
  confirmedAt: Date | null;
}

export type NewAppointment = Omit<
  AppointmentRow,
  | 'id'
  | 'reference'
  | 'checkInCode'
  | 'cancelledAt'
  | 'checkedInAt'
  | 'reminderSentAt'
  | 'personalDataErasedAt'
  | 'confirmedAt'
>;

/** An appointment with everything its answer, its mails and its calendar file need (one call). */
export interface AppointmentDetails {
  appointment: AppointmentRow;
  location: LocationRecord;
  items: { service: ServiceRecord; persons: number }[];
  /** The reference of the application this pickup follows, if any. */
  parentReference: string | null;
  /** The pickups booked with it. */
  followUps: AppointmentRow[];
  /** The API client that booked it; `sendsOwnMail`: Loket queues no mail about it. */
  bookedBy: { clientId: number; sendsOwnMail: boolean } | null;
  /** The municipality's contact address (the calendar file's organiser), null when it has none. */
  organizerEmail: string | null;
}

export interface BookingCountsQuery {
  municipalityId: string;
  /** The address as typed (the cap without normalisation). */
  email: string;
  mailboxKey: string;
  phoneKey: string | null;
  /** Online bookings onto one office-day (starts in [from, to)) made after `createdAfter`: the velocity limit. */
  day: { locationId: string; from: number; to: number; createdAfter: number } | null;
}

export interface BookingCounts {
  /** Future booked or unlapsed held appointments of the address as typed, of the mailbox, of the phone (0 without). */
  byEmail: number;
  byMailbox: number;
  byPhone: number;
  /** Velocity: how many, and when the oldest of them was made (epoch ms); 0/null without `day`. */
  dayOnline: { count: number; oldest: number | null };
}

export interface SearchQuery {
  locationId: string;
  /** Exact reference. */
  reference?: string;
  /** Part of the name or e-mail; `%`, `_` and `\` are literal. Case-insensitive for ASCII letters. */
  text?: string;
  /** Starts in [from, to) (epoch ms). */
  from?: number;
  to?: number;
  limit: number;
}

export interface AppointmentStore {
  /**
   * Serialises placements on these local dates of one location until the transaction ends (call it first in
   * `write`, with every date the use-case will place on or move within). No-op on SQLite. PostgreSQL takes the
   * day locks late, with the first statement that reads or writes what they guard (db/pg/batching.ts), so
   * the day is held from the occupancy read to COMMIT.
   */
  lockOfficeDays(locationId: string, dates: readonly string[]): Promise<void>;
  /**
   * The occupancy of a location: appointments starting in [from, to) (epoch ms) that take their counter's time
   * — booked, checked in, or held with `hold_expires_at > now` — each with its service ids. One call per
   * office-day (or per range of days for availability): the hot read of every booking and availability answer.
   */
  occupancy(locationId: string, from: number, to: number, now: Date): Promise<OccupiedRecord[]>;
  /**
   * The same outside a transaction, with the scheduling configuration version read in the same snapshot (the
   * version `OfficeStore.officeSince` reads), so a caller can decide on an office it keeps at that version without
   * reading the version first (availability.ts); null when it cannot (PostgreSQL only: there each read is a round trip).
   */
  occupancyWithVersion?(
    locationId: string,
    from: number,
    to: number,
    now: Date,
  ): Promise<{ occupancy: OccupiedRecord[]; configVersion: number } | null>;

  /**
   * One appointment with its details. Inside a write transaction the appointment is the transaction's until it
   * ends (SQLite: the single writer; PostgreSQL: its row is locked), so a cancel and a reschedule of it never
   * both act on what they read before the other committed.
   */
  byReference(reference: string): Promise<AppointmentDetails | null>;
  byId(id: number): Promise<AppointmentDetails | null>;
  /** The desk's search at one location, by start, at most `limit`. */
  search(query: SearchQuery): Promise<AppointmentDetails[]>;
  /** The municipality's contact address (the calendar file's organiser), null when it has none. */
  organizerEmail(municipalityId: string): Promise<string | null>;
  /**
   * Booked appointments with an e-mail address and no reminder yet, starting in one of the windows. Inside a
   * write transaction that then calls `markReminded`: on PostgreSQL the rows are claimed (locked, skipped by a
   * concurrent job), so across nodes each appointment gets one reminder.
   */
  dueForReminder(windows: readonly { locationId: string; from: number; to: number }[]): Promise<AppointmentDetails[]>;
  markReminded(ids: readonly number[], at: Date): Promise<void>;

  /**
   * The counts behind the per-mailbox and per-phone caps and the day velocity limit, at `now`. Read inside the
   * booking's write transaction, after `lockOfficeDays`: concurrent bookings of one mailbox at other offices are
   * serialised by SQLite's single writer; on PostgreSQL this call first locks the address, mailbox and phone
   * keys (`lockMailbox` in db/pg/locks.ts, in the lock order of that file), or two offices could each admit one
   * booking over the cap.
   */
  bookingCounts(query: BookingCountsQuery, now: Date): Promise<BookingCounts>;
  /** Online bookings made at a location since `since` (the challenge's pressure measure). */
  recentOnlineBookings(locationId: string, since: Date): Promise<number>;

  /** Sets lapsed holds (`held`, `hold_expires_at <= now`) of one location, or all, to `expired`; returns them. */
  expireLapsedHolds(now: Date, locationId?: string): Promise<{ appointmentId: number; locationId: string }[]>;
  /**
   * The same for one location inside a booking's transaction, which needs no answer: it goes with the transaction's
   * next statement (PostgreSQL: a round trip less per booking), which is sent before anything is placed. SQLite,
   * which has no round trip to save, leaves it out.
   */
  expireLapsedHoldsWithNext?(now: Date, locationId: string): Promise<void>;
  /**
   * Inserts an appointment with its items. The reference and check-in code are drawn by the caller's functions; a
   * collision on their unique indexes is redrawn without failing the use-case (PostgreSQL: ON CONFLICT DO NOTHING,
   * then draw again; after a placement's occupancy read the insert goes with COMMIT, and a collision runs the
   * transaction again, drawing anew). Any other constraint failure (the overlap guard) throws.
   */
  insertBooked(
    values: NewAppointment,
    items: readonly { serviceId: number; persons: number }[],
    draw: { reference: () => string; checkInCode: () => string },
  ): Promise<AppointmentRow>;
  /** Records that an API client booked the appointment; answers whether that client sends its own mails. */
  linkToApiClient(appointmentId: number, clientId: number): Promise<{ sendsOwnMail: boolean }>;
  /** The engine's moves: each appointment to its new counter (times unchanged), all in this transaction. */
  moveToCounters(moves: readonly { appointmentId: number; counterId: number }[]): Promise<void>;
  cancel(ids: readonly number[], at: Date): Promise<void>;
  /**
   * New time and counter; clears `reminderSentAt`. When the service date changes, the check-in code moves with
   * it: kept when still free at the office that day, else redrawn. Returns the updated row.
   */
  reschedule(
    id: number,
    change: { startsAt: Date; endsAt: Date; counterId: number; serviceDate: string },
    drawCheckInCode: () => string,
  ): Promise<AppointmentRow>;
  /** Confirms holds: `booked`, `confirmedAt`, hold cleared — only rows still `held` (a lapsed one stays expired). */
  confirmHolds(ids: readonly number[], at: Date): Promise<void>;

  /** Marks a challenge solution spent; false when it was spent already (inside the booking's transaction). */
  spendChallenge(id: string, expiresAt: Date): Promise<boolean>;
  /**
   * The same without an answer of its own, inside the booking's transaction: the mark goes with the transaction's next
   * statement (PostgreSQL: a round trip less per booking), and a solution spent already fails the transaction there
   * with `challenge-invalid` (a concurrent spend of it waits for this transaction, as with `spendChallenge`). SQLite,
   * which has no round trip to save, leaves it out.
   */
  spendChallengeWithNext?(id: string, expiresAt: Date): Promise<void>;
  sweepSpentChallenges(now: Date): Promise<number>;
  /**
   * The sealed answer given to an `Idempotency-Key` (by its hash), if any. First in the booking's transaction:
   * on PostgreSQL it locks the key, so a retry racing the first attempt waits and then replays its answer.
   */
  bookingAnswer(keyHash: string): Promise<{ bodyHash: string; response: string } | null>;
  rememberBookingAnswer(input: {
    keyHash: string;
    bodyHash: string;
    appointmentId: number;
    response: string;
    createdAt: Date;
  }): Promise<void>;
  sweepBookingAnswers(createdBefore: Date): Promise<number>;
}
