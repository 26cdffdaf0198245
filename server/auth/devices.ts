import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import type { DeviceRecord } from './auth-store.ts';
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

export function toDeviceDto(row: DeviceRecord): DeviceDto {
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

/**
 * A supervisor creates a one-time code (valid 15 minutes) that a kiosk or display types in once. A new code for the
 * same device (location, kind and name) replaces the one made before at once: a code read out or written down
 * earlier, then made again, no longer pairs anything.
 */
export async function createPairingCode(
  deps: Deps,
  principal: StaffPrincipal,
  input: { locationId: string; kind: 'kiosk' | 'display'; name: string },
): Promise<{ code: string; expiresAt: Date }> {
  assertSupervisorAt(principal, input.locationId);
  const now = deps.clock.now();
  const code = generatePairingCode();
  const expiresAt = new Date(now.getTime() + PAIRING_CODE_MINUTES * 60_000);
  await deps.storage.write(async (tx) => {
    const device = { locationId: input.locationId, kind: input.kind, name: input.name };
    const replaced = await tx.auth.withdrawPairingCodes(device, now);
    const codeId = await tx.auth.insertPairingCode({
      codeHash: hashToken(code),
      locationId: input.locationId,
      kind: input.kind,
      name: input.name,
      createdBy: principal.userId,
      expiresAt,
    });
    await tx.audit.record(principal, principal.municipalityId, now, {
      action: 'device.pairing-code-created',
      targetType: 'pairing-code',
      targetId: codeId,
      locationId: input.locationId,
      details: { kind: input.kind, replaced },
    });
  });
  return { code, expiresAt };
}

/** Redeems a code once: the device gets its own token, bound to the code's location. */
export async function pairDevice(deps: Deps, input: { code: string }): Promise<{ token: string; device: DeviceDto }> {
  const now = deps.clock.now();
  const codeHash = hashToken(normalizePairingCode(input.code));
  return deps.storage.write(async (tx) => {
    const code = await tx.auth.redeemablePairingCode(codeHash, now);
    if (!code) throw new AppError('not-found', 'Unknown, used, replaced or expired pairing code');
    const municipalityId = code.municipalityId;
    if (!municipalityId) throw new AppError('not-found');
    await tx.auth.markPairingCodeUsed(code.id, now);
    const token = generateToken();
    const device = await tx.auth.insertDevice({
      municipalityId,
      locationId: code.locationId,
      kind: code.kind,
      name: code.name,
      tokenHash: hashToken(token),
      pairedAt: now,
    });
    await tx.audit.record(null, municipalityId, now, {
      action: 'device.paired',
      targetType: 'device',
      targetId: device.id,
      locationId: code.locationId,
      details: { kind: code.kind, pairingCodeId: code.id, createdBy: code.createdBy },
    });
    return { token, device: toDeviceDto(device) };
  });
}

export async function listDevices(deps: Deps, principal: StaffPrincipal, locationId: string): Promise<DeviceDto[]> {
  assertSupervisorAt(principal, locationId);
  return (await deps.storage.read.auth.devicesAt(locationId)).map(toDeviceDto);
}

/** Revoking takes effect at once: HTTP requests and hub sockets with the token get nothing more. */
export async function revokeDevice(deps: Deps, principal: StaffPrincipal, deviceId: number): Promise<DeviceDto> {
  const now = deps.clock.now();
  const result = await deps.storage.write(async (tx) => {
    const device = await tx.auth.device(deviceId);
    if (!device || device.municipalityId !== principal.municipalityId) throw new AppError('not-found');
    assertSupervisorAt(principal, device.locationId);
    const updated = await tx.auth.revokeDevice(deviceId, now);
    await tx.audit.record(principal, principal.municipalityId, now, {
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
