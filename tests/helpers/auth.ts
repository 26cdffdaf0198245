import { writeTransaction } from '../../db/client.ts';
import { staffLocations, staffUsers } from '../../db/schema/index.ts';
import { createPairingCode, pairDevice } from '../../server/auth/devices.ts';
import { hashPassword } from '../../server/auth/password.ts';
import type { StaffPrincipal, StaffRole } from '../../server/auth/principal.ts';
import { resolveStaffToken } from '../../server/auth/resolve.ts';
import type { TestContext } from './context.ts';

export const DEMO_PASSWORD = 'demo-password-123';
export const DEMO_DEVICE_TOKEN = 'demo-device-token-0123456789';

/** Signs in over HTTP like a browser would; returns the bearer token. */
export async function signInAs(
  ctx: Pick<TestContext, 'app'>,
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

/** A staff user assigned to some locations (password DEMO_PASSWORD). */
export async function createStaffUser(
  ctx: TestContext,
  input: { username: string; role: StaffRole; locationIds: string[]; municipalityId?: string },
): Promise<number> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return writeTransaction(ctx.db, (tx) => {
    const row = tx
      .insert(staffUsers)
      .values({
        municipalityId: input.municipalityId ?? 'haarlem',
        username: input.username,
        displayName: input.username,
        role: input.role,
        passwordHash,
      })
      .returning({ id: staffUsers.id })
      .get();
    for (const locationId of input.locationIds) tx.insert(staffLocations).values({ userId: row.id, locationId }).run();
    return row.id;
  });
}

/** Pairs a fresh device through the real use-cases (code by demo-admin); returns its token. */
export async function pairTestDevice(ctx: TestContext, locationId: string, kind: 'kiosk' | 'display'): Promise<string> {
  const token = await signInAs(ctx, 'demo-admin');
  const admin = (await resolveStaffToken(ctx.storage.read.auth, token, ctx.clock.now())) as StaffPrincipal;
  const { code } = await createPairingCode(ctx, admin, { locationId, kind, name: `test ${kind}` });
  return (await pairDevice(ctx, { code })).token;
}
