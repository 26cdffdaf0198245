import { z } from 'zod';
import { printableText } from './validators.ts';

/** The HTTP contract of staff sessions and paired devices (kiosks, displays). */

export const StaffRole = z.enum(['agent', 'supervisor', 'admin']);
export const DeviceKind = z.enum(['kiosk', 'display']);

export const StaffUser = z
  .object({
    id: z.number().int(),
    displayName: z.string(),
    role: StaffRole,
    municipalityId: z.string(),
    locationIds: z.array(z.string()),
  })
  .meta({ id: 'StaffUser' });
export type StaffUser = z.infer<typeof StaffUser>;

export const Device = z
  .object({
    id: z.number().int(),
    locationId: z.string(),
    kind: DeviceKind,
    name: z.string(),
    pairedAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'Device' });
export type Device = z.infer<typeof Device>;

export const SignInRequest = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) });
export type SignInRequest = z.infer<typeof SignInRequest>;
export const SessionResponse = z.object({ token: z.string(), expiresAt: z.string(), user: StaffUser });
export type SessionResponse = z.infer<typeof SessionResponse>;
export const CurrentSessionResponse = z.object({ user: StaffUser });
export type CurrentSessionResponse = z.infer<typeof CurrentSessionResponse>;

export const PairingCodeRequest = z.object({ kind: DeviceKind, name: printableText({ max: 80 }) });
export type PairingCodeRequest = z.input<typeof PairingCodeRequest>;
export const PairingCode = z.object({ code: z.string(), expiresAt: z.string() });
export type PairingCode = z.infer<typeof PairingCode>;
export const DevicesResponse = z.object({ devices: z.array(Device) });
export type DevicesResponse = z.infer<typeof DevicesResponse>;

export const PairRequest = z.object({ code: z.string().trim().min(4).max(20) });
export type PairRequest = z.input<typeof PairRequest>;
export const PairResponse = z.object({ token: z.string(), device: Device });
export type PairResponse = z.infer<typeof PairResponse>;

/** GET /devices/current: which location a kiosk or display token belongs to. */
export const CurrentDevice = z.object({ id: z.number().int(), locationId: z.string(), kind: DeviceKind });
export type CurrentDevice = z.infer<typeof CurrentDevice>;
