import { and, eq, gt, isNull } from 'drizzle-orm';
import { writeTransaction } from '../../db/client.ts';
import { devices, locations, pairingCodes } from '../../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { recordAudit } from './audit.ts';
import { canAccessLocation, type StaffPrincipal } from './principal.ts';
import { generatePairingCode, generateToken, hashToken, normalizePairingCode } from './tokens.ts';

export const PAIRING_CODE_MINUTES = 15;

export interface DeviceDto {
  id: number;
  locationId: string;
  kind: 'kiosk' | 'display';
  name: string;
  pairedAt: string;
  revokedAt: string | null;
}

type DeviceRow = typeof devices.$inferSelect;
export function toDeviceDto(row: DeviceRow): DeviceDto {
  return {
    id: row.id,
    locationId: row.locationId,
    kind: row.kind,
    name: row.name,
    pairedAt: row.pairedAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

function assertSupervisorAt(principal: StaffPrincipal, locationId: string): void {
  if (principal.role === 'agent') throw new AppError('forbidden', 'Supervisors pair and revoke devices');
  if (!canAccessLocation(principal, locationId)) throw new AppError('forbidden', 'Not your location');
}

/** A supervisor creates a one-time code (valid 15 minutes) that a kiosk or display types in once. */
export function createPairingCode(
  deps: Deps,
  principal: StaffPrincipal,
  input: { locationId: string; kind: 'kiosk' | 'display'; name: string },
): { code: string; expiresAt: Date } {
  assertSupervisorAt(principal, input.locationId);
  const now = deps.clock.now();
  const code = generatePairingCode();
  const expiresAt = new Date(now.getTime() + PAIRING_CODE_MINUTES * 60_000);
  writeTransaction(deps.db, (tx) => {
    const row = tx
      .insert(pairingCodes)
      .values({
        codeHash: hashToken(code),
        locationId: input.locationId,
        kind: input.kind,
        name: input.name,
        createdBy: principal.userId,
        expiresAt,
      })
      .returning({ id: pairingCodes.id })
      .get();
    recordAudit(tx, principal, principal.municipalityId, now, {
      action: 'device.pairing-code-created',
      targetType: 'pairing-code',
      targetId: row.id,
      locationId: input.locationId,
      details: { kind: input.kind },
    });
  });
  return { code, expiresAt };
}

/** Redeems a code once: the device gets its own token, bound to the code's location. */
export function pairDevice(deps: Deps, input: { code: string }): { token: string; device: DeviceDto } {
  const now = deps.clock.now();
  const codeHash = hashToken(normalizePairingCode(input.code));
  return writeTransaction(deps.db, (tx) => {
    const code = tx
      .select()
      .from(pairingCodes)
      .where(and(eq(pairingCodes.codeHash, codeHash), isNull(pairingCodes.usedAt), gt(pairingCodes.expiresAt, now)))
      .get();
    if (!code) throw new AppError('not-found', 'Unknown, used or expired pairing code');
    const location = tx.select().from(locations).where(eq(locations.id, code.locationId)).get();
    if (!location) throw new AppError('not-found');
    tx.update(pairingCodes).set({ usedAt: now }).where(eq(pairingCodes.id, code.id)).run();
    const token = generateToken();
    const device = tx
      .insert(devices)
      .values({
        municipalityId: location.municipalityId,
        locationId: code.locationId,
        kind: code.kind,
        name: code.name,
        tokenHash: hashToken(token),
        pairedAt: now,
      })
      .returning()
      .get();
    recordAudit(tx, null, location.municipalityId, now, {
      action: 'device.paired',
      targetType: 'device',
      targetId: device.id,
      locationId: code.locationId,
      details: { kind: code.kind, pairingCodeId: code.id, createdBy: code.createdBy },
    });
    return { token, device: toDeviceDto(device) };
  });
}

export function listDevices(deps: Deps, principal: StaffPrincipal, locationId: string): DeviceDto[] {
  assertSupervisorAt(principal, locationId);
  return deps.db.select().from(devices).where(eq(devices.locationId, locationId)).all().map(toDeviceDto);
}

/** Revoking takes effect at once: HTTP requests and hub sockets with the token get nothing more. */
export function revokeDevice(deps: Deps, principal: StaffPrincipal, deviceId: number): DeviceDto {
  const now = deps.clock.now();
  const result = writeTransaction(deps.db, (tx) => {
    const device = tx.select().from(devices).where(eq(devices.id, deviceId)).get();
    if (!device || device.municipalityId !== principal.municipalityId) throw new AppError('not-found');
    assertSupervisorAt(principal, device.locationId);
    const updated = tx
      .update(devices)
      .set({ revokedAt: device.revokedAt ?? now })
      .where(eq(devices.id, deviceId))
      .returning()
      .get();
    recordAudit(tx, principal, principal.municipalityId, now, {
      action: 'device.revoked',
      targetType: 'device',
      targetId: deviceId,
      locationId: device.locationId,
    });
    return toDeviceDto(updated);
  });
  deps.events.publish('auth:revoked', { kind: 'device', id: deviceId });
  return result;
}
