import pg from 'pg';
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

/** The channel the commit-order trigger notifies (db/pg/migrations/0009) for each transaction with a hub fact. */
export const FACTS_CHANNEL = 'loket_cluster';
/** A node that heard nothing still asks the database this often (a lost notification costs at most this). */
export const SAFETY_READ_MS = 1_000;
/** After the listening connection dropped, the next try (every read goes to the database meanwhile). */
const LISTEN_RETRY_MS = 2_000;

/**
 * Whether a tail's read can be answered "nothing new" without asking the database. The hub polls the log every
 * 75 ms (server/hub/publish.ts), which on an idle node was most of its CPU (about 9 of its 14 ms per second, and a
 * statement per poll for PostgreSQL). A connection of its own LISTENs on `loket_cluster`; a read is skipped only
 * when all of these hold:
 * - the connection listens, and no notification arrived since the last read was sent (a transaction with a hub
 *   fact, on any node, notifies once after its commit is visible);
 * - no write transaction of this process committed since then (`committed()`: this process's own facts are read at
 *   once after the use-case publishes them, which may be before its notification has come back);
 * - the caller asks after the newest id it was given (a round that held back facts waiting for a peer reads again);
 * - the last read went out less than `SAFETY_READ_MS` ago.
 * Appointment facts (webhooks only: the hub passes them by) notify nobody; the safety read brings them.
 */
export interface FactWatch {
  /** The facts after `afterId` (at most `limit`), from `read` unless nothing can be new. */
  after(afterId: number, limit: number, read: () => Promise<ClusterFact[]>): Promise<ClusterFact[]>;
  /** The newest id there is, as the caller was told it. */
  saw(id: number): void;
  /** A write transaction of this process committed. */
  committed(): void;
  /** Whether the connection listens now (tests). */
  readonly listening: boolean;
  close(): void;
}

export function listenForFacts(
  url: string,
  options: { safetyReadMs?: number; retryMs?: number; nowMs?: () => number } = {},
): FactWatch {
  const safetyReadMs = options.safetyReadMs ?? SAFETY_READ_MS;
  const retryMs = options.retryMs ?? LISTEN_RETRY_MS;
  const nowMs = options.nowMs ?? (() => performance.now());
  let listening = false;
  let closed = false;
  // Something may be new: true until a read went out after the last notification or commit.
  let pending = true;
  let highest = -1;
  let lastRead = Number.NEGATIVE_INFINITY;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | undefined;

  const down = (c: pg.Client) => {
    if (client !== c) return;
    client = null;
    listening = false;
    pending = true;
    c.removeAllListeners('notification');
    c.end().catch(() => {});
    if (closed) return;
    retry = setTimeout(connect, retryMs);
    retry.unref();
  };
  function connect(): void {
    if (closed) return;
    const c = new pg.Client({ connectionString: url, application_name: 'loket-hub-listen' });
    client = c;
    c.on('notification', () => {
      pending = true;
    });
    c.on('error', () => down(c));
    c.on('end', () => down(c));
    c.connect()
      .then(() => c.query(`LISTEN ${FACTS_CHANNEL}`))
      .then(() => {
        if (client !== c) return;
        // What committed before the LISTEN took effect was never announced: the next read asks.
        pending = true;
        listening = true;
      })
      .catch(() => down(c));
  }
  connect();

  return {
    async after(afterId, limit, read) {
      if (listening && !pending && afterId >= highest && highest >= 0 && nowMs() - lastRead < safetyReadMs) return [];
      // Cleared before the statement goes out: a notification or commit while it runs makes the next read ask again.
      pending = false;
      lastRead = nowMs();
      let facts: ClusterFact[];
      try {
        facts = await read();
      } catch (err) {
        pending = true;
        throw err;
      }
      const last = facts.at(-1);
      if (last) highest = Math.max(highest, last.id);
      else highest = Math.max(highest, afterId);
      // A full page: there may be more.
      if (facts.length >= limit) pending = true;
      return facts;
    },
    saw(id) {
      highest = Math.max(highest, id);
    },
    committed() {
      pending = true;
    },
    get listening() {
      return listening;
    },
    close() {
      closed = true;
      clearTimeout(retry);
      const c = client;
      client = null;
      listening = false;
      c?.end().catch(() => {});
    },
  };
}

/**
 * The cluster log on PostgreSQL (server/cluster/log-store.ts): `cluster_events`, written by the triggers of
 * db/pg/migrations/0002 in the transaction of each change. Ids are handed out at commit, in commit order (a
 * deferred trigger under one advisory lock: migration 0004), so tailing by id never skips a fact that commits late. Every
 * method is one statement on the pool; with a `watch` (listenForFacts), `after` asks only when something may be new.
 */
export function pgClusterLog(pool: pg.Pool, watch?: FactWatch): ClusterLog {
  const read = async (afterId: number, limit: number) =>
    (
      await pool.query<ClusterEventRow>('SELECT * FROM cluster_events WHERE id > $1 ORDER BY id LIMIT $2', [
        afterId,
        limit,
      ])
    ).rows.map(toFact);
  return {
    lastId: async () => {
      const id = Number((await pool.query('SELECT coalesce(max(id), 0) AS id FROM cluster_events')).rows[0].id);
      watch?.saw(id);
      return id;
    },
    after: (afterId, limit) => (watch ? watch.after(afterId, limit, () => read(afterId, limit)) : read(afterId, limit)),
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
    close: () => watch?.close(),
  };
}
