import type { Deps } from '../deps.ts';
import { isApiKey, resolveApiKey } from './api-keys.ts';
import type { AuthStore } from './auth-store.ts';
import type { DevicePrincipal, Principal, StaffPrincipal } from './principal.ts';
import { hashToken } from './tokens.ts';

type Resolver = Pick<AuthStore, 'liveSession' | 'staffLocationIds' | 'devicesByTokenHash'>;

/** A live (unexpired, unrevoked) session of an active user, or null. */
export async function resolveStaffToken(store: Resolver, token: string, now: Date): Promise<StaffPrincipal | null> {
  const row = await store.liveSession(hashToken(token), now);
  if (!row?.active) return null;
  return {
    kind: 'staff',
    userId: row.userId,
    municipalityId: row.municipalityId,
    role: row.role,
    displayName: row.displayName,
    locationIds: await store.staffLocationIds(row.userId, row.municipalityId, row.role),
    sessionId: row.sessionId,
    expiresAt: row.expiresAt,
  };
}

/**
 * A paired, unrevoked device. Only the demo seed shares one token between a location's kiosk and
 * display; then the kiosk wins, since a kiosk may do everything a display may (read its location).
 */
export async function resolveDeviceToken(store: Resolver, token: string): Promise<DevicePrincipal | null> {
  const rows = await store.devicesByTokenHash(hashToken(token));
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
export async function resolveToken(
  deps: Pick<Deps, 'storage'>,
  token: string | undefined | null,
  now: Date,
): Promise<Principal | null> {
  if (!token || token.length < 16 || token.length > 200) return null;
  if (isApiKey(token)) return resolveApiKey(deps, token, now);
  const store = deps.storage.read.auth;
  return (await resolveStaffToken(store, token, now)) ?? (await resolveDeviceToken(store, token));
}
