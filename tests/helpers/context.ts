import { openDatabase } from '../../db/client.ts';
import { runMigrations } from '../../db/migrate.ts';
import { seedDemo } from '../../db/seed.ts';
import { sqliteStorage } from '../../db/sqlite/storage.ts';
import { createApp } from '../../server/app.ts';
import { seedDemoAccess } from '../../server/auth/seed-access.ts';
import { type ManualClock, manualClock } from '../../server/clock.ts';
import { type Config, testConfig } from '../../server/config.ts';
import type { Deps } from '../../server/deps.ts';
import { createDomainEvents } from '../../server/events.ts';
import { silentLogger } from '../../server/logger.ts';

export interface TestContext extends Deps {
  clock: ManualClock;
  app: ReturnType<typeof createApp>;
}

/** A fresh in-memory database, migrated and seeded, with a clock that stands still. */
export function createTestContext(
  options: { now?: string; config?: Partial<Config>; seed?: boolean; dbPath?: string } = {},
): TestContext {
  const config = testConfig({ ...options.config, ...(options.dbPath ? { LOKET_DB: options.dbPath } : {}) });
  const db = openDatabase(config.LOKET_DB, { minFreeBytes: config.LOKET_DB_MIN_FREE_MB * 1024 * 1024 });
  runMigrations(db);
  if (options.seed !== false) seedDemo(db);
  const now = options.now ?? '2026-11-23T08:00:00Z';
  // Demo staff (password LOKET_DEMO_PASSWORD) and devices (LOKET_DEMO_DEVICE_TOKEN) of testConfig.
  if (options.seed !== false) seedDemoAccess(db, config, new Date(now));
  const clock = manualClock(now);
  const deps = {
    db,
    storage: sqliteStorage(db),
    clock,
    // Rate windows and delays follow the test's clock (production: performance.now()).
    monotonic: { nowMs: () => clock.now().getTime() },
    config,
    events: createDomainEvents(),
    log: silentLogger,
  };
  return { ...deps, app: createApp(deps) };
}
