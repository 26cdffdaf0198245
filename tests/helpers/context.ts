import type pg from 'pg';
import { afterAll, afterEach, beforeEach, describe } from 'vitest';
import { type Db, openDatabase } from '../../db/client.ts';
import { planDemoAccess } from '../../db/demo-access.ts';
import { prepareSqliteDatabase } from '../../db/migrate.ts';
import { openPool } from '../../db/pg/client.ts';
import { preparePgDatabase } from '../../db/pg/migrate.ts';
import { pgStorage } from '../../db/pg/storage.ts';
import { sqliteStorage } from '../../db/sqlite/storage.ts';
import { createApp } from '../../server/app.ts';
import { type ManualClock, manualClock } from '../../server/clock.ts';
import { type Config, testConfig } from '../../server/config.ts';
import type { Deps } from '../../server/deps.ts';
import { createDomainEvents } from '../../server/events.ts';
import { silentLogger } from '../../server/logger.ts';
import type { Storage } from '../../server/storage.ts';
import { createPgTestDatabase, describeWithPostgres } from './servers.ts';

export type Engine = 'sqlite' | 'postgresql';

export interface ContextOptions {
  now?: string;
  config?: Partial<Config>;
  seed?: boolean;
}

/**
 * Rows for fixtures and for looking at what a use-case stored, on either engine: portable SQL with `?`
 * placeholders (as in tests/storage/harness.ts). Instants go in through `instant()`; columns holding an
 * instant come back through `ms()` as epoch milliseconds (SQLite stores them so, PostgreSQL answers a Date),
 * booleans through `bool()` (0/1 on SQLite).
 */
export interface FixtureSql {
  exec(sql: string, params?: unknown[]): Promise<void>;
  rows<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  instant(at: Date): unknown;
  ms(value: unknown): number | null;
  bool(value: unknown): boolean;
}

/** What a test gets on either engine: the app, its deps, and SQL for fixtures. */
export interface EngineContext extends Deps {
  engine: Engine;
  clock: ManualClock;
  app: ReturnType<typeof createApp>;
  sql: FixtureSql;
}

export interface TestContext extends EngineContext {
  engine: 'sqlite';
  /** The SQLite handle behind `storage`, for fixtures and for looking at rows; the app never sees it. */
  db: Db;
}

const msOf = (value: unknown): number | null =>
  value === null || value === undefined ? null : value instanceof Date ? value.getTime() : Number(value);
const boolOf = (value: unknown): boolean => value === true || value === 1 || value === '1' || value === 't';

function depsOn(storage: Storage, config: Config, now: string): Omit<EngineContext, 'engine' | 'sql' | 'app'> {
  const clock = manualClock(now);
  return {
    storage,
    clock,
    // Rate windows and delays follow the test's clock (production: performance.now()).
    monotonic: { nowMs: () => clock.now().getTime() },
    config,
    events: createDomainEvents(),
    log: silentLogger,
  };
}

/** A fresh in-memory database, migrated and seeded, with a clock that stands still. */
export function createTestContext(options: ContextOptions & { dbPath?: string } = {}): TestContext {
  const config = testConfig({ ...options.config, ...(options.dbPath ? { LOKET_DB: options.dbPath } : {}) });
  const db = openDatabase(config.LOKET_DB, { minFreeBytes: config.LOKET_DB_MIN_FREE_MB * 1024 * 1024 });
  const now = options.now ?? '2026-11-23T08:00:00Z';
  // The demo municipality with its staff (password LOKET_DEMO_PASSWORD) and devices (LOKET_DEMO_DEVICE_TOKEN).
  const seed = options.seed !== false;
  prepareSqliteDatabase(db, {
    seedDemo: seed,
    demoAccess: seed ? planDemoAccess(config, new Date(now)).rows : undefined,
  });
  const deps = depsOn(sqliteStorage(db), config, now);
  const sql: FixtureSql = {
    exec: async (text, params = []) => {
      db.$client.prepare(text).run(...params);
    },
    rows: async <T>(text: string, params: unknown[] = []) => db.$client.prepare(text).all(...params) as T[],
    instant: (at) => at.getTime(),
    ms: msOf,
    bool: boolOf,
  };
  return { ...deps, engine: 'sqlite', db, sql, app: createApp(deps) };
}

/** `?` → `$1, $2, …` (fixture SQL never has a `?` inside a string). */
const numbered = (text: string) => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

/**
 * PostgreSQL contexts for one test file. Migrating and seeding costs seconds, so it happens once per file
 * into a template database; every context is a copy of it (`CREATE DATABASE … TEMPLATE`, a fraction of
 * a second), as fresh as an SQLite context. A context made inside a test is closed after that test; all
 * copies and the templates are dropped after the file.
 */
function pgContexts() {
  const templates = new Map<string, Promise<{ name: string; drop(): Promise<void> }>>();
  const databases: { drop(): Promise<void> }[] = [];
  const openInTest: pg.Pool[] = [];
  const openInFile: pg.Pool[] = [];
  let inTest = false;

  async function template(config: Config, seed: boolean, now: Date) {
    const key = JSON.stringify([seed, config.LOKET_DEMO_PASSWORD, config.LOKET_DEMO_DEVICE_TOKEN]);
    let made = templates.get(key);
    if (!made) {
      made = (async () => {
        const database = await createPgTestDatabase();
        const pool = openPool(database.url, { max: 1, applicationName: 'loket-test-template' });
        try {
          await preparePgDatabase(pool, {
            seedDemo: seed,
            demoAccess: seed ? planDemoAccess(config, now).rows : undefined,
          });
        } finally {
          await pool.end();
        }
        return database;
      })();
      templates.set(key, made);
    }
    return made;
  }

  return {
    beforeEach() {
      inTest = true;
    },
    async afterEach() {
      inTest = false;
      await Promise.all(openInTest.splice(0).map((pool) => pool.end()));
    },
    async afterAll() {
      await Promise.all(openInFile.splice(0).map((pool) => pool.end()));
      await Promise.all(databases.splice(0).map((database) => database.drop()));
      const made = await Promise.allSettled([...templates.values()]);
      templates.clear();
      for (const result of made) if (result.status === 'fulfilled') await result.value.drop();
    },
    async create(options: ContextOptions): Promise<EngineContext> {
      const config = testConfig(options.config);
      const now = options.now ?? '2026-11-23T08:00:00Z';
      const seed = options.seed !== false;
      const source = await template(config, seed, new Date(now));
      const database = await createPgTestDatabase({ template: source.name });
      databases.push(database);
      const pool = openPool(database.url, { max: 4, applicationName: 'loket-test' });
      (inTest ? openInTest : openInFile).push(pool);
      // The template's demo devices were paired when it was made; here, as on SQLite, at the context's now.
      if (seed) await pool.query('UPDATE devices SET paired_at = $1', [new Date(now)]);
      const deps = depsOn(pgStorage(pool), config, now);
      const sql: FixtureSql = {
        exec: async (text, params = []) => {
          await pool.query(numbered(text), params);
        },
        rows: async <T>(text: string, params: unknown[] = []) => (await pool.query(numbered(text), params)).rows as T[],
        instant: (at) => at,
        ms: msOf,
        bool: boolOf,
      };
      return { ...deps, engine: 'postgresql', sql, app: createApp(deps) };
    },
  };
}

/** Makes contexts on one engine; `context()` is to a test what createTestContext() is on SQLite. */
export interface EngineUnderTest {
  engine: Engine;
  context(options?: ContextOptions): Promise<EngineContext>;
}

/**
 * Declares `body` once per engine, in the same test run: `describe('<name> (SQLite)')` with in-memory
 * databases, and `describe('<name> (PostgreSQL)')` with a database per context copied from one migrated
 * and seeded template per file (skipped with a message when PostgreSQL does not answer at
 * LOKET_TEST_DATABASE_URL, failing under CI=true). CONTRIBUTING.md#both-engines.
 */
export function describeEachEngine(name: string, body: (under: EngineUnderTest) => void): void {
  describe(`${name} (SQLite)`, () => {
    body({ engine: 'sqlite', context: async (options = {}) => createTestContext(options) });
  });
  describeWithPostgres(`${name} (PostgreSQL)`, () => {
    const contexts = pgContexts();
    beforeEach(() => contexts.beforeEach());
    afterEach(() => contexts.afterEach());
    afterAll(() => contexts.afterAll());
    body({ engine: 'postgresql', context: (options = {}) => contexts.create(options) });
  });
}

/** The SQLite handle of an SQLite context, for what only SQLite has (pragmas); throws on PostgreSQL. */
export function sqliteOf(ctx: EngineContext): Db {
  if (ctx.engine !== 'sqlite') throw new Error('not an SQLite context');
  return (ctx as TestContext).db;
}
