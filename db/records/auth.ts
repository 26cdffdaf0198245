import { and, type Column, eq, gt, isNull, or, type SQL } from 'drizzle-orm';
import type { DeviceRecord } from '../../server/auth/auth-store.ts';

/**
 * Auth rows → records (server/auth/auth-store.ts), the same on SQLite and PostgreSQL. The column lists take
 * the engine's tables, so each repository (`db/sqlite/auth-store.ts`, `db/pg/auth-store.ts`) keeps its own
 * queries and both select the same record.
 */

/** A device row without its token hash. */
export function toDevice(row: DeviceRecord & { tokenHash?: string }): DeviceRecord {
  return {
    id: row.id,
    municipalityId: row.municipalityId,
    locationId: row.locationId,
    kind: row.kind,
    name: row.name,
    pairedAt: row.pairedAt,
    revokedAt: row.revokedAt,
  };
}

/** A live session with its user, from `staff_sessions` joined with `staff_users`. */
export function liveSessionColumns<
  S extends { id: unknown; expiresAt: unknown },
  U extends { id: unknown; municipalityId: unknown; role: unknown; displayName: unknown; active: unknown },
>(
  sessions: S,
  users: U,
): {
  sessionId: S['id'];
  expiresAt: S['expiresAt'];
  userId: U['id'];
  municipalityId: U['municipalityId'];
  role: U['role'];
  displayName: U['displayName'];
  active: U['active'];
} {
  return {
    sessionId: sessions.id,
    expiresAt: sessions.expiresAt,
    userId: users.id,
    municipalityId: users.municipalityId,
    role: users.role,
    displayName: users.displayName,
    active: users.active,
  };
}

/** A pairing code with its location's municipality, from `pairing_codes` joined with `locations`. */
export function pairingCodeColumns<
  P extends { id: unknown; locationId: unknown; kind: unknown; name: unknown; createdBy: unknown },
  L extends { municipalityId: unknown },
>(
  codes: P,
  locations: L,
): Pick<P, 'id' | 'locationId' | 'kind' | 'name' | 'createdBy'> & { municipalityId: L['municipalityId'] } {
  return {
    id: codes.id,
    locationId: codes.locationId,
    municipalityId: locations.municipalityId,
    kind: codes.kind,
    name: codes.name,
    createdBy: codes.createdBy,
  };
}

/** A live key (unrevoked, unexpired: `expiresAt` strictly after now) of a live client, by the key's hash. */
export function liveKeyWhere(
  keys: { tokenHash: Column; revokedAt: Column; expiresAt: Column },
  clients: { revokedAt: Column },
  tokenHash: string,
  now: Date,
): SQL | undefined {
  return and(
    eq(keys.tokenHash, tokenHash),
    isNull(keys.revokedAt),
    isNull(clients.revokedAt),
    or(isNull(keys.expiresAt), gt(keys.expiresAt, now)),
  );
}
