import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema/index.ts';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/**
 * Opens the database with the pragmas booking data needs: WAL so readers never block the writer,
 * synchronous=FULL so a 201 survives a crash, foreign keys on, and a busy timeout so several
 * processes on one file wait for each other instead of failing.
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  if (path !== ':memory:') sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return drizzle({ client: sqlite, schema, casing: 'snake_case' }) as Db;
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
  const run = db.$client.transaction(() => {
    const result = work(db);
    if (result instanceof Promise) throw new TypeError('writeTransaction: the callback returned a promise');
    return result;
  });
  return run.immediate();
}

export { schema };
