import { bigint, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { clusterFactKinds } from '../../../server/cluster/log-store.ts';

/**
 * The cluster event log, mirroring `db/schema/cluster.ts` (ARCHITECTURE.md#scale-out): the facts the hub turns into
 * socket events, one row per fact, with a per-location `seq` handed out by `cluster_seq`. On SQLite triggers
 * (migration 0010) write it in the transaction of the change; PostgreSQL needs the same triggers, and a tailer
 * that does not skip a lower id committed late: migration 0004 gives each fact its id at commit, in commit order
 * (a deferred trigger under one advisory lock), so tailing by id is safe here too.
 */
export const clusterEvents = pgTable(
  'cluster_events',
  {
    // bigint: each fact takes two ids, a provisional one at insert and its commit-order id at commit (0004).
    id: bigint({ mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    locationId: text(),
    seq: integer(),
    kind: text({
      enum: clusterFactKinds,
    }).notNull(),
    ticketId: integer(),
    counterId: integer(),
    subjectId: integer(),
    detail: text(),
    at: timestamp({ withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [index('cluster_events_location_seq').on(t.locationId, t.seq), index('cluster_events_at').on(t.at)],
);

export const clusterSeq = pgTable('cluster_seq', {
  locationId: text().primaryKey(),
  seq: integer().notNull(),
});
