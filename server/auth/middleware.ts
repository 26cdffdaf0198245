import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { API_KEY_HEADER, authorizeKeyRoute, matchKeyRoute } from './api-key-routes.ts';
import { isApiKey, recordApiKeyUse, resolveApiKey } from './api-keys.ts';
import {
  canAccessLocation,
  type DevicePrincipal,
  type Principal,
  type StaffPrincipal,
  type StaffRole,
} from './principal.ts';
import { resolveToken } from './resolve.ts';

export type { DevicePrincipal, Principal, StaffPrincipal, StaffRole };
export { canAccessLocation };

export const SESSION_COOKIE = 'loket_session';

declare module 'hono' {
  interface ContextVariableMap {
    /** Set by `authenticate`: the staff member or device behind the request, if any. */
    principal?: Principal;
  }
}

/** The bearer token of a request, if any (also used by appointment manage links, so never an error). */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}

/**
 * Sets `c.get('principal')` from `Authorization: Bearer <staff or device token>` or the session
 * cookie. An unknown token leaves no principal: appointment manage tokens use Bearer too.
 * Idempotent, so routers may apply it again.
 */
export function authenticate(deps: Deps): MiddlewareHandler {
  return async (c, next) => {
    if (c.get('principal') === undefined) {
      const now = deps.clock.now();
      const principal =
        (await resolveToken(deps, bearerToken(c.req.header('authorization')), now)) ??
        (await resolveToken(deps, getCookie(c, SESSION_COOKIE), now));
      if (principal) c.set('principal', principal);
    }
    await next();
  };
}

/** Staff only, optionally limited to roles (401 without a principal, 403 with the wrong one). */
export function requireStaff(...roles: StaffRole[]): MiddlewareHandler {
  return async (c, next) => {
    const principal = c.get('principal');
    if (!principal) throw new AppError('unauthorized', 'Sign in first');
    if (principal.kind !== 'staff') throw new AppError('forbidden', 'Staff only');
    if (roles.length > 0 && !roles.includes(principal.role))
      throw new AppError('forbidden', 'Your role may not do this');
    await next();
  };
}

/** A paired device, optionally of one kind. */
export function requireDevice(kind?: 'kiosk' | 'display'): MiddlewareHandler {
  return async (c, next) => {
    const principal = c.get('principal');
    if (!principal) throw new AppError('unauthorized', 'Pair this device first');
    if (principal.kind !== 'device') throw new AppError('forbidden', 'Paired devices only');
    if (kind && principal.deviceKind !== kind) throw new AppError('forbidden', `Only a ${kind} may do this`);
    await next();
  };
}

/** Throws 401/403 unless the principal may act at the location. For route handlers with a location param. */
export function assertLocationAccess(
  principal: Principal | undefined,
  locationId: string,
): asserts principal is Principal {
  if (!principal) throw new AppError('unauthorized', 'Sign in first');
  if (!canAccessLocation(principal, locationId)) throw new AppError('forbidden', 'Not your location');
}

/** A per-key limiter (server/rate-limiter.ts's `RateLimiter`, passed in by the shell). */
export interface KeyLimiter {
  consume(key: string): Promise<{ allowed: boolean; retryAfterMs: number }>;
}

/** The key a request carries, if any: `X-Api-Key`, or a bearer token with the key prefix. */
export function apiKeyOf(header: (name: string) => string | undefined): string | undefined {
  const explicit = header(API_KEY_HEADER)?.trim();
  if (explicit) return explicit;
  const bearer = bearerToken(header('authorization'));
  return isApiKey(bearer) ? bearer : undefined;
}

/**
 * For every /api/v1 request with an API key: refuses an unknown, revoked or expired key (401), a route
 * outside the allow-list or without the scope (403), and more than the client's requests per minute per
 * key (429, from the limiter the shell passes in: server/http/rate-limit.ts); audits every use. Requests
 * without a key pass untouched.
 */
export function apiKeyAccess(deps: Deps, limiterFor: (perMinute: number) => KeyLimiter): MiddlewareHandler {
  return async (c, next) => {
    const key = apiKeyOf((name) => c.req.header(name));
    if (key === undefined) return next();
    const principal = await resolveApiKey(deps, key, deps.clock.now());
    if (!principal) throw new AppError('unauthorized', 'Unknown, revoked or expired API key');
    c.set('principal', principal);
    const path = c.req.path.replace(/^\/api\/v1/, '') || '/';
    const route = matchKeyRoute(c.req.method, path);
    const audited = route ? `${route.method} ${route.path}` : `${c.req.method} (not for API keys)`;
    let status = 500;
    try {
      authorizeKeyRoute(principal, route);
      const decision = await limiterFor(principal.rateLimitPerMinute).consume(`${principal.keyId}`);
      if (!decision.allowed)
        throw new AppError('rate-limited', 'This API key made too many requests; try again later', {
          retryAfter: Math.max(1, Math.ceil(decision.retryAfterMs / 1000)),
        });
      await next();
      status = c.res.status;
    } catch (err) {
      if (err instanceof AppError) status = err.status;
      throw err;
    } finally {
      await recordApiKeyUse(deps, principal, { method: c.req.method, route: audited, status });
    }
  };
}
