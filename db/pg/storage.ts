import type pg from 'pg';
import { AppError } from '../../server/errors.ts';
import type { Repositories, Storage, WriteOptions } from '../../server/storage.ts';
import { pgApiClientStore } from './api-client-store.ts';
import { pgAppointmentStore } from './appointment-store.ts';
import { pgAuditStore } from './audit-store.ts';
import { pgAuthStore } from './auth-store.ts';
import { openPool, type PgDb, pgDb, sqlState, transactionDb } from './client.ts';
import { type FactWatch, listenForFacts, pgClusterLog } from './cluster-log.ts';
import { pgDemoHistoryStore } from './demo-history-store.ts';
import { pgDisplayStore } from './display-store.ts';
import { pgForecastHistoryStore } from './forecast-history-store.ts';
import { pgMunicipalityStore } from './municipality-store.ts';
import { newOccupancyCache, OCCUPANCY_STATEMENT, type OccupancyCache } from './occupancy-cache.ts';
import { newOfficeCache, OFFICE_CHANGED, type OfficeCache, pgOfficeStore } from './office-store.ts';
import { pgOpenDataStore } from './open-data-store.ts';
import { pgOutboxStore } from './outbox-store.ts';
import { pgPersonalDataStore } from './personal-data-store.ts';
import { newQueueConfigCache, pgQueueStore, type QueueConfigCache } from './queue-store.ts';
import { pgWaitHistoryStore } from './wait-history-store.ts';
import { pgWebhookStore } from './webhook-store.ts';

/** What the repositories of one storage share across its transactions (caches keyed by database state). */
interface PgShared {
  queueConfig: { current: QueueConfigCache };
  office: OfficeCache;
  occupancy: OccupancyCache;
}

/**
 * Every repository of the seam on PostgreSQL, one line each. Complete by type: a repository added to
 * `Repositories` without its PostgreSQL twin fails to compile here, not at run time on some node.
 */
const implementations: { [K in keyof Repositories]: (db: PgDb, shared: PgShared) => Repositories[K] } = {
  audit: pgAuditStore,
  auth: pgAuthStore,
  apiClients: pgApiClientStore,
  outbox: pgOutboxStore,
  personalData: pgPersonalDataStore,
  openData: pgOpenDataStore,
  waitHistory: pgWaitHistoryStore,
  forecastHistory: pgForecastHistoryStore,
  demoHistory: pgDemoHistoryStore,
  display: pgDisplayStore,
  municipalities: pgMunicipalityStore,
  queue: (db, shared) => pgQueueStore(db, shared.queueConfig),
  webhooks: pgWebhookStore,
  office: (db, shared) => pgOfficeStore(db, shared.office),
  appointments: (db, shared) => pgAppointmentStore(db, shared.occupancy),
};

/** The repositories on one drizzle handle: the pool (reads) or a transaction's client (writes). */
function repositoriesOn(db: PgDb, shared: PgShared): Record<string, unknown> {
  const repositories: Record<string, unknown> = {};
  for (const [name, make] of Object.entries(implementations)) {
    repositories[name] = (make as (db: PgDb, shared: PgShared) => unknown)(db, shared);
  }
  return repositories;
}

/**
 * A transaction that lost a race the database resolved by aborting it: running it again is correct. That includes
 * the exclusion constraint (23P01, checked at COMMIT): a placement decides on the office-day it read under the day
 * lock, so a double-booked counter at COMMIT means the day changed under it by a writer that does not take that lock
 * (a no-show's ticket returned, making its appointment active again) — the decision was made on a day that no longer
 * exists. Run again, it reads the day as it is now and places elsewhere, or refuses because the time really is full;
 * answering 409 at once would refuse a resident a time another counter still had free.
 */
const RETRYABLE = new Set(['40001', '40P01', '23P01']);
/**
 * Unique indexes of drawn values: a booking's insert sent with COMMIT (db/pg/appointment-store.ts#insertBooked)
 * that drew a taken reference or check-in code fails there, and running the transaction again draws anew.
 */
const DRAWN = new Set(['appointments_reference', 'appointments_check_in_code']);
/** The key of spent challenge solutions: a booking's mark sent with its next statement found the solution spent. */
const SPENT = 'spent_challenges_pkey';

/** The constraint a pg error names, also when drizzle wrapped it. */
function constraintOf(err: unknown): string | undefined {
  for (
    let e = err as { constraint?: unknown; cause?: unknown } | null | undefined, depth = 0;
    e && depth < 4;
    depth++
  ) {
    if (typeof e.constraint === 'string') return e.constraint;
    e = e.cause as typeof e;
  }
  return undefined;
}

/** A transaction that lost a race the database resolved by aborting it, or drew a value that was taken. */
function retryable(err: unknown): boolean {
  const code = sqlState(err) ?? '';
  return RETRYABLE.has(code) || (code === '23505' && DRAWN.has(constraintOf(err) ?? ''));
}
/** The office a transaction decided on was not the current one (office-store.ts#officeSince): it runs again. */
function officeChanged(err: unknown): boolean {
  for (let e = err as { message?: unknown; cause?: unknown } | null | undefined, depth = 0; e && depth < 4; depth++) {
    if (e.message === OFFICE_CHANGED) return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** The connection or the server is gone (class 08, admin shutdown, crash recovery, too many connections). */
const UNAVAILABLE = /^(08|57P0[1-3]|53300)/;
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

/**
 * What a failed transaction means for the client, as SQLite's side maps its trigger and constraint errors:
 * the exclusion constraint (23P01, a counter double-booked; reached only after every attempt failed on it, see
 * `RETRYABLE`) is `slot-unavailable` (409); a unique violation (23505) is `conflict` (409); a database that cannot
 * be reached is `unavailable` (503). Anything else is a bug and stays a 500.
 */
export function asAppError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const code = sqlState(err);
  if (code === '23P01') return new AppError('slot-unavailable', 'That time was just taken; choose another.');
  if (code === '23505' && constraintOf(err) === SPENT)
    return new AppError('challenge-invalid', 'This challenge solution was used already');
  if (code === '23505') return new AppError('conflict', 'This was changed at the same moment; try again.');
  if (code && (UNAVAILABLE.test(code) || NETWORK.has(code))) {
    return new AppError('unavailable', `Storage cannot be reached: ${code}`, {}, { cause: err });
  }
  if (err instanceof Error && /timeout exceeded when trying to connect|Connection terminated/i.test(err.message)) {
    return new AppError('unavailable', `Storage cannot be reached: ${err.message}`, {}, { cause: err });
  }
  return err;
}

/** Reads answer 503 `unavailable`, not 500, when the database cannot be reached. */
function mappingErrors(repositories: Record<string, unknown>): Repositories {
  const wrapped: Record<string, unknown> = {};
  for (const [name, repository] of Object.entries(repositories)) {
    const methods: Record<string, unknown> = {};
    for (const [method, fn] of Object.entries(repository as Record<string, unknown>)) {
      methods[method] =
        typeof fn === 'function'
          ? (...args: unknown[]) =>
              (fn as (...a: unknown[]) => Promise<unknown>)(...args).catch((err: unknown) => {
                throw asAppError(err);
              })
          : fn;
    }
    wrapped[name] = methods;
  }
  return wrapped as unknown as Repositories;
}

/** How long the readiness probe (`problem()`) waits for `select 1`. */
const PROBLEM_TIMEOUT_MS = 2_000;
/**
 * A pooled connection given back without an error this recently shows the database answering: the readiness probe
 * then sends nothing. A node busy with a storm of work (a dead node's screens reconnecting here) has every connection
 * taken, and its `select 1` waited behind them past the probe's bound: `/health` said 503 and the balancer took the
 * node out — with the screens it had just taken over (#9).
 */
const ANSWERED_LATELY_MS = 1_000;

export interface PgStorageOptions {
  /** Attempts of a transaction aborted by a deadlock, a serialization failure or the exclusion constraint (default 5). */
  attempts?: number;
  /** How the hub's cluster log listens for facts (default `listenForFacts`; tests watch it). */
  listenForFacts?: (url: string) => FactWatch;
}

/** At most this many writes share one group-commit transaction (as on SQLite, db/sqlite/storage.ts). */
export const PG_GROUP_LIMIT = 32;
/** Group-commit transactions one storage (node) runs at once; the next group forms while they run. */
const GROUPS_IN_FLIGHT = 2;

interface GroupMember {
  work: (tx: Repositories) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * The PostgreSQL implementation of the storage seam (ARCHITECTURE.md#storage-seam).
 * `write`: one pooled connection, `BEGIN` … `COMMIT` (READ COMMITTED); the database's locks order
 * concurrent writers on every node, and deferred constraints are checked at `COMMIT`. A transaction that
 * PostgreSQL aborts because of a deadlock (40P01), a serialization failure (40001) or the exclusion constraint
 * at `COMMIT` (23P01, see `RETRYABLE`) is run again from the start, a bounded number of times with a short random
 * pause, so `work` must do nothing but its repository calls (it may run more than once). `durability: 'relaxed'` is `synchronous_commit = off` for that
 * transaction. `read`: statements on the pool, each seeing committed data only.
 */
export function pgStorage(pool: pg.Pool, options: PgStorageOptions = {}): Storage {
  const attempts = Math.max(1, options.attempts ?? 5);
  const shared: PgShared = {
    queueConfig: newQueueConfigCache(),
    office: newOfficeCache(),
    occupancy: newOccupancyCache(),
  };
  const read = mappingErrors(repositoriesOn(pgDb(pool), shared));
  /** The hub tails' watches (clusterLog): a commit of this process may carry facts its hub reads at once. */
  const watches = new Set<FactWatch>();
  /** When a pooled connection was last given back without an error (performance clock; see ANSWERED_LATELY_MS). */
  let answeredAt = Number.NEGATIVE_INFINITY;
  pool.on('release', (err) => {
    if (!err) answeredAt = performance.now();
  });

  async function once<T>(work: (tx: Repositories) => Promise<T>, writeOptions: WriteOptions): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw asAppError(err);
    }
    let broken = false;
    const tx = transactionDb(client);
    try {
      // Outside the transaction: the statements its connection prepares once (db/pg/batching.ts).
      await tx.client.prepare(OCCUPANCY_STATEMENT);
      await tx.client.prepareWanted();
      // Sent with the first statement (db/pg/batching.ts), not as a round trip of its own.
      tx.client.begin(
        writeOptions.durability === 'relaxed' ? ['BEGIN', 'SET LOCAL synchronous_commit = off'] : ['BEGIN'],
      );
      try {
        const result = await work(repositoriesOn(tx.db, shared) as unknown as Repositories);
        const commit = await tx.client.commit();
        // COMMIT of a transaction that already failed (work caught a statement's error) answers ROLLBACK.
        if (commit.command === 'ROLLBACK') throw new Error('The transaction was aborted by an earlier error');
        // A booking's group (and its members run alone) writes no fact the hub sends (appointment facts: webhooks).
        if (!writeOptions.group) for (const watch of watches) watch.committed();
        return result;
      } catch (err) {
        // Decided on an office kept in memory whose check was not sent yet (office-store.ts#officeSince): the
        // check runs first, and when the office was not current the transaction runs again instead of answering.
        const stale = await tx.client.verify().then(
          () => null,
          (checked: unknown) => (officeChanged(checked) ? checked : null),
        );
        await tx.client.rollback().catch(() => {
          broken = true;
        });
        throw stale ?? err;
      }
    } catch (err) {
      const code = sqlState(err);
      if (code && (UNAVAILABLE.test(code) || NETWORK.has(code))) broken = true;
      // Every kept office is older than the version now (one version for all): the next attempt reads anew.
      if (officeChanged(err)) shared.office.clear();
      throw err;
    } finally {
      client.release(broken);
    }
  }

  async function alone<T>(work: (tx: Repositories) => Promise<T>, writeOptions: WriteOptions): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(work, writeOptions);
      } catch (err) {
        if (attempt < attempts && retryable(err)) {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
          continue;
        }
        throw asAppError(err);
      }
    }
  }

  /**
   * One group-commit transaction: each member in a savepoint of its own, one after the other (each sees what the
   * earlier ones wrote), then ONE `COMMIT` — one fsync, and the office-day lock taken once for the lot. A member
   * whose work throws is rolled back to its savepoint; it is answered with its error after the group's commit
   * (an error caused by an earlier member's statement sent in the same query shows up as a failed rollback to
   * the savepoint, which fails the transaction). A member that lost a deadlock (its savepoint rolled back releases
   * only its own locks) runs again alone after the commit. When the transaction is lost (a failed `COMMIT`: a
   * drawn code taken, the exclusion constraint, a dropped connection) every member runs again alone, with the
   * usual retries, so each gets the answer it would have had by itself. Returns the members to run alone.
   */
  async function runGroup(group: GroupMember[]): Promise<GroupMember[]> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch {
      return group;
    }
    let broken = false;
    const tx = transactionDb(client);
    const done: { member: GroupMember; outcome: { value: unknown } | { err: unknown } }[] = [];
    const again: GroupMember[] = [];
    try {
      // Outside the transaction: the statements its connection prepares once (db/pg/batching.ts).
      await tx.client.prepare(OCCUPANCY_STATEMENT);
      await tx.client.prepareWanted();
      tx.client.begin(['BEGIN']);
      for (const [i, member] of group.entries()) {
        // A name of its own: a rollback to it must fail when its SAVEPOINT never ran, not undo an earlier member's.
        const savepoint = `loket_member_${i}`;
        tx.client.savepoint(savepoint);
        try {
          const value = await member.work(repositoriesOn(tx.db, shared) as unknown as Repositories);
          tx.client.releaseSavepoint(savepoint);
          done.push({ member, outcome: { value } });
        } catch (err) {
          // A member that failed on a kept office whose check was not sent yet runs again alone, where its check
          // is sent before its error is answered (`once`).
          const unchecked = tx.client.assuming;
          tx.client.rollbackToSavepoint(savepoint);
          if (officeChanged(err)) shared.office.clear();
          if (unchecked || retryable(err)) again.push(member);
          else done.push({ member, outcome: { err } });
        }
      }
      const commit = await tx.client.commit();
      if (commit.command === 'ROLLBACK') throw new Error('The transaction was aborted by an earlier error');
    } catch (err) {
      await tx.client.rollback().catch(() => {
        broken = true;
      });
      const code = sqlState(err);
      if (code && (UNAVAILABLE.test(code) || NETWORK.has(code))) broken = true;
      if (officeChanged(err)) shared.office.clear();
      return group;
    } finally {
      client.release(broken);
    }
    for (const { member, outcome } of done) {
      if ('err' in outcome) member.reject(asAppError(outcome.err));
      else member.resolve(outcome.value);
    }
    return again;
  }

  // Groups waiting for a free slot; the last one takes the writes that arrive until it is full or starts.
  const waiting: GroupMember[][] = [];
  let inFlight = 0;
  const pump = () => {
    while (inFlight < GROUPS_IN_FLIGHT && waiting.length > 0) {
      const group = waiting.shift() as GroupMember[];
      inFlight++;
      // A write alone needs no savepoint: it is an ordinary transaction (in the slot, so others group behind it).
      const lone = group[0] as GroupMember;
      const ran: Promise<GroupMember[]> =
        group.length === 1
          ? alone(lone.work, { group: true }).then(
              (value) => {
                lone.resolve(value);
                return [];
              },
              (err) => {
                lone.reject(err);
                return [];
              },
            )
          : runGroup(group).catch(() => group);
      void ran.then((left) => {
        inFlight--;
        pump();
        for (const m of left) alone(m.work, { group: true }).then(m.resolve, m.reject);
      });
    }
  };
  const grouped = <T>(work: (tx: Repositories) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const member: GroupMember = { work, resolve: resolve as (value: unknown) => void, reject };
      const last = waiting[waiting.length - 1];
      if (last && last.length < PG_GROUP_LIMIT) {
        last.push(member);
        return;
      }
      waiting.push([member]);
      // After this round of I/O: the requests that arrived with this one join it first.
      setImmediate(pump);
    });

  return {
    read,
    write: (work, writeOptions = {}) =>
      writeOptions.group && writeOptions.durability !== 'relaxed' ? grouped(work) : alone(work, writeOptions),
    async problem() {
      if (performance.now() - answeredAt < ANSWERED_LATELY_MS) return null;
      // Bounded: a load balancer's health check must get an answer even when the server is a black hole
      // (the pool would wait its whole connection timeout) or every pooled connection is busy. The verdict waits for
      // the I/O of the loop's round in which the bound passed: an answer already in (a busy event loop) counts.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<string>((resolve) => {
        timer = setTimeout(
          () => setImmediate(() => resolve('the database does not answer in time')),
          PROBLEM_TIMEOUT_MS,
        );
      });
      const probe = pool.query('select 1').then(
        () => null,
        () => 'the database does not answer',
      );
      try {
        return await Promise.race([probe, late]);
      } finally {
        clearTimeout(timer);
      }
    },
    // Erased values live on only in dead row versions until VACUUM reclaims them; nothing to force here.
    afterErasure: async () => undefined,
    // The hub tails the log on connections of its own (as on SQLite): on a node whose pool is taken by write
    // transactions (a hundred clerks pressing next) its own facts waited behind them — seconds — before they
    // reached its sockets, while other nodes had sent them long before. The seq read with a snapshot or the
    // estimates (seqOf) stays on the pool with the reads it brackets: a reconnect storm's thousands of them must
    // not queue on the tail's two connections.
    // A connection listening for facts lets an idle node skip most of its polls (cluster-log.ts#listenForFacts).
    clusterLog: () => {
      const url = pool.options.connectionString;
      const own = url ? openPool(url, { max: 2, applicationName: 'loket-hub' }) : pool;
      const watch = url ? (options.listenForFacts ?? listenForFacts)(url) : undefined;
      if (watch) watches.add(watch);
      return {
        ...pgClusterLog(own, watch),
        seqOf: pgClusterLog(pool).seqOf,
        close: () => {
          if (watch) {
            watches.delete(watch);
            watch.close();
          }
          if (own !== pool) void own.end();
        },
      };
    },
    close: () => pool.end(),
  };
}
