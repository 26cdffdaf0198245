import { auditEntryOf } from '../../server/auth/audit.ts';
import type { AuditStore } from '../../server/auth/audit-store.ts';
import type { PgDb } from './client.ts';
import { auditEntries } from './schema/index.ts';

/** The audit log on PostgreSQL: one INSERT inside the caller's transaction (db/sqlite/audit-store.ts the same). */
export function pgAuditStore(db: PgDb): AuditStore {
  return {
    record: async (actor, municipalityId, at, input) => {
      await db.insert(auditEntries).values(auditEntryOf(actor, municipalityId, at, input));
    },
  };
}
