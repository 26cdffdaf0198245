import { auditEntryOf } from '../../server/auth/audit.ts';
import type { AuditStore } from '../../server/auth/audit-store.ts';
import { sendLater } from './batching.ts';
import type { PgDb } from './client.ts';
import { auditEntries } from './schema/index.ts';

/**
 * The audit log on PostgreSQL: one INSERT inside the caller's transaction (db/sqlite/audit-store.ts the same), which
 * nobody reads back there — so it goes with the transaction's next statement or COMMIT (db/pg/batching.ts), not as a
 * round trip of its own.
 */
export function pgAuditStore(db: PgDb): AuditStore {
  return {
    record: async (actor, municipalityId, at, input) => {
      await sendLater(
        db,
        db
          .insert(auditEntries)
          .values(auditEntryOf(actor, municipalityId, at, input))
          .getSQL(),
      );
    },
  };
}
