import { createPairingCode, pairDevice } from '../../server/auth/devices.ts';
import { hashPassword } from '../../server/auth/password.ts';
import type { StaffPrincipal, StaffRole } from '../../server/auth/principal.ts';
import { resolveStaffToken } from '../../server/auth/resolve.ts';
import type { EngineContext } from './context.ts';

export const DEMO_PASSWORD = 'demo-password-123';
export const DEMO_DEVICE_TOKEN = 'demo-device-token-0123456789';

/** Signs in over HTTP like a browser would; returns the bearer token. */
export async function signInAs(
  ctx: Pick<EngineContext, 'app'>,
  username: string,
  password = DEMO_PASSWORD,
): Promise<string> {
  const res = await ctx.app.request('/api/v1/sessions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 201) throw new Error(`sign-in as ${username} failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { token: string };
  return body.token;
}

/** A staff user assigned to some locations (password DEMO_PASSWORD), on either engine. */
export async function createStaffUser(
  ctx: Pick<EngineContext, 'sql'>,
  input: { username: string; role: StaffRole; locationIds: string[]; municipalityId?: string },
): Promise<number> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const [row] = await ctx.sql.rows<{ id: number }>(
    `INSERT INTO staff_users (municipality_id, username, display_name, role, password_hash)
     VALUES (?, ?, ?, ?, ?) RETURNING id`,
    [input.municipalityId ?? 'haarlem', input.username, input.username, input.role, passwordHash],
  );
  if (!row) throw new Error('insert returned no row');
  const id = Number(row.id);
  for (const locationId of input.locationIds) {
    await ctx.sql.exec('INSERT INTO staff_locations (user_id, location_id) VALUES (?, ?)', [id, locationId]);
  }
  return id;
}

/** Pairs a fresh device through the real use-cases (code by demo-admin); returns its token. */
export async function pairTestDevice(
  ctx: EngineContext,
  locationId: string,
  kind: 'kiosk' | 'display',
): Promise<string> {
  const token = await signInAs(ctx, 'demo-admin');
  const admin = (await resolveStaffToken(ctx.storage.read.auth, token, ctx.clock.now())) as StaffPrincipal;
  const { code } = await createPairingCode(ctx, admin, { locationId, kind, name: `test ${kind}` });
  return (await pairDevice(ctx, { code })).token;
}
