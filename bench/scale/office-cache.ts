import { openPool } from '../../db/pg/client.ts';
import { preparePgDatabase } from '../../db/pg/migrate.ts';
import { pgStorage } from '../../db/pg/storage.ts';
import { getOffice } from '../../server/scheduling/office-cache.ts';
import { createPgTestDatabase } from '../../tests/helpers/servers.ts';

/**
 * The office a booking's transaction reads on PostgreSQL (db/pg/office-store.ts), while the configuration
 * version is unchanged (served from the storage's offices: one read of the version) and when it changed before
 * each transaction (every row read again). A ratio, not an absolute: the machine is shared.
 * Run: `npx tsx bench/scale/office-cache.ts` (PostgreSQL on LOKET_TEST_DATABASE_URL or 127.0.0.1:5432).
 */
const ROUNDS = 300;

const database = await createPgTestDatabase();
const pool = openPool(database.url, { max: 4 });
try {
  await preparePgDatabase(pool, { seedDemo: true });
  const storage = pgStorage(pool);
  const { rows } = await pool.query<{ id: string }>('SELECT id FROM locations ORDER BY id LIMIT 1');
  const locationId = rows[0]?.id;
  if (!locationId) throw new Error('the demo seed has no location');
  const meanMs = async (changeFirst: boolean) => {
    let total = 0;
    for (let i = 0; i < ROUNDS; i++) {
      if (changeFirst) await pool.query('UPDATE scheduling_config_version SET version = version + 1');
      const started = performance.now();
      await storage.write((tx) => getOffice(tx, locationId));
      total += performance.now() - started;
    }
    return total / ROUNDS;
  };
  await meanMs(false); // warm-up
  const cached = await meanMs(false);
  const changed = await meanMs(true);
  console.log(
    `office in a write transaction, mean of ${ROUNDS}: cached ${cached.toFixed(3)} ms, ` +
      `version changed before each ${changed.toFixed(3)} ms, ratio ${(changed / cached).toFixed(2)}`,
  );
  await storage.close();
} finally {
  await database.drop();
}
