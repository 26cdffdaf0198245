import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { type Db, openDatabase } from '../../db/client.ts';
import { runMigrations } from '../../db/migrate.ts';
import { openPool } from '../../db/pg/client.ts';
import { pgClusterLog } from '../../db/pg/cluster-log.ts';
import { preparePgDatabase } from '../../db/pg/migrate.ts';
import { pgStorage } from '../../db/pg/storage.ts';
import { sqliteClusterLog } from '../../db/sqlite/cluster-log.ts';
import { sqliteStorage } from '../../db/sqlite/storage.ts';
import type { ClusterLog } from '../../server/cluster/log-store.ts';
import type { Storage } from '../../server/storage.ts';
import { createPgTestDatabase, describeWithPostgres } from '../helpers/servers.ts';

/**
 * One storage under test for the repository contract suites (tests/storage/*.contract.test.ts): the same
 * tests run against SQLite (a file, so `read` has its own connection) and a real PostgreSQL (a database of
 * its own, dropped afterwards). Fixture rows are inserted with portable SQL (`?` placeholders; booleans as
 * comparisons such as `1 = 0`; instants only through repository methods).
 */
export interface StorageHarness {
  readonly engine: 'sqlite' | 'postgresql';
  readonly storage: Storage;
  exec(sql: string, params?: unknown[]): Promise<void>;
  rows<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** An instant as a fixture parameter: epoch ms on SQLite, a Date on PostgreSQL. */
  instant(at: Date): unknown;
  /** The engine's cluster log (server/cluster/log-store.ts) on the same database. */
  clusterLog(): ClusterLog;
  /** PostgreSQL only: the pool (for tests of what only PostgreSQL guarantees). */
  readonly pool?: pg.Pool;
}

function sqliteHarness(): { get(): StorageHarness; open(): Promise<void>; close(): Promise<void> } {
  let dir = '';
  let db: Db | undefined;
  let harness: StorageHarness | undefined;
  let log: ClusterLog | undefined;
  return {
    get: () => {
      if (!harness) throw new Error('harness not open');
      return harness;
    },
    open: async () => {
      dir = mkdtempSync(join(tmpdir(), 'loket-contract-'));
      const opened = openDatabase(join(dir, 'loket.db'), { minFreeBytes: 0 });
      db = opened;
      runMigrations(opened);
      harness = {
        engine: 'sqlite',
        storage: sqliteStorage(opened),
        exec: async (sql, params = []) => {
          opened.$client.prepare(sql).run(...params);
        },
        rows: async <T>(sql: string, params: unknown[] = []) => opened.$client.prepare(sql).all(...params) as T[],
        instant: (at) => at.getTime(),
        clusterLog: () => {
          log ??= sqliteClusterLog(opened);
          return log;
        },
      };
    },
    close: async () => {
      log?.close();
      await harness?.storage.close();
      db?.$client.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `?` → `$1, $2, …` (the fixtures' SQL never has a `?` inside a string). */
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

function pgHarness(): { get(): StorageHarness; open(): Promise<void>; close(): Promise<void> } {
  let database: Awaited<ReturnType<typeof createPgTestDatabase>> | undefined;
  let harness: StorageHarness | undefined;
  return {
    get: () => {
      if (!harness) throw new Error('harness not open');
      return harness;
    },
    open: async () => {
      database = await createPgTestDatabase();
      const pool = openPool(database.url, { max: 8 });
      await preparePgDatabase(pool);
      harness = {
        engine: 'postgresql',
        storage: pgStorage(pool),
        pool,
        exec: async (sql, params = []) => {
          await pool.query(numbered(sql), params);
        },
        rows: async <T>(sql: string, params: unknown[] = []) => (await pool.query(numbered(sql), params)).rows as T[],
        instant: (at) => at,
        clusterLog: () => pgClusterLog(pool),
      };
    },
    close: async () => {
      await harness?.storage.close();
      await database?.drop();
    },
  };
}

/**
 * Declares `body` twice: on SQLite and on PostgreSQL (skipped with a message when PostgreSQL is not
 * reachable, failing under CI=true). `fixture` runs once per engine after the migrations. `body` learns the
 * engine, so a case that only one engine has to prove is declared only there (not declared and skipped).
 */
export function describeStorageContract(
  name: string,
  fixture: (h: StorageHarness) => Promise<void>,
  body: (harness: () => StorageHarness, engine: StorageHarness['engine']) => void,
): void {
  const engines: [string, StorageHarness['engine'], typeof sqliteHarness, (n: string, fn: () => void) => void][] = [
    ['SQLite', 'sqlite', sqliteHarness, describe],
    ['PostgreSQL', 'postgresql', pgHarness, describeWithPostgres],
  ];
  for (const [engine, id, make, describeOn] of engines) {
    describeOn(`${name} (${engine})`, () => {
      const h = make();
      beforeAll(async () => {
        await h.open();
        await fixture(h.get());
      });
      afterAll(() => h.close());
      body(h.get, id);
    });
  }
}

/** One municipality (m1) with one office (l-a), one service (passport) and one counter: the smallest office. */
export async function oneOfficeFixture(h: StorageHarness): Promise<void> {
  await h.exec("INSERT INTO municipalities (id, name) VALUES ('m1', 'Eén')");
  await h.exec(
    "INSERT INTO locations (id, municipality_id, name, street, postal_code, city) VALUES ('l-a', 'm1', 'A', 's', 'p', 'c')",
  );
  await h.exec(
    "INSERT INTO services (municipality_id, code, name_nl, name_en, minutes_per_person, ticket_letter) VALUES ('m1', 'passport', 'p', 'p', 10, 'P')",
  );
  await h.exec("INSERT INTO counters (location_id, name) VALUES ('l-a', 'Balie 1')");
}
