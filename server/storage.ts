import type { AuditStore } from './auth/audit-store.ts';
import type { AuthStore } from './auth/auth-store.ts';

/**
 * The storage seam (ARCHITECTURE.md#storage-seam): use-cases reach their data through these repository
 * interfaces, declared by each domain, and never import drizzle or a driver. `db/sqlite/storage.ts`
 * implements them today. Domains still on `deps.db` are listed in .dependency-cruiser-known-violations.json.
 */
export interface Repositories {
  audit: AuditStore;
  auth: AuthStore;
}

export interface Storage {
  /** Reads outside a write transaction; each sees committed data. */
  readonly read: Repositories;
  /**
   * One write transaction: all of `work` commits or none of it. `work` is synchronous: on SQLite this is
   * BEGIN IMMEDIATE, so two writers never both read "free"; an async callback is refused.
   */
  write<T>(work: (tx: Repositories) => T): T;
}
