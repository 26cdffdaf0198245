import type pg from 'pg';
import {
  type ClusterFact,
  type ClusterFactKind,
  type ClusterLog,
  PRUNE_UNREAD_AFTER_MS,
} from '../../server/cluster/log-store.ts';

export interface ClusterEventRow {
  id: string;
  location_id: string | null;
  seq: string | null;
  kind: ClusterFactKind;
  ticket_id: number | null;
  counter_id: number | null;
  subject_id: number | null;
  detail: string | null;
  at: Date;
}

/** A `cluster_events` row as a fact (also read by the webhook recorder, db/pg/webhook-store.ts). */
export const toFact = (r: ClusterEventRow): ClusterFact => ({
  id: Number(r.id),
  locationId: r.location_id,
  seq: r.seq === null ? null : Number(r.seq),
  kind: r.kind,
  ticketId: r.ticket_id,
  counterId: r.counter_id,
  subjectId: r.subject_id,
  detail: r.detail,
  at: r.at.getTime(),
});

/**
 * The cluster log on PostgreSQL (server/cluster/log-store.ts): `cluster_events`, written by the triggers of
 * db/pg/migrations/0002 in the transaction of each change. Ids are handed out at commit, in commit order (a
 * deferred trigger under one advisory lock: migration 0004), so tailing by id never skips a fact that commits late. Every
 * method is one statement on the pool.
 */
export function pgClusterLog(pool: pg.Pool): ClusterLog {
  return {
    lastId: async () => Number((await pool.query('SELECT coalesce(max(id), 0) AS id FROM cluster_events')).rows[0].id),
    after: async (afterId, limit) =>
      (
        await pool.query<ClusterEventRow>('SELECT * FROM cluster_events WHERE id > $1 ORDER BY id LIMIT $2', [
          afterId,
          limit,
        ])
      ).rows.map(toFact),
    seqOf: async (locationId) => {
      const { rows } = await pool.query('SELECT seq FROM cluster_seq WHERE location_id = $1', [locationId]);
      return rows[0] ? Number(rows[0].seq) : 0;
    },
    lastSeqBefore: async (locationId, seq, kinds) => {
      const { rows } = await pool.query(
        `SELECT seq FROM cluster_events WHERE location_id = $1 AND seq < $2 AND kind = ANY($3::text[])
         ORDER BY seq DESC LIMIT 1`,
        [locationId, seq, kinds],
      );
      return rows[0] ? Number(rows[0].seq) : 0;
    },
    // lock_timeout: the prune waits for nobody; a busy table is pruned next round.
    prune: async (before) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query("SET LOCAL lock_timeout = '100ms'");
        // What the webhook recorder has not read yet stays (up to a week longer, for a recorder that is behind).
        const result = await client.query(
          `DELETE FROM cluster_events WHERE at < $1
             AND (id <= coalesce((SELECT last_event_id FROM webhook_feed WHERE name = 'webhooks'), id) OR at < $2)`,
          [before, new Date(before.getTime() - PRUNE_UNREAD_AFTER_MS)],
        );
        await client.query('COMMIT');
        return result.rowCount ?? 0;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        if ((err as { code?: string }).code === '55P03') return 0;
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => {},
  };
}
