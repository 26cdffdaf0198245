import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { clusterFactKinds } from '../../server/cluster/log-store.ts';

/**
 * The cluster event log (ARCHITECTURE.md#scale-out): every fact the hub turns into socket events, written by
 * triggers (migration 0010) in the same transaction as the change — from `ticket_events` (ticket facts),
 * `counters` (state and agent: `counter:updated`) and `audit_entries` (set-up and ticker changes:
 * `location:changed`; device revocation and sign-out: `auth:revoked`). Every node tails it by id.
 * `seq` numbers a location's facts 1, 2, 3, … without gaps across the cluster (`cluster_seq`); facts without a
 * location (`auth:revoked`) have none. Pruned after a day; nothing else updates or deletes rows.
 */
export const clusterEvents = sqliteTable(
  'cluster_events',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    locationId: text(),
    seq: integer(),
    kind: text({
      enum: clusterFactKinds,
    }).notNull(),
    ticketId: integer(),
    counterId: integer(),
    /** `auth:revoked`: the session, device or API key id. */
    subjectId: integer(),
    /** `ticket:called`: recall (1) or call (0); `location:changed`: 'setup' | 'ticker'; `auth:revoked`: 'staff' | 'device' | 'api-key'. */
    detail: text(),
    /** When the change happened (epoch ms): pruning reads it. */
    at: integer({ mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('cluster_events_location_seq').on(t.locationId, t.seq), index('cluster_events_at').on(t.at)],
);

/** The last `seq` handed out per location: bumped by the triggers under SQLite's write lock. */
export const clusterSeq = sqliteTable('cluster_seq', {
  locationId: text().primaryKey(),
  seq: integer().notNull(),
});
