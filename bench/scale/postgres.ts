/**
 * The bench's databases on PostgreSQL: the SQLite template (demo + the 20-counter bench office, built by
 * fixtures.ts with the SQLite helpers the other benches share) copied row for row into a fresh PostgreSQL
 * database that the nodes then serve from with DATABASE_URL, and the checks afterwards read from there.
 * The two schemas export the same tables with the same columns (db/pg/schema/index.ts), and drizzle maps
 * epoch milliseconds ↔ timestamptz, 0/1 ↔ boolean and JSON text ↔ jsonb on each side.
 */
import { is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import pg from 'pg';
import { openDatabase } from '../../db/client.ts';
import { openPool, pgDb } from '../../db/pg/client.ts';
import { preparePgDatabase } from '../../db/pg/migrate.ts';
import * as pgSchema from '../../db/pg/schema/index.ts';
import * as sqliteSchema from '../../db/schema/index.ts';
import { createPgTestDatabase } from '../../tests/helpers/servers.ts';
import { onCleanup } from './cluster.ts';
import { BENCH_LOCATION, checkBooked, type InvariantCheck } from './fixtures.ts';

export interface PgCopy {
  url: string;
  /** The SQLite file it was copied from (the office set-up the checks plan with; bookings never change it). */
  source: string;
}

/**
 * A fresh PostgreSQL database (dropped when the bench ends), migrated, holding every row of the SQLite file
 * at `path`. Foreign keys and triggers are off while copying (session_replication_role = replica, so the
 * order of tables does not matter); identity sequences continue after the copied ids.
 */
export async function copySqliteToPostgres(path: string): Promise<PgCopy> {
  const database = await createPgTestDatabase();
  onCleanup(() => database.drop());
  const pool = openPool(database.url, { max: 1, applicationName: 'loket-bench-copy' });
  const sqlite = openDatabase(path);
  try {
    await preparePgDatabase(pool);
    const client = await pool.connect();
    try {
      const db = pgDb(client);
      await client.query('BEGIN');
      await client.query('SET LOCAL session_replication_role = replica');
      const liteTables = sqliteSchema as unknown as Record<string, unknown>;
      for (const [name, table] of Object.entries(pgSchema as unknown as Record<string, unknown>)) {
        if (!is(table, PgTable)) continue;
        const source = liteTables[name];
        if (!is(source, SQLiteTable)) throw new Error(`the SQLite schema has no table ${name}`);
        const rows = sqlite.select().from(source).all();
        // Rows the migrations already wrote (a singleton version row) stay as they are.
        for (let i = 0; i < rows.length; i += 500)
          await db
            .insert(table)
            .values(rows.slice(i, i + 500) as never[])
            .onConflictDoNothing();
      }
      await client.query('COMMIT');
      // Identity columns: the next id after the highest copied one.
      const identities = await client.query<{ table_name: string; column_name: string }>(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES'",
      );
      for (const { table_name, column_name } of identities.rows)
        await client.query(
          `SELECT setval(pg_get_serial_sequence($1, $2), GREATEST(1, (SELECT coalesce(max("${column_name}"), 0) FROM "${table_name}")))`,
          [`"${table_name}"`, column_name],
        );
      await client.query('ANALYZE');
    } finally {
      client.release();
    }
  } finally {
    sqlite.$client.close();
    await pool.end();
  }
  return { url: database.url, source: path };
}

/** Runs `fn` on a connection to `url` and closes it. */
export async function withPg<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Invariants 1 and 2 (fixtures.ts#checkBooked) on the bench office's booked appointments in PostgreSQL. */
export async function checkPostgres(copy: PgCopy, acknowledged: Iterable<string>): Promise<InvariantCheck> {
  const rows = await withPg(copy.url, async (client) => {
    const r = await client.query<{
      id: number;
      reference: string;
      counter_id: number;
      starts_at: Date;
      ends_at: Date;
      service_ids: number[];
    }>(
      `SELECT a.id, a.reference, a.counter_id, a.starts_at, a.ends_at,
              coalesce(array_agg(i.service_id) FILTER (WHERE i.service_id IS NOT NULL), '{}') AS service_ids
         FROM appointments a LEFT JOIN appointment_items i ON i.appointment_id = a.id
        WHERE a.location_id = $1 AND a.status = 'booked'
        GROUP BY a.id`,
      [BENCH_LOCATION],
    );
    return r.rows;
  });
  return checkBooked(
    copy.source,
    rows.map((r) => ({
      id: r.id,
      reference: r.reference,
      counterId: r.counter_id,
      startsAt: r.starts_at,
      endsAt: r.ends_at,
      serviceIds: r.service_ids,
    })),
    acknowledged,
  );
}
