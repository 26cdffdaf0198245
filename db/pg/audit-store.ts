import { auditEntryOf } from '../../server/auth/audit.ts';
import type { AuditStore } from '../../server/auth/audit-store.ts';
import { sendTextLater } from './batching.ts';
import type { PgDb } from './client.ts';

/** Constant SQL: drizzle would build the insert's text anew for every entry (most of an entry's node CPU). */
const INSERT =
  'INSERT INTO audit_entries (municipality_id, actor_type, actor_id, action, target_type, target_id, location_id, at, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)';

/**
 * The audit log on PostgreSQL: one INSERT inside the caller's transaction (db/sqlite/audit-store.ts the same), which
 * nobody reads back there — so it goes with the transaction's next statement or COMMIT (db/pg/batching.ts), not as a
 * round trip of its own. On the pool (no transaction) it runs at once.
 */
export function pgAuditStore(db: PgDb): AuditStore {
  return {
    record: async (actor, municipalityId, at, input) => {
      const e = auditEntryOf(actor, municipalityId, at, input);
      const values = [
        e.municipalityId,
        e.actorType,
        e.actorId,
        e.action,
        e.targetType,
        e.targetId,
        e.locationId,
        e.at,
        e.details === null ? null : JSON.stringify(e.details),
      ];
      await sendTextLater(db, INSERT, values);
    },
  };
}
