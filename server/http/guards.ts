import type { MiddlewareHandler } from 'hono';
import { type Config, trustedOrigins } from '../config.ts';
import { AppError } from '../errors.ts';

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF protection for a JSON API: state-changing requests must carry JSON (a form post cannot
 * set that content type without a preflight) and, when the browser sends an Origin, it must be
 * PUBLIC_URL's or one configured in ALLOWED_ORIGINS (`trustedOrigins`). The Host header is not
 * consulted: an attacker's page can reach us under any Host (DNS rebinding, a shared proxy).
 */
export function requireJsonFromAllowedOrigin(config: Config): MiddlewareHandler {
  const allowed = trustedOrigins(config);
  return async (c, next) => {
    if (!unsafe.has(c.req.method)) return next();
    const origin = c.req.header('origin');
    if (origin && origin !== 'null') {
      if (!allowed.has(origin)) {
        throw new AppError('invalid-origin', `Origin ${origin} may not change data here`);
      }
    } else if (origin === 'null') {
      throw new AppError('invalid-origin', 'Opaque origins may not change data here');
    }
    // Browsers send a content type with every form post (urlencoded, multipart, text/plain), so any
    // declared type other than JSON is refused; a request without one carries no form to forge.
    const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== undefined && type !== '' && type !== 'application/json') {
      throw new AppError('unsupported-media-type', 'Send application/json');
    }
    return next();
  };
}
