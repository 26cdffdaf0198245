import { PgTable, getTableConfig as pgTableConfig } from 'drizzle-orm/pg-core';
import { SQLiteTable, getTableConfig as sqliteTableConfig } from 'drizzle-orm/sqlite-core';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planDemoAccess } from '../../db/demo-access.ts';
import { openPool } from '../../db/pg/client.ts';
import { preparePgDatabase } from '../../db/pg/migrate.ts';
import * as pgSchema from '../../db/pg/schema/index.ts';
import * as sqliteSchema from '../../db/schema/index.ts';
import { testConfig } from '../../server/config.ts';
import { createPgTestDatabase, describeWithPostgres } from '../helpers/servers.ts';

describe('the PostgreSQL schema mirrors the SQLite one', () => {
  it('has the same tables with the same fields (JS names and nullability)', () => {
    const shape = (columns: { name: string; notNull: boolean }[]) =>
      Object.fromEntries(columns.map((c) => [c.name, c.notNull]));
    const sqliteTables = Object.values(sqliteSchema).filter((v) => v instanceof SQLiteTable);
    const pgTables = Object.values(pgSchema).filter((v) => v instanceof PgTable);
    const sqlite = Object.fromEntries(
      sqliteTables.map((t) => {
        const c = sqliteTableConfig(t);
        return [c.name, shape(c.columns)];
      }),
    );
    const postgres = Object.fromEntries(
      pgTables.map((t) => {
        const c = pgTableConfig(t);
        // PostgreSQL has no rowid: the assignment order of staff_locations is its own column.
        return [c.name, shape(c.columns.filter((col) => col.name !== 'assignedOrder'))];
      }),
    );
    expect(Object.keys(postgres).sort()).toEqual(Object.keys(sqlite).sort());
    expect(postgres).toEqual(sqlite);
  });
});

describeWithPostgres('PostgreSQL migrations and the demo seed', () => {
  let database: Awaited<ReturnType<typeof createPgTestDatabase>>;
  beforeAll(async () => {
    database = await createPgTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('three nodes starting at once on an empty database migrate it and seed the demo exactly once', async () => {
    const pools = [0, 1, 2].map(() => openPool(database.url, { max: 2 }));
    try {
      // Each node plans its own demo access (its own generated secrets); only one node's is inserted.
      const results = await Promise.all(
        pools.map((pool) =>
          preparePgDatabase(pool, { seedDemo: true, demoAccess: planDemoAccess(testConfig(), new Date()).rows }),
        ),
      );
      expect(results.filter((r) => r.seeded)).toHaveLength(1);
      expect(results.filter((r) => r.demoAccessSeeded)).toHaveLength(1);
      const one = pools[0] as pg.Pool;
      const applied = await one.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
      const journal = await import('../../db/pg/migrations/meta/_journal.json', { with: { type: 'json' } });
      expect(applied.rows[0].n).toBe(journal.default.entries.length);
      const counts = await one.query(`SELECT
        (SELECT count(*)::int FROM municipalities) AS municipalities,
        (SELECT count(*)::int FROM locations) AS locations,
        (SELECT count(*)::int FROM services) AS services,
        (SELECT count(*)::int FROM counters) AS counters,
        (SELECT count(*)::int FROM roster_rules) AS rosters,
        (SELECT count(*)::int FROM closures) AS closures,
        (SELECT count(*)::int FROM staff_users) AS users,
        (SELECT count(*)::int FROM devices) AS devices`);
      expect(counts.rows[0]).toEqual({
        municipalities: 1,
        locations: 2,
        services: 5,
        counters: 12,
        rosters: 28,
        closures: 5,
        users: 3,
        devices: 4,
      });
      // A later start changes nothing.
      expect(await preparePgDatabase(one, { seedDemo: true })).toMatchObject({ seeded: false });
      const again = await one.query('SELECT count(*)::int AS n FROM counters');
      expect(again.rows[0].n).toBe(12);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('a seed that fails half-way leaves nothing behind, and the next start seeds whole', async () => {
    const other = await createPgTestDatabase();
    const pool = openPool(other.url, { max: 2 });
    try {
      await preparePgDatabase(pool);
      // Make the seed fail after its first inserts: a closure may not be inserted.
      await pool.query(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'no closures today'; END; $$`);
      await pool.query('CREATE TRIGGER refuse BEFORE INSERT ON closures FOR EACH ROW EXECUTE FUNCTION refuse()');
      await expect(preparePgDatabase(pool, { seedDemo: true })).rejects.toMatchObject({
        cause: { message: 'no closures today' },
      });
      const half = await pool.query(
        'SELECT (SELECT count(*)::int FROM municipalities) + (SELECT count(*)::int FROM counters) AS n',
      );
      expect(half.rows[0].n).toBe(0);
      await pool.query('DROP TRIGGER refuse ON closures');
      expect(await preparePgDatabase(pool, { seedDemo: true })).toMatchObject({ seeded: true });
    } finally {
      await pool.end();
      await other.drop();
    }
  });

  it('matches the SQLite seed row for row (ids included)', async () => {
    const { createTestContext } = await import('../helpers/context.ts');
    const { db } = createTestContext();
    const other = await createPgTestDatabase();
    const pool = openPool(other.url, { max: 1 });
    try {
      await preparePgDatabase(pool, { seedDemo: true });
      const queries = [
        'SELECT id, code, minutes_per_person, ticket_letter, sort_order FROM services ORDER BY id',
        'SELECT service_id, age_group, amount_cents FROM service_fees ORDER BY 1, 2',
        'SELECT location_id, service_id, bookable_online, walk_in FROM location_services ORDER BY 1, 2',
        'SELECT id, location_id, kind, rrule, opens_at, closes_at FROM schedule_rules ORDER BY id',
        'SELECT id, location_id, name FROM counters ORDER BY id',
        'SELECT counter_id, service_id FROM counter_skills ORDER BY 1, 2',
        'SELECT id, counter_id, rrule, starts_at, ends_at, mode FROM roster_rules ORDER BY id',
        'SELECT municipality_id, date, kind FROM closures ORDER BY date',
      ];
      // SQLite stores booleans as 0/1.
      const normal = (row: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'boolean' ? Number(v) : v]));
      for (const query of queries) {
        const lite = db.$client.prepare(query).all();
        const { rows } = await pool.query(query);
        expect(rows.map(normal), query).toEqual(lite);
      }
    } finally {
      await pool.end();
      await other.drop();
    }
  });
});
