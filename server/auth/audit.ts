import type { Db } from '../../db/client.ts';
import { auditEntries } from '../../db/schema/index.ts';
import type { Principal } from './principal.ts';

export interface AuditInput {
  action: string;
  targetType?: string;
  targetId?: string | number;
  locationId?: string | null;
  /** Facts about the action (ids, states); never citizen data. */
  details?: Record<string, unknown>;
}

/** The id an audit entry names its actor by (staff user, device or API client; none for the system). */
export function actorIdOf(actor: Principal | null): number | null {
  if (!actor) return null;
  if (actor.kind === 'staff') return actor.userId;
  if (actor.kind === 'device') return actor.deviceId;
  return actor.clientId;
}

/** Appends an audit entry inside the caller's transaction, so the entry and the change commit together. */
export function recordAudit(
  tx: Db,
  actor: Principal | null,
  municipalityId: string,
  at: Date,
  input: AuditInput,
): void {
  tx.insert(auditEntries)
    .values({
      municipalityId,
      actorType: actor ? actor.kind : 'system',
      actorId: actorIdOf(actor),
      action: input.action,
      targetType: input.targetType ?? null,
      targetId: input.targetId === undefined ? null : String(input.targetId),
      locationId: input.locationId ?? null,
      at,
      details: input.details ?? null,
    })
    .run();
}
