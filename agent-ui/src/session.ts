import type { CurrentSessionResponse, SessionResponse, SignInRequest, StaffUser } from '../../server/contracts/auth.ts';
import { api } from '../../shared-web/api.ts';

export type { StaffUser };

// The hub needs the bearer token; the API also accepts the HttpOnly cookie. Kept per tab only.
const TOKEN_KEY = 'loket.agent.token';

export function storedToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export async function signIn(username: string, password: string): Promise<SessionResponse> {
  const body: SignInRequest = { username, password };
  const result = await api.post<SessionResponse>('/sessions', body);
  try {
    sessionStorage.setItem(TOKEN_KEY, result.token);
  } catch {
    // no storage: the session lasts for this page view
  }
  return result;
}

export async function currentUser(token: string | null): Promise<StaffUser | null> {
  try {
    const body = await api.get<CurrentSessionResponse>('/sessions/current', { token });
    return body.user;
  } catch {
    return null;
  }
}

export async function signOut(token: string | null): Promise<void> {
  try {
    await api.del('/sessions', { token });
  } finally {
    try {
      sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      // nothing stored
    }
  }
}

export const isSupervisor = (user: StaffUser | null) => user?.role === 'supervisor' || user?.role === 'admin';
