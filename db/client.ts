import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { AppError } from '../server/errors.ts';
import { createStorageHealth, type StorageHealth, type StorageHealthOptions } from './health.ts';
import * as schema from './schema/index.ts';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const healthOf = new WeakMap<Database.Database, StorageHealth>();

/** Whether the database can take writes that will survive (always for `:memory:`). */
export function storageHealth(db: Db): StorageHealth | undefined {
  return healthOf.get(db.$client);
}

/**
 * Opens the database with the pragmas booking data needs: WAL so readers never block the writer,
 * synchronous=FULL so a 201 survives a crash, foreign keys on, and a busy timeout so several
 * processes on one file wait for each other instead of failing.
 */
export function openDatabase(path: string, options: StorageHealthOptions = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  if (path !== ':memory:') sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Deleted and overwritten content is zeroed, so erased personal data does not linger in free space.
  sqlite.pragma('secure_delete = ON');
  // Statement and savepoint journals in memory: every booking runs in a savepoint (group commit) and its INSERT
  // fires triggers, so SQLite journals the pages it touches, and past 64 KiB that journal spilled into a temp file
  // — write calls on every booking (the INSERT cost ~140 µs instead of ~40), and personal data in the temp file's
  // freed disk blocks, out of reach of secure_delete.
  sqlite.pragma('temp_store = MEMORY');
  if (path !== ':memory:') healthOf.set(sqlite, createStorageHealth(path, options));
  return drizzle({ client: sqlite, schema, casing: 'snake_case' }) as Db;
}

/** SQLite result codes that mean "the storage cannot take this write", not "the request was wrong". */
const STORAGE_FAILURES = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|CORRUPT|NOTADB)/;

/**
 * Refuses a write that would not survive: the file was deleted or replaced under us, is not writable,
 * or the disk is (nearly) full → AppError `unavailable` (503), so nothing is acknowledged that a
 * restart would lose. A storage failure during the write maps to the same.
 */
function assertWritable(db: Db): void {
  const problem = healthOf.get(db.$client)?.writeProblem();
  if (problem) throw new AppError('unavailable', `Storage cannot take writes: ${problem}`);
}

/**
 * A storage failure (the file deleted or replaced under us, the disk full or failing) as AppError `unavailable`
 * (503): the request was not wrong, the storage cannot serve it. Other errors as they are.
 */
export function asStorageFailure(err: unknown, what: 'writes' | 'reads' = 'writes'): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && STORAGE_FAILURES.test(code)) {
    return new AppError('unavailable', `Storage cannot take ${what}: ${code}`);
  }
  return err;
}

/**
 * After erasing personal data: copy the WAL into the database and truncate it, so the old page images
 * holding the erased values are gone from the -wal file too (secure_delete zeroes them in the db file).
 */
export function checkpointAfterErasure(db: Db): Promise<void> {
  // A checkpoint cannot run inside a transaction: it waits its turn behind the queued write transactions.
  const slot = asyncWriters.get(db.$client);
  const run = (slot?.tail ?? Promise.resolve()).then(() => {
    db.$client.pragma('wal_checkpoint(TRUNCATE)');
  });
  if (slot) slot.tail = run.catch(() => undefined);
  return run;
}

/**
 * Runs `work` in a synchronous BEGIN IMMEDIATE transaction: the write lock is taken up front, so two
 * writers never both read "free" and both insert. `work` must not be async: better-sqlite3 would
 * commit its awaited statements outside the transaction (tests/db/transactions.test.ts guards this).
 */
export function writeTransaction<T>(db: Db, work: (tx: Db) => T): T {
  if (work.constructor.name === 'AsyncFunction') {
    throw new TypeError('writeTransaction: the callback must be synchronous');
  }
  // An asynchronous transaction (`writeTransactionAsync`) is open on this connection: running here would
  // nest as its savepoint and share its fate. Refuse (503, retry) rather than risk a lost acknowledged write.
  if (asyncWriters.get(db.$client)?.open) {
    throw new AppError('unavailable', 'Another write is in progress; try again');
  }
  assertWritable(db);
  commitsAs(db.$client, 'full');
  const run = db.$client.transaction(() => {
    const result = work(db);
    if (result instanceof Promise) throw new TypeError('writeTransaction: the callback returned a promise');
    return result;
  });
  try {
    return run.immediate();
  } catch (err) {
    throw asStorageFailure(err);
  }
}

/** How much a commit waits for the disk: `full` (fsync, the default) or `relaxed` (WAL + synchronous=NORMAL). */
export type Durability = 'full' | 'relaxed';

interface AsyncWriter {
  /** The tail of the queue of write transactions on this connection. */
  tail: Promise<unknown>;
  open: boolean;
}
const asyncWriters = new WeakMap<Database.Database, AsyncWriter>();

/**
 * The statements every asynchronous write transaction runs, prepared once per connection: `exec()` parses its SQL at
 * every call, which perf showed as ~2 % of a node's main thread in the call-next bench.
 */
const writerStatements = new WeakMap<Database.Database, Record<'begin' | 'commit' | 'rollback', Database.Statement>>();
function statementsOf(client: Database.Database) {
  let statements = writerStatements.get(client);
  if (!statements) {
    statements = {
      begin: client.prepare('BEGIN IMMEDIATE'),
      commit: client.prepare('COMMIT'),
      rollback: client.prepare('ROLLBACK'),
    };
    writerStatements.set(client, statements);
  }
  return statements;
}

/**
 * The `synchronous` mode this process last set on a connection (absent: `FULL`, as `openDatabase` opens it). Every
 * write transaction sets the mode its commit needs before `BEGIN`, and only when the connection is in the other one:
 * a run of queue writes (call-next + start: two relaxed transactions per press) no longer switches to `NORMAL` and
 * back to `FULL` around each — 4 of the press's ~44 statements — and a booking after them switches back first.
 *
 * Through `pragma()`, never a statement prepared once: SQLite applies `PRAGMA synchronous = …` while it compiles the
 * statement, and a pragma statement runs once, then is compiled again at its next run. Prepared once per connection
 * (2026-12-07 until this change), the two switches took effect at prepare time (NORMAL, then FULL), so the first run
 * of each did nothing — the connection's first relaxed commit ran with FULL — and every later run compiled it again.
 */
const relaxedConnections = new WeakSet<Database.Database>();
function commitsAs(client: Database.Database, durability: Durability): void {
  const relaxed = durability === 'relaxed';
  if (relaxedConnections.has(client) === relaxed) return;
  if (relaxed) {
    client.pragma('synchronous = NORMAL');
    relaxedConnections.add(client);
  } else {
    client.pragma('synchronous = FULL');
    relaxedConnections.delete(client);
  }
}

/**
 * The asynchronous write transaction of the storage seam (ARCHITECTURE.md#storage-seam): `BEGIN IMMEDIATE`,
 * `await work()`, `COMMIT` (or `ROLLBACK` when it throws). Transactions on one connection are queued, so
 * one runs at a time per process, as the synchronous kind did; other processes on the file wait for the
 * write lock (busy timeout). Only statements of `work` run inside: nothing else in the process may use
 * this connection for writes meanwhile (the synchronous kind is refused while one is open).
 */
export function writeTransactionAsync<T>(
  db: Db,
  work: (tx: Db) => Promise<T>,
  options: { durability?: Durability } = {},
): Promise<T> {
  const client = db.$client;
  let writer = asyncWriters.get(client);
  if (!writer) {
    writer = { tail: Promise.resolve(), open: false };
    asyncWriters.set(client, writer);
  }
  const slot = writer;
  const run = slot.tail.then(async () => {
    assertWritable(db);
    const statements = statementsOf(client);
    commitsAs(client, options.durability ?? 'full');
    slot.open = true;
    try {
      statements.begin.run();
      try {
        const result = await work(db);
        statements.commit.run();
        return result;
      } catch (err) {
        if (client.inTransaction) statements.rollback.run();
        throw err;
      }
    } catch (err) {
      throw asStorageFailure(err);
    } finally {
      slot.open = false;
    }
  });
  slot.tail = run.catch(() => undefined);
  return run;
}

export { schema };
