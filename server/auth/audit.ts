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

/** One audit entry as both engines store it (`AuditStore.record`: db/sqlite/audit-store.ts, db/pg/audit-store.ts). */
export interface AuditEntryRecord {
  municipalityId: string;
  actorType: Principal['kind'] | 'system';
  actorId: number | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  locationId: string | null;
  at: Date;
  details: Record<string, unknown> | null;
}

/** The entry an action by `actor` (null: the system itself) makes in the audit log. */
export function auditEntryOf(
  actor: Principal | null,
  municipalityId: string,
  at: Date,
  input: AuditInput,
): AuditEntryRecord {
  return {
    municipalityId,
    actorType: actor ? actor.kind : 'system',
    actorId: actorIdOf(actor),
    action: input.action,
    targetType: input.targetType ?? null,
    targetId: input.targetId === undefined ? null : String(input.targetId),
    locationId: input.locationId ?? null,
    at,
    details: input.details ?? null,
  };
}
