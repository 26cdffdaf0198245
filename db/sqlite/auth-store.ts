import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { AuthStore } from '../../server/auth/auth-store.ts';
import type { Synchronous } from '../../server/storage.ts';
import type { Db } from '../client.ts';
import { liveSessionColumns, pairingCodeColumns, toDevice } from '../records/auth.ts';
import { devices, locations, pairingCodes, staffLocations, staffSessions, staffUsers } from '../schema/index.ts';

/**
 * The auth repository on SQLite. Token resolution runs on every HTTP request and socket connect, so its
 * two reads are prepared once per connection.
 */
function liveSessionQuery(db: Db) {
  return db
    .select(liveSessionColumns(staffSessions, staffUsers))
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.userId))
    .where(
      and(
        eq(staffSessions.tokenHash, sql.placeholder('tokenHash')),
        isNull(staffSessions.revokedAt),
        gt(staffSessions.expiresAt, sql.placeholder('now')),
      ),
    )
    .prepare();
}

function devicesByTokenQuery(db: Db) {
  return db
    .select()
    .from(devices)
    .where(and(eq(devices.tokenHash, sql.placeholder('tokenHash')), isNull(devices.revokedAt)))
    .prepare();
}

export function sqliteAuthStore(db: Db): Synchronous<AuthStore> {
  // Prepared on first use, not here: a process may build its storage before the migrations have run.
  let prepared: {
    liveSession: ReturnType<typeof liveSessionQuery>;
    devicesByToken: ReturnType<typeof devicesByTokenQuery>;
  };
  const statements = () => {
    prepared ??= { liveSession: liveSessionQuery(db), devicesByToken: devicesByTokenQuery(db) };
    return prepared;
  };

  return {
    userByUsername: (username) => db.select().from(staffUsers).where(eq(staffUsers.username, username)).get() ?? null,
    // The user's own offices first, in the order they were assigned (the first is their home office, where
    // the agent app starts); admins then reach the rest of their municipality, alphabetically.
    staffLocationIds: (userId, municipalityId, role) => {
      const assigned = db
        .select({ id: staffLocations.locationId })
        .from(staffLocations)
        .innerJoin(locations, eq(locations.id, staffLocations.locationId))
        .where(and(eq(staffLocations.userId, userId), eq(locations.municipalityId, municipalityId)))
        .orderBy(sql`${staffLocations}.rowid`)
        .all()
        .map((l) => l.id);
      if (role !== 'admin') return assigned;
      const rest = db
        .select({ id: locations.id })
        .from(locations)
        .where(eq(locations.municipalityId, municipalityId))
        .orderBy(locations.id)
        .all()
        .map((l) => l.id)
        .filter((id) => !assigned.includes(id));
      return [...assigned, ...rest];
    },
    // Placeholders reach the driver as given: timestamp_ms columns compare with epoch milliseconds.
    liveSession: (tokenHash, now) => statements().liveSession.get({ tokenHash, now: now.getTime() }) ?? null,
    insertSession: (input) => db.insert(staffSessions).values(input).returning({ id: staffSessions.id }).get().id,
    revokeSession: (sessionId, at) => {
      db.update(staffSessions).set({ revokedAt: at }).where(eq(staffSessions.id, sessionId)).run();
    },

    devicesByTokenHash: (tokenHash) => statements().devicesByToken.all({ tokenHash }).map(toDevice),
    device: (deviceId) => {
      const row = db.select().from(devices).where(eq(devices.id, deviceId)).get();
      return row ? toDevice(row) : null;
    },
    devicesAt: (locationId) => db.select().from(devices).where(eq(devices.locationId, locationId)).all().map(toDevice),
    insertDevice: (input) => toDevice(db.insert(devices).values(input).returning().get()),
    revokeDevice: (deviceId, at) => {
      const row = db
        .update(devices)
        .set({ revokedAt: sql`coalesce(${devices.revokedAt}, ${at.getTime()})` })
        .where(eq(devices.id, deviceId))
        .returning()
        .get();
      if (!row) throw new Error(`revokeDevice: no device ${deviceId}`);
      return toDevice(row);
    },

    insertPairingCode: (input) => db.insert(pairingCodes).values(input).returning({ id: pairingCodes.id }).get().id,
    redeemablePairingCode: (codeHash, now) => {
      const row = db
        .select(pairingCodeColumns(pairingCodes, locations))
        .from(pairingCodes)
        .leftJoin(locations, eq(locations.id, pairingCodes.locationId))
        .where(and(eq(pairingCodes.codeHash, codeHash), isNull(pairingCodes.usedAt), gt(pairingCodes.expiresAt, now)))
        .get();
      return row ?? null;
    },
    markPairingCodeUsed: (codeId, at) => {
      db.update(pairingCodes).set({ usedAt: at }).where(eq(pairingCodes.id, codeId)).run();
    },
    withdrawPairingCodes: (device, at) =>
      db
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
        .run().changes,
  };
}
