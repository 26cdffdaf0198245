import { sql } from 'drizzle-orm';
import type { PgDb } from './client.ts';

/**
 * PostgreSQL's stand-in for SQLite's one-writer-at-a-time rule (ARCHITECTURE.md#scale-out): advisory
 * transaction locks, released at COMMIT or ROLLBACK, keyed by a hash of a name so every node derives the
 * same key. The order is fixed — the office's set-up lock first, then its days in ascending date order —
 * so two transactions never wait on each other in a circle; a deadlock PostgreSQL still detects is retried
 * by pgStorage.
 *
 * - Placements (book, move, reschedule, cancel-and-replace) take the set-up lock SHARED and each day they
 *   touch EXCLUSIVELY: bookings on different days run in parallel, two on one office-day never interleave
 *   their "read what is free" and "write", so skills, rosters, walk-in share and the mailbox cap hold.
 * - Set-up changes (counters, services, rules, closures, settings, the set-up document) take the set-up
 *   lock EXCLUSIVELY: no placement decides on an office that is being changed under it.
 */
const key = (name: string) => sql`hashtextextended(${name}, 0)`;

export async function lockOfficeSetup(db: PgDb, locationId: string, mode: 'shared' | 'exclusive'): Promise<void> {
  const name = `loket:setup:${locationId}`;
  await db.execute(
    mode === 'shared'
      ? sql`select pg_advisory_xact_lock_shared(${key(name)})`
      : sql`select pg_advisory_xact_lock(${key(name)})`,
  );
}

/** Locks the office's set-up (shared) and then the given days (exclusive), in one fixed order. */
export async function lockOfficeDays(db: PgDb, locationId: string, dates: readonly string[]): Promise<void> {
  await lockOfficeSetup(db, locationId, 'shared');
  for (const date of [...new Set(dates)].sort()) {
    await db.execute(sql`select pg_advisory_xact_lock(${key(`loket:day:${locationId}:${date}`)})`);
  }
}
