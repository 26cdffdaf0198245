import { actorIdOf } from '../../server/auth/audit.ts';
import type { AuditStore } from '../../server/auth/audit-store.ts';
import type { PgDb } from './client.ts';
import { auditEntries } from './schema/index.ts';

/** The audit log on PostgreSQL: one INSERT inside the caller's transaction (db/sqlite: recordAudit). */
export function pgAuditStore(db: PgDb): AuditStore {
  return {
    record: async (actor, municipalityId, at, input) => {
      await db.insert(auditEntries).values({
        municipalityId,
        actorType: actor ? actor.kind : 'system',
        actorId: actorIdOf(actor),
        action: input.action,
        targetType: input.targetType ?? null,
        targetId: input.targetId === undefined ? null : String(input.targetId),
        locationId: input.locationId ?? null,
        at,
        details: input.details ?? null,
      });
    },
  };
}
