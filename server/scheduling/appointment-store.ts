/**
 * Appointments as the scheduling use-cases need them (ARCHITECTURE.md#storage-seam). Plain records, no ORM
 * types; `db/sqlite/appointment-store.ts` implements it on SQLite.
 *
 * Concurrency (invariant 1, no counter double-booked): a use-case that places an appointment calls
 * `lockOfficeDays` first inside its write transaction, then reads `occupancy`, places, and writes in the
 * same transaction. On SQLite `BEGIN IMMEDIATE` already serialises every write transaction, so the lock is a
 * no-op; on PostgreSQL it takes a transaction-scoped advisory lock per location and local date, in sorted
 * order (no deadlocks between two bookings that touch the same two days), and the deferrable exclusion
 * constraint on (counter, time range) is the last line of defence at commit.
 */

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

export interface AppointmentStore {
  /**
   * Serialises placements on these local dates of one location until the transaction ends (call it first in
   * `write`, with every date the use-case will place on or move within). No-op on SQLite.
   */
  lockOfficeDays(locationId: string, dates: readonly string[]): Promise<void>;
  /**
   * The occupancy of a location: appointments starting in [from, to) (epoch ms) that take their counter's time
   * — booked, checked in, or held with `hold_expires_at > now` — each with its service ids. One call per
   * office-day (or per range of days for availability): the hot read of every booking and availability answer.
   */
  occupancy(locationId: string, from: number, to: number, now: Date): Promise<OccupiedRecord[]>;
}
