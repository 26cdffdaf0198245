/**
 * The PostgreSQL schema: a mirror of `db/schema/` (same tables, columns and JS field names, so the
 * repositories return the same records). Instants are `timestamp with time zone` (millisecond
 * precision) read as Date where SQLite stores epoch milliseconds; booleans are `boolean`, JSON is `jsonb`,
 * shares are `double precision`, ids are identity columns. What drizzle-kit cannot express (the
 * exclusion constraint against double-booked counters, the scheduling config version and its triggers)
 * is in the hand-written migration `db/pg/migrations/0001_*.sql`. Only PostgreSQL has
 * `staff_locations.assigned_order` (SQLite orders by rowid).
 */
export * from './appointments.ts';
export * from './catalog.ts';
export * from './cluster.ts';
export * from './counters.ts';
export * from './fairness.ts';
export * from './forecast.ts';
export * from './integrations.ts';
export * from './notify.ts';
export * from './profile.ts';
export * from './queue.ts';
export * from './schedules.ts';
export * from './staff.ts';
export * from './tenancy.ts';
