/**
 * The storage side of the cluster event path (ARCHITECTURE.md#scale-out). Every fact the hub turns into socket
 * events is written to a durable log in the transaction of the change (on SQLite by the triggers of migration
 * 0010); every node tails the log by id and feeds its own sockets. `seq` numbers a location's facts 1, 2, 3, …
 * without gaps across the cluster, so a client that sees a gap asks for a snapshot.
 *
 * Implementations: `db/sqlite/cluster-log.ts`, `db/pg/cluster-log.ts` (ids in commit order: a node never goes back
 * to an id it passed). The webhook recorder reads the same log from a cursor of its own (`webhook_feed`), and
 * `prune` keeps what it has not read yet.
 */
export const clusterFactKinds = [
  'ticket:issued',
  'ticket:called',
  'ticket:updated',
  'counter:updated',
  'location:changed',
  'auth:revoked',
  // Appointment facts (webhooks only: no seq, the hub passes them by): booked (also a confirmed hold),
  // rescheduled (its start moved), cancelled. Written by triggers on `appointments` (SQLite 0014, PostgreSQL 0007).
  'appointment:booked',
  'appointment:rescheduled',
  'appointment:cancelled',
] as const;
export type ClusterFactKind = (typeof clusterFactKinds)[number];

/** The facts kiosks and displays see as well (the rest goes to the staff only). */
export const publicFactKinds: readonly ClusterFactKind[] = ['ticket:called', 'counter:updated', 'location:changed'];

export interface ClusterFact {
  id: number;
  /** null for `auth:revoked`. */
  locationId: string | null;
  /** The location's sequence number; null without a location. */
  seq: number | null;
  kind: ClusterFactKind;
  ticketId: number | null;
  counterId: number | null;
  /** `auth:revoked`: the session, device or API key id; `appointment:*`: the appointment id. */
  subjectId: number | null;
  /**
   * `ticket:called`: 'call' | 'recall'; `ticket:updated`: 'finished' for a finish (else null); `location:changed`:
   * 'setup' | 'ticker'; `auth:revoked`: 'staff' | 'device' | 'api-key'.
   */
  detail: string | null;
  /** Epoch milliseconds of the change. */
  at: number;
}

export interface ClusterLog {
  /** The newest fact's id (0: none yet): a starting node tails from there. */
  lastId(): Promise<number>;
  /** Facts with an id above `afterId`, oldest first, at most `limit`. */
  after(afterId: number, limit: number): Promise<ClusterFact[]>;
  /** The location's newest seq (0 before its first fact). */
  seqOf(locationId: string): Promise<number>;
  /** The newest seq below `seq` of a fact of one of `kinds` at the location; 0 when none is kept. */
  lastSeqBefore(locationId: string, seq: number, kinds: readonly ClusterFactKind[]): Promise<number>;
  /**
   * Removes facts older than `before` that the webhook recorder has read (those it has not stay up to
   * `PRUNE_UNREAD_AFTER_MS` longer, for a recorder that is behind); how many (0 when the database was busy: the
   * next round does it).
   */
  prune(before: Date): Promise<number>;
  close(): void;
}

/** An unread fact (the webhook recorder is behind: no node has run it for that long) is pruned after a week. */
export const PRUNE_UNREAD_AFTER_MS = 7 * 86_400_000;
