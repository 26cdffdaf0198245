import { type Db, openDatabase } from '../../db/client.ts';
import { planDemoAccess } from '../../db/demo-access.ts';
import { prepareSqliteDatabase } from '../../db/migrate.ts';
import { sqliteStorage } from '../../db/sqlite/storage.ts';
import { createApp } from '../../server/app.ts';
import { type ManualClock, manualClock } from '../../server/clock.ts';
import { type Config, testConfig } from '../../server/config.ts';
import type { Deps } from '../../server/deps.ts';
import { createDomainEvents } from '../../server/events.ts';
import { silentLogger } from '../../server/logger.ts';

export interface TestContext extends Deps {
  /** The SQLite handle behind `storage`, for fixtures and for looking at rows; the app never sees it. */
  db: Db;
  clock: ManualClock;
  app: ReturnType<typeof createApp>;
}

/** A fresh in-memory database, migrated and seeded, with a clock that stands still. */
export function createTestContext(
  options: { now?: string; config?: Partial<Config>; seed?: boolean; dbPath?: string } = {},
): TestContext {
  const config = testConfig({ ...options.config, ...(options.dbPath ? { LOKET_DB: options.dbPath } : {}) });
  const db = openDatabase(config.LOKET_DB, { minFreeBytes: config.LOKET_DB_MIN_FREE_MB * 1024 * 1024 });
  const now = options.now ?? '2026-11-23T08:00:00Z';
  // The demo municipality with its staff (password LOKET_DEMO_PASSWORD) and devices (LOKET_DEMO_DEVICE_TOKEN).
  const seed = options.seed !== false;
  prepareSqliteDatabase(db, {
    seedDemo: seed,
    demoAccess: seed ? planDemoAccess(config, new Date(now)).rows : undefined,
  });
  const clock = manualClock(now);
  const deps: Deps = {
    storage: sqliteStorage(db),
    clock,
    // Rate windows and delays follow the test's clock (production: performance.now()).
    monotonic: { nowMs: () => clock.now().getTime() },
    config,
    events: createDomainEvents(),
    log: silentLogger,
  };
  return { ...deps, db, clock, app: createApp(deps) };
}
