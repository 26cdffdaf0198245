import type { StaffRole } from './principal.ts';

/**
 * The auth domain's data, as the use-cases need it (ARCHITECTURE.md#storage-seam). Plain records, no ORM
 * types: the SQLite implementation is `db/sqlite/auth-store.ts`; a PostgreSQL one implements the same.
 * Tokens and pairing codes only ever arrive here hashed.
 */
export interface StaffUserRecord {
  id: number;
  municipalityId: string;
  displayName: string;
  role: StaffRole;
  passwordHash: string;
  active: boolean;
}

export interface LiveSessionRecord {
  sessionId: number;
  expiresAt: Date;
  userId: number;
  municipalityId: string;
  role: StaffRole;
  displayName: string;
  active: boolean;
}

export interface DeviceRecord {
  id: number;
  municipalityId: string;
  locationId: string;
  kind: 'kiosk' | 'display';
  name: string;
  pairedAt: Date;
  revokedAt: Date | null;
}

export interface PairingCodeRecord {
  id: number;
  locationId: string;
  /** The municipality of the code's location, or null when the location is gone. */
  municipalityId: string | null;
  kind: 'kiosk' | 'display';
  name: string;
  createdBy: number;
}

export interface AuthStore {
  userByUsername(username: string): StaffUserRecord | null;
  /** Locations a staff member may act at: admins every location of their municipality. */
  staffLocationIds(userId: number, municipalityId: string, role: StaffRole): string[];
  /** An unexpired, unrevoked session by token hash (the user may be inactive: the caller decides). */
  liveSession(tokenHash: string, now: Date): LiveSessionRecord | null;
  insertSession(input: { userId: number; tokenHash: string; createdAt: Date; expiresAt: Date }): number;
  revokeSession(sessionId: number, at: Date): void;

  /** Unrevoked devices with this token hash (the demo seed shares one token between kiosk and display). */
  devicesByTokenHash(tokenHash: string): DeviceRecord[];
  device(deviceId: number): DeviceRecord | null;
  devicesAt(locationId: string): DeviceRecord[];
  insertDevice(input: Omit<DeviceRecord, 'id' | 'revokedAt'> & { tokenHash: string }): DeviceRecord;
  /** Sets `revokedAt` unless already set; returns the device as stored. */
  revokeDevice(deviceId: number, at: Date): DeviceRecord;

  insertPairingCode(input: {
    codeHash: string;
    locationId: string;
    kind: 'kiosk' | 'display';
    name: string;
    createdBy: number;
    expiresAt: Date;
  }): number;
  /** An unused, unexpired code by hash. */
  redeemablePairingCode(codeHash: string, now: Date): PairingCodeRecord | null;
  markPairingCodeUsed(codeId: number, at: Date): void;
}
