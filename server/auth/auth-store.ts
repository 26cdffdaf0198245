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
  userByUsername(username: string): Promise<StaffUserRecord | null>;
  /** Locations a staff member may act at: admins every location of their municipality. */
  staffLocationIds(userId: number, municipalityId: string, role: StaffRole): Promise<string[]>;
  /** An unexpired, unrevoked session by token hash (the user may be inactive: the caller decides). */
  liveSession(tokenHash: string, now: Date): Promise<LiveSessionRecord | null>;
  insertSession(input: { userId: number; tokenHash: string; createdAt: Date; expiresAt: Date }): Promise<number>;
  revokeSession(sessionId: number, at: Date): Promise<void>;

  /** Unrevoked devices with this token hash (the demo seed shares one token between kiosk and display). */
  devicesByTokenHash(tokenHash: string): Promise<DeviceRecord[]>;
  device(deviceId: number): Promise<DeviceRecord | null>;
  devicesAt(locationId: string): Promise<DeviceRecord[]>;
  insertDevice(input: Omit<DeviceRecord, 'id' | 'revokedAt'> & { tokenHash: string }): Promise<DeviceRecord>;
  /** Sets `revokedAt` unless already set; returns the device as stored. */
  revokeDevice(deviceId: number, at: Date): Promise<DeviceRecord>;

  insertPairingCode(input: {
    codeHash: string;
    locationId: string;
    kind: 'kiosk' | 'display';
    name: string;
    createdBy: number;
    expiresAt: Date;
  }): Promise<number>;
  /** An unused, unexpired code by hash. */
  redeemablePairingCode(codeHash: string, now: Date): Promise<PairingCodeRecord | null>;
  markPairingCodeUsed(codeId: number, at: Date): Promise<void>;
  /**
   * Ends at `at` every code still redeemable then for the same device to be (location, kind and name): a new code
   * for it replaces them. Returns how many were ended.
   */
  withdrawPairingCodes(
    device: { locationId: string; kind: 'kiosk' | 'display'; name: string },
    at: Date,
  ): Promise<number>;
}
