import { auditEntryOf } from '../../server/auth/audit.ts';
import type { AuditStore } from '../../server/auth/audit-store.ts';
import type { Synchronous } from '../../server/storage.ts';
import type { Db } from '../client.ts';
import { auditEntries } from '../schema/index.ts';

/** The audit log on SQLite: one INSERT inside the caller's transaction, so the entry and the change commit together. */
export function sqliteAuditStore(db: Db): Synchronous<AuditStore> {
  return {
    record: (actor, municipalityId, at, input) => {
      db.insert(auditEntries)
        .values(auditEntryOf(actor, municipalityId, at, input))
        .run();
    },
  };
}
