import type { ApiScope } from '../contracts/integrations.ts';

/** Who is calling: a signed-in staff member or a paired device. Residents have no principal. */
export type StaffRole = 'agent' | 'supervisor' | 'admin';

export type StaffPrincipal = {
  kind: 'staff';
  userId: number;
  municipalityId: string;
  role: StaffRole;
  /** Locations the user works at; for admins every location of their municipality. */
  locationIds: string[];
  displayName: string;
  /** The session row, for sign-out. */
  sessionId: number;
  /** When the session expires (the hub disconnects its sockets then). */
  expiresAt?: Date;
};

export type DevicePrincipal = {
  kind: 'device';
  deviceId: number;
  municipalityId: string;
  locationId: string;
  deviceKind: 'kiosk' | 'display';
};

/** A municipality's system calling with an API key (`X-Api-Key`): only what its scopes allow. */
export type ApiClientPrincipal = {
  kind: 'api-client';
  clientId: number;
  keyId: number;
  municipalityId: string;
  name: string;
  scopes: ApiScope[];
  rateLimitPerMinute: number;
  sendsOwnMail: boolean;
};

export type Principal = StaffPrincipal | DevicePrincipal | ApiClientPrincipal;

/**
 * A staff member of the location's municipality assigned there (admins: all), or a device bound to it.
 * API clients act at no location: what they may read is decided by their scopes (see `canReadQueue`).
 */
export function canAccessLocation(principal: Principal | null | undefined, locationId: string): boolean {
  if (!principal) return false;
  if (principal.kind === 'device') return principal.locationId === locationId;
  if (principal.kind === 'api-client') return false;
  return principal.locationIds.includes(locationId);
}

/**
 * Who may watch a location's queue (numbers, counters, waits; no personal data): its staff and devices,
 * and API clients of the municipality with `queue:read`. `locationMunicipalityId` is the location's owner.
 */
export function canReadQueue(
  principal: Principal | null | undefined,
  locationId: string,
  locationMunicipalityId: string | undefined,
): boolean {
  if (principal?.kind === 'api-client')
    return principal.scopes.includes('queue:read') && principal.municipalityId === locationMunicipalityId;
  return canAccessLocation(principal, locationId);
}
