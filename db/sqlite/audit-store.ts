import type { Statement } from 'better-sqlite3';
import { auditEntryOf } from '../../server/auth/audit.ts';
import type { AuditStore } from '../../server/auth/audit-store.ts';
import type { Synchronous } from '../../server/storage.ts';
import type { Db } from '../client.ts';

/**
 * The audit log on SQLite: one INSERT inside the caller's transaction, so the entry and the change commit together.
 * Every staff action writes one (a call-next, a start), so the INSERT is plain SQL prepared once per connection, as
 * the queue's hot statements (db/sqlite/queue-store.ts): drizzle built and prepared it anew on every call, which cost
 * more CPU than the rest of a "start". Columns as db/schema/staff.ts stores them (`at` in epoch ms, `details` JSON).
 */
export function sqliteAuditStore(db: Db): Synchronous<AuditStore> {
  // Prepared on first use, not here: a process may build its storage before the migrations have run.
  let insert: Statement<unknown[]> | undefined;
  return {
    record: (actor, municipalityId, at, input) => {
      insert ??= db.$client.prepare<unknown[]>(
        `INSERT INTO audit_entries (municipality_id, actor_type, actor_id, action, target_type, target_id, location_id, at, details)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const e = auditEntryOf(actor, municipalityId, at, input);
      insert.run(
        e.municipalityId,
        e.actorType,
        e.actorId,
        e.action,
        e.targetType,
        e.targetId,
        e.locationId,
        e.at.getTime(),
        e.details === null ? null : JSON.stringify(e.details),
      );
    },
  };
}
