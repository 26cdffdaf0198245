import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { dummyPasswordHash, verifyPassword } from './password.ts';
import type { StaffPrincipal } from './principal.ts';
import { resolveStaffToken } from './resolve.ts';
import { generateToken, hashToken } from './tokens.ts';

export const SESSION_HOURS = 12;

export interface SignInResult {
  token: string;
  expiresAt: Date;
  principal: StaffPrincipal;
}

/** Checks the password (timing-safe, same work for unknown users) and opens a session. */
export async function signIn(
  deps: Deps,
  throttle: LoginThrottle,
  input: { username: string; password: string; client: string },
): Promise<SignInResult> {
  const now = deps.clock.now();
  const wait = await throttle.retryAfter(input.username, input.client);
  if (wait > 0) throw new AppError('rate-limited', 'Too many failed sign-ins; try again later', { retryAfter: wait });

  const user = await deps.storage.read.auth.userByUsername(input.username);
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !ok || !user.active) {
    await throttle.recordFailure(input.username, input.client);
    if (user) {
      await deps.storage.write((tx) =>
        tx.audit.record(null, user.municipalityId, now, {
          action: 'session.sign-in-failed',
          targetType: 'staff-user',
          targetId: user.id,
        }),
      );
    }
    throw new AppError('invalid-credentials', 'Unknown username or wrong password');
  }
  await throttle.recordSuccess(input.username, input.client);

  const token = generateToken();
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000);
  await deps.storage.write(async (tx) => {
    const sessionId = await tx.auth.insertSession({
      userId: user.id,
      tokenHash: hashToken(token),
      createdAt: now,
      expiresAt,
    });
    await tx.audit.record(
      {
        kind: 'staff',
        userId: user.id,
        municipalityId: user.municipalityId,
        role: user.role,
        locationIds: [],
        displayName: user.displayName,
        sessionId,
      },
      user.municipalityId,
      now,
      { action: 'session.signed-in', targetType: 'session', targetId: sessionId },
    );
  });
  const principal = await resolveStaffToken(deps.storage.read.auth, token, now);
  if (!principal) throw new AppError('internal');
  return { token, expiresAt, principal };
}

/** Revokes the caller's session; the hub disconnects its sockets (see hub `session:revoked`). */
export async function signOut(deps: Deps, principal: StaffPrincipal): Promise<void> {
  const now = deps.clock.now();
  await deps.storage.write(async (tx) => {
    await tx.auth.revokeSession(principal.sessionId, now);
    await tx.audit.record(principal, principal.municipalityId, now, {
      action: 'session.signed-out',
      targetType: 'session',
      targetId: principal.sessionId,
    });
  });
  deps.events.publish('auth:revoked', { kind: 'staff', id: principal.sessionId });
}
