import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';
import type { DemoAccessRows } from '../demo-access.ts';
import { pgDb } from './client.ts';
import { insertDemoAccessPg, seedDemoPg } from './seed.ts';

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/**
 * The session advisory lock every node takes before it migrates or seeds ("Loket" in ASCII): one key for
 * the whole database, so nodes starting together on an empty database queue up behind the first.
 */
export const MIGRATION_LOCK_KEY = 0x4c6f6b6574n;

export interface PreparePgOptions {
  /** Seed the demo municipality (LOKET_SEED_DEMO) when it is not there yet. */
  seedDemo?: boolean;
  /** The demo users and devices (db/demo-access.ts#planDemoAccess), inserted once with the seed. */
  demoAccess?: DemoAccessRows;
}

/**
 * Brings the database to the committed schema (db/pg/migrations, drizzle-kit) and, when asked, seeds the
 * demo municipality — exactly once however many nodes start at the same moment: each node takes
 * `pg_advisory_lock` on one connection first, so the second node waits, then finds the migrations applied
 * and the seed present. drizzle applies the pending migrations in one transaction, and the seed is one
 * transaction too, so a node killed half-way leaves neither half a schema nor half a seed (the lock is
 * released with its connection). Returns whether this call seeded (and inserted the demo access, whose
 * generated secrets only this node may then print).
 */
export async function preparePgDatabase(
  pool: pg.Pool,
  options: PreparePgOptions = {},
): Promise<{ seeded: boolean; demoAccessSeeded: boolean }> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    const db = pgDb(client);
    await migrate(db, { migrationsFolder });
    let seeded = false;
    let demoAccessSeeded = false;
    if (options.seedDemo) {
      await client.query('BEGIN');
      try {
        seeded = await seedDemoPg(db);
        if (options.demoAccess) demoAccessSeeded = await insertDemoAccessPg(db, options.demoAccess);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    }
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]);
    return { seeded, demoAccessSeeded };
  } catch (err) {
    broken = true;
    throw err;
  } finally {
    // On failure the connection is closed instead of returned, which releases the session lock for sure.
    client.release(broken);
  }
}
