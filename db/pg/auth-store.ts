import { and, asc, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm';
import type { AuthStore } from '../../server/auth/auth-store.ts';
import { liveSessionColumns, pairingCodeColumns, toDevice } from '../records/auth.ts';
import type { PgDb } from './client.ts';
import { devices, locations, pairingCodes, staffLocations, staffSessions, staffUsers } from './schema/index.ts';

/**
 * The auth repository on PostgreSQL (the contract is server/auth/auth-store.ts; db/sqlite/auth-store.ts is
 * its twin). Each method is one statement, so one round trip; token resolution (every request and socket
 * connect) is a single indexed join.
 */
export function pgAuthStore(db: PgDb): AuthStore {
  return {
    userByUsername: async (username) => {
      const [row] = await db.select().from(staffUsers).where(eq(staffUsers.username, username)).limit(1);
      return row ?? null;
    },
    // The user's own offices in assignment order (the first is their home office); admins then reach the
    // rest of their municipality, alphabetically. One statement.
    staffLocationIds: async (userId, municipalityId, role) => {
      const rows = await db
        .select({ id: locations.id })
        .from(locations)
        .leftJoin(staffLocations, and(eq(staffLocations.locationId, locations.id), eq(staffLocations.userId, userId)))
        .where(
          and(
            eq(locations.municipalityId, municipalityId),
            role === 'admin' ? undefined : isNotNull(staffLocations.userId),
          ),
        )
        .orderBy(sql`${staffLocations.assignedOrder} asc nulls last`, asc(locations.id));
      return rows.map((r) => r.id);
    },
    liveSession: async (tokenHash, now) => {
      const [row] = await db
        .select(liveSessionColumns(staffSessions, staffUsers))
        .from(staffSessions)
        .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.userId))
        .where(
          and(
            eq(staffSessions.tokenHash, tokenHash),
            isNull(staffSessions.revokedAt),
            gt(staffSessions.expiresAt, now),
          ),
        )
        .limit(1);
      return row ?? null;
    },
    insertSession: async (input) => {
      const [row] = await db.insert(staffSessions).values(input).returning({ id: staffSessions.id });
      if (!row) throw new Error('insertSession: no row returned');
      return row.id;
    },
    revokeSession: async (sessionId, at) => {
      await db.update(staffSessions).set({ revokedAt: at }).where(eq(staffSessions.id, sessionId));
    },

    devicesByTokenHash: async (tokenHash) =>
      (
        await db
          .select()
          .from(devices)
          .where(and(eq(devices.tokenHash, tokenHash), isNull(devices.revokedAt)))
          .orderBy(asc(devices.id))
      ).map(toDevice),
    device: async (deviceId) => {
      const [row] = await db.select().from(devices).where(eq(devices.id, deviceId)).limit(1);
      return row ? toDevice(row) : null;
    },
    devicesAt: async (locationId) =>
      (await db.select().from(devices).where(eq(devices.locationId, locationId)).orderBy(asc(devices.id))).map(
        toDevice,
      ),
    insertDevice: async (input) => {
      const [row] = await db.insert(devices).values(input).returning();
      if (!row) throw new Error('insertDevice: no row returned');
      return toDevice(row);
    },
    // One statement: the first revocation's instant is kept (coalesce), concurrent revocations agree on it.
    revokeDevice: async (deviceId, at) => {
      const [row] = await db
        .update(devices)
        .set({ revokedAt: sql`coalesce(${devices.revokedAt}, ${at.toISOString()}::timestamptz)` })
        .where(eq(devices.id, deviceId))
        .returning();
      if (!row) throw new Error(`revokeDevice: no device ${deviceId}`);
      return toDevice(row);
    },

    insertPairingCode: async (input) => {
      const [row] = await db.insert(pairingCodes).values(input).returning({ id: pairingCodes.id });
      if (!row) throw new Error('insertPairingCode: no row returned');
      return row.id;
    },
    redeemablePairingCode: async (codeHash, now) => {
      const [row] = await db
        .select(pairingCodeColumns(pairingCodes, locations))
        .from(pairingCodes)
        .leftJoin(locations, eq(locations.id, pairingCodes.locationId))
        .where(and(eq(pairingCodes.codeHash, codeHash), isNull(pairingCodes.usedAt), gt(pairingCodes.expiresAt, now)))
        .limit(1);
      return row ?? null;
    },
    markPairingCodeUsed: async (codeId, at) => {
      await db.update(pairingCodes).set({ usedAt: at }).where(eq(pairingCodes.id, codeId));
    },
    withdrawPairingCodes: async (device, at) => {
      const rows = await db
        .update(pairingCodes)
        .set({ expiresAt: at })
        .where(
          and(
            eq(pairingCodes.locationId, device.locationId),
            eq(pairingCodes.kind, device.kind),
            eq(pairingCodes.name, device.name),
            isNull(pairingCodes.usedAt),
            gt(pairingCodes.expiresAt, at),
          ),
        )
        .returning({ id: pairingCodes.id });
      return rows.length;
    },
  };
}
