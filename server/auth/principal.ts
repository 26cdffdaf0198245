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
};

export type DevicePrincipal = {
  kind: 'device';
  deviceId: number;
  municipalityId: string;
  locationId: string;
  deviceKind: 'kiosk' | 'display';
};

export type Principal = StaffPrincipal | DevicePrincipal;

/** A staff member of the location's municipality assigned there (admins: all), or a device bound to it. */
export function canAccessLocation(principal: Principal | null | undefined, locationId: string): boolean {
  if (!principal) return false;
  if (principal.kind === 'device') return principal.locationId === locationId;
  return principal.locationIds.includes(locationId);
}
