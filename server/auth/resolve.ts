import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { devices, locations, staffLocations, staffSessions, staffUsers } from '../../db/schema/index.ts';
import { isApiKey, resolveApiKey } from './api-keys.ts';
import type { DevicePrincipal, Principal, StaffPrincipal } from './principal.ts';
import { hashToken } from './tokens.ts';

/** Locations a staff member may act at: admins every location of their municipality. */
export function staffLocationIds(db: Db, userId: number, municipalityId: string, role: string): string[] {
  if (role === 'admin') {
    return db
      .select({ id: locations.id })
      .from(locations)
      .where(eq(locations.municipalityId, municipalityId))
      .all()
      .map((l) => l.id);
  }
  return db
    .select({ id: staffLocations.locationId })
    .from(staffLocations)
    .innerJoin(locations, eq(locations.id, staffLocations.locationId))
    .where(and(eq(staffLocations.userId, userId), eq(locations.municipalityId, municipalityId)))
    .all()
    .map((l) => l.id);
}

/** A live (unexpired, unrevoked) session of an active user, or null. */
export function resolveStaffToken(db: Db, token: string, now: Date): StaffPrincipal | null {
  const row = db
    .select({
      sessionId: staffSessions.id,
      expiresAt: staffSessions.expiresAt,
      userId: staffUsers.id,
      municipalityId: staffUsers.municipalityId,
      role: staffUsers.role,
      displayName: staffUsers.displayName,
      active: staffUsers.active,
    })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.userId))
    .where(
      and(
        eq(staffSessions.tokenHash, hashToken(token)),
        isNull(staffSessions.revokedAt),
        gt(staffSessions.expiresAt, now),
      ),
    )
    .get();
  if (!row?.active) return null;
  return {
    kind: 'staff',
    userId: row.userId,
    municipalityId: row.municipalityId,
    role: row.role,
    displayName: row.displayName,
    locationIds: staffLocationIds(db, row.userId, row.municipalityId, row.role),
    sessionId: row.sessionId,
    expiresAt: row.expiresAt,
  };
}

/**
 * A paired, unrevoked device. Only the demo seed shares one token between a location's kiosk and
 * display; then the kiosk wins, since a kiosk may do everything a display may (read its location).
 */
export function resolveDeviceToken(db: Db, token: string): DevicePrincipal | null {
  const rows = db
    .select()
    .from(devices)
    .where(and(eq(devices.tokenHash, hashToken(token)), isNull(devices.revokedAt)))
    .all();
  const row = rows.find((d) => d.kind === 'kiosk') ?? rows[0];
  if (!row) return null;
  return {
    kind: 'device',
    deviceId: row.id,
    municipalityId: row.municipalityId,
    locationId: row.locationId,
    deviceKind: row.kind,
  };
}

/** An API key (by its `lkt_` prefix), else a staff session, else a device. Unknown tokens give null, never an error. */
export function resolveToken(db: Db, token: string | undefined | null, now: Date): Principal | null {
  if (!token || token.length < 16 || token.length > 200) return null;
  if (isApiKey(token)) return resolveApiKey(db, token, now);
  return resolveStaffToken(db, token, now) ?? resolveDeviceToken(db, token);
}
