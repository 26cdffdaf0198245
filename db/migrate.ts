import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { Db } from './client.ts';
import type { DemoAccessRows } from './demo-access.ts';
import { seedDemo } from './seed.ts';
import { insertDemoAccess } from './sqlite/demo-access.ts';

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Applies the committed drizzle-kit migrations; idempotent. */
export function runMigrations(db: Db): void {
  migrate(db, { migrationsFolder });
}

export interface PrepareSqliteOptions {
  /** Seed the demo municipality (LOKET_SEED_DEMO) when it is not there yet. */
  seedDemo?: boolean;
  /** The demo users and devices (db/demo-access.ts#planDemoAccess), inserted once with the seed. */
  demoAccess?: DemoAccessRows;
}

/**
 * SQLite's twin of db/pg/migrate.ts#preparePgDatabase: migrates and, when asked, seeds the demo and its
 * access. Processes sharing one file need no lock of their own: the migrator and each seed step run in one
 * `BEGIN IMMEDIATE` transaction and look before they insert, so the second process finds the work done.
 * Returns whether this call seeded the demo and inserted the demo access (whose secrets only it may show).
 */
export function prepareSqliteDatabase(
  db: Db,
  options: PrepareSqliteOptions = {},
): { seeded: boolean; demoAccessSeeded: boolean } {
  runMigrations(db);
  if (!options.seedDemo) return { seeded: false, demoAccessSeeded: false };
  const seeded = seedDemo(db);
  const demoAccessSeeded = options.demoAccess ? insertDemoAccess(db, options.demoAccess) : false;
  return { seeded, demoAccessSeeded };
}
