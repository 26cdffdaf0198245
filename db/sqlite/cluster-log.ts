import Database from 'better-sqlite3';
import {
  type ClusterFact,
  type ClusterFactKind,
  type ClusterLog,
  PRUNE_UNREAD_AFTER_MS,
} from '../../server/cluster/log-store.ts';
import type { Db } from '../client.ts';

export interface ClusterEventRow {
  id: number;
  location_id: string | null;
  seq: number | null;
  kind: ClusterFactKind;
  ticket_id: number | null;
  counter_id: number | null;
  subject_id: number | null;
  detail: string | null;
  at: number;
}

/** A `cluster_events` row as a fact (also read by the webhook recorder, db/sqlite/webhook-store.ts). */
export const toFact = (r: ClusterEventRow): ClusterFact => ({
  id: r.id,
  locationId: r.location_id,
  seq: r.seq,
  kind: r.kind,
  ticketId: r.ticket_id,
  counterId: r.counter_id,
  subjectId: r.subject_id,
  detail: r.detail,
  at: r.at,
});

/**
 * `SELECT * FROM cluster_events WHERE id > ? ORDER BY id LIMIT <limit>`, prepared once per limit on `conn`. The limit
 * is written into the SQL because SQLite (3.53, as better-sqlite3 builds it) lets a bound LIMIT steer its plan and
 * so prepares such a statement again at every run: on a node's tail — every 75 ms and at every change — that was
 * about a tenth of the main thread's CPU in the call-next bench (perf, 2026-12-07; bench/scale/costs.ts).
 */
export function factsAfterStatements(conn: Database.Database): (limit: number) => Database.Statement<[number]> {
  const byLimit = new Map<number, Database.Statement<[number]>>();
  return (limit) => {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer: ${limit}`);
    let stmt = byLimit.get(limit);
    if (!stmt) {
      stmt = conn.prepare<[number]>(`SELECT * FROM cluster_events WHERE id > ? ORDER BY id LIMIT ${limit}`);
      byLimit.set(limit, stmt);
    }
    return stmt;
  };
}

/**
 * The cluster log on SQLite (`cluster_events`, written by the triggers of migration 0010). A file database gets
 * its own connection for tailing and pruning: reads in WAL mode never wait for a writer and never see another
 * connection's open transaction, and the prune waits for nobody (busy timeout 0: a busy database is pruned next
 * round) so it can never stall the event loop behind a write transaction of this process. `:memory:` has only
 * the one connection.
 */
export function sqliteClusterLog(db: Db): ClusterLog {
  const main = db.$client;
  const own = main.memory ? null : new Database(main.name, { fileMustExist: true });
  if (own) own.pragma('busy_timeout = 0');
  const conn = own ?? main;
  const lastIdStmt = conn.prepare('SELECT coalesce(max(id), 0) AS id FROM cluster_events');
  const afterStmt = factsAfterStatements(conn);
  const seqStmt = conn.prepare('SELECT seq FROM cluster_seq WHERE location_id = ?');
  // What the webhook recorder has not read yet stays (up to a week longer, for a recorder that is behind).
  const pruneStmt = conn.prepare(
    `DELETE FROM cluster_events WHERE at < ?
       AND (id <= coalesce((SELECT last_event_id FROM webhook_feed WHERE name = 'webhooks'), id) OR at < ?)`,
  );
  const beforeStmts = new Map<string, Database.Statement>();
  const beforeStmt = (kinds: readonly ClusterFactKind[]) => {
    const key = kinds.join(',');
    let stmt = beforeStmts.get(key);
    if (!stmt) {
      stmt = conn.prepare(
        `SELECT seq FROM cluster_events WHERE location_id = ? AND seq < ? AND kind IN (${kinds.map(() => '?').join(', ')})
         ORDER BY seq DESC LIMIT 1`,
      );
      beforeStmts.set(key, stmt);
    }
    return stmt;
  };
  return {
    lastId: async () => (lastIdStmt.get() as { id: number }).id,
    after: async (afterId, limit) => (afterStmt(limit).all(afterId) as ClusterEventRow[]).map(toFact),
    seqOf: async (locationId) => (seqStmt.get(locationId) as { seq: number } | undefined)?.seq ?? 0,
    lastSeqBefore: async (locationId, seq, kinds) =>
      (beforeStmt(kinds).get(locationId, seq, ...kinds) as { seq: number } | undefined)?.seq ?? 0,
    prune: async (before) => {
      try {
        return pruneStmt.run(before.getTime(), before.getTime() - PRUNE_UNREAD_AFTER_MS).changes;
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_BUSY') return 0;
        throw err;
      }
    },
    close: () => {
      if (own?.open) own.close();
    },
  };
}
