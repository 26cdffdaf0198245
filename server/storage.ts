import type { ApiClientStore } from './auth/api-client-store.ts';
import type { AuditStore } from './auth/audit-store.ts';
import type { AuthStore } from './auth/auth-store.ts';
import type { ClusterLog } from './cluster/log-store.ts';
import type { DisplayStore } from './display/display-store.ts';
import type { DemoHistoryStore } from './forecast/demo-history-store.ts';
import type { ForecastHistoryStore } from './forecast/forecast-history-store.ts';
import type { MunicipalityStore } from './integrations/municipality-store.ts';
import type { WebhookStore } from './integrations/webhook-store.ts';
import type { OutboxStore } from './notify/outbox-store.ts';
import type { OpenDataStore } from './open-data/open-data-store.ts';
import type { QueueStore } from './queue/queue-store.ts';
import type { AppointmentStore } from './scheduling/appointment-store.ts';
import type { OfficeStore } from './scheduling/office-store.ts';
import type { PersonalDataStore } from './scheduling/personal-data-store.ts';
import type { WaitHistoryStore } from './stats/wait-history-store.ts';

/**
 * The storage seam (ARCHITECTURE.md#storage-seam): use-cases reach their data through these repository
 * interfaces, declared by each domain, and never import drizzle or a driver. Every method returns a
 * promise, so SQLite (`db/sqlite/`) and PostgreSQL (`db/pg/`) implement the same interfaces.
 */
export interface Repositories {
  audit: AuditStore;
  auth: AuthStore;
  apiClients: ApiClientStore;
  outbox: OutboxStore;
  personalData: PersonalDataStore;
  openData: OpenDataStore;
  waitHistory: WaitHistoryStore;
  forecastHistory: ForecastHistoryStore;
  demoHistory: DemoHistoryStore;
  display: DisplayStore;
  queue: QueueStore;
  webhooks: WebhookStore;
  municipalities: MunicipalityStore;
  appointments: AppointmentStore;
  office: OfficeStore;
}

export interface WriteOptions {
  /**
   * `full` (default): the commit is on disk before the promise resolves. `relaxed`: it survives a crash of the
   * process but may be lost on a power cut — for the queue's many small writes, which a clerk simply repeats.
   */
  durability?: 'full' | 'relaxed';
  /**
   * May share its `COMMIT` with other writes that allow it and are waiting at the same moment (SQLite: a group
   * commit, each write in a savepoint of its own, each answered only after the shared `COMMIT`; a write that
   * throws rolls back alone). Only for writes that keep nothing in memory on the strength of their own commit
   * (bookings; never a set-up change, whose bumped version could roll back with another's failed commit).
   * PostgreSQL: the same, per node (db/pg/storage.ts); when the shared `COMMIT` fails, each write runs again alone.
   */
  group?: boolean;
}

export interface Storage {
  /** Reads outside a write transaction; each sees committed data only. */
  readonly read: Repositories;
  /**
   * One write transaction: all of `work` commits or none of it (it rolls back when `work` throws). Write
   * transactions are serialised per process on SQLite (and by the database's locks on PostgreSQL), so a
   * use-case that reads "free" and then writes cannot interleave with another that does the same.
   * `work` must use only `tx`, never `read`, for what it decides on.
   */
  write<T>(work: (tx: Repositories) => Promise<T>, options?: WriteOptions): Promise<T>;
  /**
   * Why this node's storage cannot serve now (the readiness check: `/api/v1/health` answers 503 with it), or
   * null: the database answers and can take writes that will survive.
   */
  problem(): Promise<string | null>;
  /**
   * After personal data was erased: remove what the engine still keeps of the old values outside the live
   * rows (SQLite: checkpoint and truncate the WAL; PostgreSQL: nothing the application can force — old row
   * versions are vacuumed, see ARCHITECTURE.md#invariants).
   */
  afterErasure(): Promise<void>;
  /** The cluster event log every node tails (ARCHITECTURE.md#scale-out), on the same database. */
  clusterLog(): ClusterLog;
  /** Closes what the storage opened itself (the SQLite read connection; the PostgreSQL pool). */
  close(): Promise<void>;
}

/** A repository whose methods are synchronous: what an implementation on a synchronous driver writes. */
export type Synchronous<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : T[K];
};
