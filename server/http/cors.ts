import type { MiddlewareHandler } from 'hono';
import { type Config, trustedOrigins } from '../config.ts';

/**
 * Who may call what from another origin (a browser on the municipality's own site):
 * - `public`: the OpenAPI document and the reads anyone may make (catalogue, availability, open data,
 *   the municipality, a ticket's public status) — from any origin, without credentials;
 * - `booking`: booking and managing an appointment (the manage token travels as a Bearer header, never a
 *   cookie) — only from the origins in PUBLIC_URL/ALLOWED_ORIGINS;
 * - anything else (staff, devices, admin, API clients' management): same origin only, no CORS headers.
 */
export type CorsPolicy = 'public' | 'booking';

const publicReads = [
  '/openapi.json',
  '/health',
  '/services',
  '/locations',
  '/locations/{id}/available-days',
  '/locations/{id}/available-times',
  '/locations/{id}/booking-rules',
  '/challenge',
  '/municipality',
  '/open-data',
  '/open-data/live',
  '/open-data/amsterdam-live',
  '/open-data/wait-times.csv',
  '/tickets/{publicId}',
];
const bookingCalls: { path: string; methods: string[] }[] = [
  { path: '/appointments', methods: ['POST'] },
  { path: '/appointments/{reference}', methods: ['GET', 'DELETE'] },
  { path: '/appointments/{reference}/reschedule', methods: ['POST'] },
  { path: '/appointments/{reference}/confirm', methods: ['POST'] },
  { path: '/appointments/{reference}/calendar.ics', methods: ['GET'] },
];

const pattern = (path: string) => new RegExp(`^${path.replace(/\./g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}/?$`);
const publicPatterns = publicReads.map(pattern);
const bookingPatterns = bookingCalls.map((b) => ({ ...b, re: pattern(b.path) }));

/** The policy for a method on a path under /api/v1 (HEAD counts as GET), or null: same origin only. */
export function corsPolicyFor(method: string, path: string): CorsPolicy | null {
  const m = method === 'HEAD' ? 'GET' : method;
  if (m === 'GET' && publicPatterns.some((re) => re.test(path))) return 'public';
  if (bookingPatterns.some((b) => b.methods.includes(m) && b.re.test(path))) return 'booking';
  return null;
}

const PUBLIC_HEADERS = 'Accept, Accept-Language, Content-Type';
const BOOKING_HEADERS = 'Accept, Accept-Language, Authorization, Content-Type, Idempotency-Key, Altcha';
const EXPOSED = 'API-Version, Link, Retry-After, Location';
const MAX_AGE = '600';

/**
 * CORS for /api/v1 per `corsPolicyFor`. A preflight is answered here (204) with what the actual request
 * may use; a preflight the policy refuses gets 204 without CORS headers, so the browser stops there.
 */
export function cors(config: Config): MiddlewareHandler {
  const allowed = trustedOrigins(config);
  return async (c, next) => {
    const origin = c.req.header('origin');
    const path = c.req.path.replace(/^\/api\/v1/, '') || '/';
    if (c.req.method === 'OPTIONS') {
      const requested = (c.req.header('access-control-request-method') ?? '').toUpperCase();
      const policy = origin && requested ? corsPolicyFor(requested, path) : null;
      if (!origin || !requested) return next();
      const headers = new Headers({ vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers' });
      if (policy === 'public') {
        headers.set('access-control-allow-origin', '*');
        headers.set('access-control-allow-methods', 'GET, HEAD');
        headers.set('access-control-allow-headers', PUBLIC_HEADERS);
        headers.set('access-control-max-age', MAX_AGE);
      } else if (policy === 'booking' && allowed.has(origin)) {
        headers.set('access-control-allow-origin', origin);
        headers.set('access-control-allow-methods', 'GET, POST, DELETE');
        headers.set('access-control-allow-headers', BOOKING_HEADERS);
        headers.set('access-control-max-age', MAX_AGE);
      }
      return new Response(null, { status: 204, headers });
    }
    await next();
    if (!origin) return;
    const policy = corsPolicyFor(c.req.method, path);
    if (policy === 'public') {
      c.res.headers.set('access-control-allow-origin', '*');
      c.res.headers.set('access-control-expose-headers', EXPOSED);
    } else if (policy === 'booking' && allowed.has(origin)) {
      c.res.headers.set('access-control-allow-origin', origin);
      c.res.headers.append('vary', 'Origin');
      c.res.headers.set('access-control-expose-headers', EXPOSED);
    }
  };
}
