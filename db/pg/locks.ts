import { type SQL, sql } from 'drizzle-orm';
import { queryOf, sendLater, transactionClientOf } from './batching.ts';
import type { PgDb } from './client.ts';

/**
 * PostgreSQL's stand-in for SQLite's one-writer-at-a-time rule (ARCHITECTURE.md#scale-out): advisory
 * transaction locks, released at COMMIT or ROLLBACK, keyed by a hash of a name so every node derives the
 * same key. The order is fixed — a booking's Idempotency-Key, the office's set-up lock, the resident's
 * mailbox keys, its days in ascending date order (taken late, see `lockOfficeDays`) — so two transactions
 * never wait on each other in a circle; a deadlock PostgreSQL still detects (row locks taken in another order) is retried by pgStorage.
 *
 * - Placements (book, move, reschedule, cancel-and-replace) take the set-up lock SHARED and each day they
 *   touch EXCLUSIVELY: bookings on different days run in parallel, two on one office-day never interleave
 *   their "read what is free" and "write", so skills, rosters, walk-in share and the day velocity hold.
 *   An online booking also locks its mailbox (`lockMailbox`), since the cap spans offices and days.
 * - Set-up changes (counters, services, rules, closures, settings, the set-up document) take the set-up
 *   lock EXCLUSIVELY: no placement decides on an office that is being changed under it.
 */
const key = (name: string) => sql`hashtextextended(${name}, 0)`;

/**
 * Inside a write transaction a lock is sent with the next statement (db/pg/batching.ts: one round trip, and
 * that statement still reads after the lock is granted); on the pool it is a statement of its own.
 */
function lock(db: PgDb, statement: SQL, beforeDayLocks = true): Promise<void> {
  return sendLater(db, statement, { beforeDayLocks });
}

export async function lockOfficeSetup(db: PgDb, locationId: string, mode: 'shared' | 'exclusive'): Promise<void> {
  const name = `loket:setup:${locationId}`;
  await lock(
    db,
    mode === 'shared'
      ? sql`select pg_advisory_xact_lock_shared(${key(name)})`
      : sql`select pg_advisory_xact_lock(${key(name)})`,
  );
}

/**
 * Takes the named locks one after another in the order given, in ONE statement (one round trip, however many
 * days a revalidation locks): the rows of `unnest … WITH ORDINALITY` reach the projection one at a time, in
 * array order, so each lock is granted before the next is asked for. Only locks: the statement that reads
 * under them must come after it, since a statement reads the rows committed when it started.
 */
function inOrder(locks: readonly { name: string; shared: boolean }[]): SQL {
  return sql`
    select case when l.shared then pg_advisory_xact_lock_shared(hashtextextended(l.name, 0))
                else pg_advisory_xact_lock(hashtextextended(l.name, 0)) end
      from unnest(${sql.param(locks.map((l) => l.name))}::text[], ${sql.param(locks.map((l) => l.shared))}::boolean[])
           with ordinality as l(name, shared, i)`;
}

async function lockInOrder(
  db: PgDb,
  locks: readonly { name: string; shared: boolean }[],
  beforeDayLocks = true,
): Promise<void> {
  if (locks.length === 0) return;
  await lock(db, inOrder(locks), beforeDayLocks);
}

/**
 * Locks the office's set-up (shared) and then the given days (exclusive), in one fixed order. Inside a write
 * transaction the day locks are taken late (db/pg/batching.ts): with the first statement that is not marked
 * `BEFORE_DAY_LOCKS` — in a booking the occupancy read — so the day is held from that read to COMMIT only.
 * The statements marked so (the office version, the spent challenge, lapsed holds, the organiser, the
 * mailbox cap when there is no per-day velocity limit) read or write nothing that the day lock guards, and
 * the mailbox locks they take are then taken before the day locks by every placement that takes both, so
 * the order stays fixed: Idempotency-Key, set-up, mailbox, days.
 */
export async function lockOfficeDays(db: PgDb, locationId: string, dates: readonly string[]): Promise<void> {
  const days = [...new Set(dates)].sort().map((date) => ({ name: `loket:day:${locationId}:${date}`, shared: false }));
  const tx = transactionClientOf(db);
  if (!tx) {
    await lockInOrder(db, [{ name: `loket:setup:${locationId}`, shared: true }, ...days]);
    return;
  }
  await lockOfficeSetup(db, locationId, 'shared');
  if (days.length === 0) return;
  const { text, params } = queryOf(inOrder(days));
  tx.deferDayLocks(text, params);
}

/**
 * The booking cap counts a resident's active appointments across every office (and day) of the municipality
 * (the typed address across all of them), which the day locks do not cover: two bookings of one mailbox on
 * different office-days could each count one under the cap and both commit. Locks the mailbox keys
 * (exclusive, in sorted order) so the count and the insert of one booking never interleave with another's.
 * Taken after the Idempotency-Key and set-up locks and before the day locks, which a booking takes late
 * (`lockOfficeDays`); with `afterDayLocks` (a per-day velocity limit is counted too, which needs the day) the
 * day locks are taken first. Either way a transaction holding a mailbox lock never waits for a day lock held
 * by one that waits for a mailbox: the bookings of one office share one order (its velocity setting cannot
 * change while they hold its set-up lock), and a booking holding a day lock at another office waits for no
 * mailbox it does not already hold.
 */
export async function lockMailbox(
  db: PgDb,
  keys: { municipalityId: string; email: string; mailboxKey: string; phoneKey: string | null },
  afterDayLocks = false,
): Promise<void> {
  const names = [
    `loket:email:${keys.email}`,
    `loket:mailbox:${keys.municipalityId}:${keys.mailboxKey}`,
    ...(keys.phoneKey ? [`loket:phone:${keys.municipalityId}:${keys.phoneKey}`] : []),
  ].sort();
  await lockInOrder(
    db,
    names.map((name) => ({ name, shared: false })),
    !afterDayLocks,
  );
}

/**
 * One booking per `Idempotency-Key` at a time: a retry that arrives while the first attempt is still in its
 * transaction waits here, then reads the answer the first committed (a replay) instead of booking twice.
 * Taken FIRST in the booking transaction, before the set-up and day locks.
 */
export async function lockIdempotencyKey(db: PgDb, keyHash: string): Promise<void> {
  await lock(db, sql`select pg_advisory_xact_lock(${key(`loket:idempotency:${keyHash}`)})`);
}
