import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { TransactionClient } from './batching.ts';
import * as schema from './schema/index.ts';

/** drizzle over node-postgres with the PostgreSQL schema (snake_case columns, as on SQLite). */
export type PgDb = NodePgDatabase<typeof schema>;

/** What a query can run on: the pool (autocommit, any connection) or one checked-out client (a transaction). */
export type PgQueryable = pg.Pool | pg.PoolClient | pg.Client;

export interface PgPoolOptions {
  /** Connections per node (default 10): each open write transaction holds one. */
  max?: number;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
}

/**
 * A connection pool for DATABASE_URL. Errors of idle clients (the server restarted, the network dropped)
 * are logged by the pool's owner, not thrown: the pool replaces the client on the next checkout.
 */
export function openPool(url: string, options: PgPoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'loket',
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', () => {
    // An idle client died; pg removes it from the pool. Queries in flight reject on their own.
  });
  // A connection that drops while checked out (a write transaction, the cluster log's prune, the migration
  // lock) emits 'error' on its client, which would end the process unheard: its query rejects on its own,
  // and the pool discards the client when it is released.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return pool;
}

/** drizzle on a pool or one client (inside a transaction every query must use the transaction's client). */
export function pgDb(client: PgQueryable | TransactionClient): PgDb {
  return drizzle({ client: client as pg.Pool, schema, casing: 'snake_case' });
}

const perConnection = new WeakMap<pg.PoolClient, { client: TransactionClient; db: PgDb }>();

/**
 * The write-transaction handle of one pooled connection (db/pg/batching.ts), made once per connection: building
 * a drizzle instance walks the whole schema, which is not something to do per booking.
 */
export function transactionDb(connection: pg.PoolClient): { client: TransactionClient; db: PgDb } {
  let made = perConnection.get(connection);
  if (!made) {
    const client = new TransactionClient(connection);
    made = { client, db: pgDb(client) };
    perConnection.set(connection, made);
  }
  return made;
}

/** The SQLSTATE of a pg error, also when drizzle wrapped it (DrizzleQueryError keeps it as `cause`). */
export function sqlState(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | null | undefined, depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string') return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}

export { schema };
