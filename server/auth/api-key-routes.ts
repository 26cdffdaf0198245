import type { ApiScope } from '../contracts/integrations.ts';
import { AppError } from '../errors.ts';
import type { ApiClientPrincipal } from './principal.ts';

/** Header an API key travels in (`Authorization: Bearer lkt_…` works too). */
export const API_KEY_HEADER = 'x-api-key';

export interface KeyRoute {
  method: string;
  /** OpenAPI-style path under /api/v1, also the audited name of the route (never the concrete path). */
  path: string;
  /** null: any valid key may call it. */
  scope: ApiScope | null;
}

/**
 * The routes an API key may call, and the scope each needs. Anything else is refused with 403, so a new
 * staff route is never reachable with a key by accident. Appointment routes reach only the appointments
 * the client booked itself (server/scheduling/appointment-record.ts).
 */
export const apiKeyRoutes: readonly KeyRoute[] = [
  { method: 'GET', path: '/health', scope: null },
  { method: 'GET', path: '/openapi.json', scope: null },
  { method: 'GET', path: '/api-clients/current', scope: null },
  { method: 'GET', path: '/municipality', scope: null },
  { method: 'GET', path: '/open-data', scope: null },
  { method: 'GET', path: '/open-data/live', scope: null },
  { method: 'GET', path: '/open-data/amsterdam-live', scope: null },
  { method: 'GET', path: '/open-data/wait-times.csv', scope: null },
  { method: 'GET', path: '/tickets/{publicId}', scope: null },
  { method: 'GET', path: '/services', scope: 'availability:read' },
  { method: 'GET', path: '/locations', scope: 'availability:read' },
  { method: 'GET', path: '/locations/{id}/available-days', scope: 'availability:read' },
  { method: 'GET', path: '/locations/{id}/available-times', scope: 'availability:read' },
  { method: 'GET', path: '/locations/{id}/booking-rules', scope: 'availability:read' },
  { method: 'GET', path: '/challenge', scope: 'appointments:write' },
  { method: 'POST', path: '/appointments/{reference}/confirm', scope: 'appointments:write' },
  { method: 'POST', path: '/appointments', scope: 'appointments:write' },
  { method: 'GET', path: '/appointments/{reference}', scope: 'appointments:read' },
  { method: 'GET', path: '/appointments/{reference}/calendar.ics', scope: 'appointments:read' },
  { method: 'DELETE', path: '/appointments/{reference}', scope: 'appointments:write' },
  { method: 'POST', path: '/appointments/{reference}/reschedule', scope: 'appointments:write' },
  { method: 'GET', path: '/locations/{id}/queue', scope: 'queue:read' },
  { method: 'GET', path: '/webhooks', scope: 'webhooks:manage' },
  { method: 'POST', path: '/webhooks', scope: 'webhooks:manage' },
  { method: 'GET', path: '/webhooks/{id}', scope: 'webhooks:manage' },
  { method: 'PATCH', path: '/webhooks/{id}', scope: 'webhooks:manage' },
  { method: 'DELETE', path: '/webhooks/{id}', scope: 'webhooks:manage' },
  { method: 'GET', path: '/webhooks/{id}/deliveries', scope: 'webhooks:manage' },
  { method: 'POST', path: '/webhooks/{id}/deliveries/{deliveryId}/replay', scope: 'webhooks:manage' },
];

const compiled = apiKeyRoutes.map((r) => ({
  ...r,
  pattern: new RegExp(`^${r.path.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
}));

/** The key route a request matches (path relative to /api/v1), if any. HEAD counts as GET. */
export function matchKeyRoute(method: string, path: string): KeyRoute | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  return compiled.find((r) => r.method === m && r.pattern.test(path));
}

export function authorizeKeyRoute(principal: ApiClientPrincipal, route: KeyRoute | undefined): void {
  if (!route) throw new AppError('forbidden', 'API keys may not call this route');
  if (route.scope && !principal.scopes.includes(route.scope))
    throw new AppError('forbidden', `This API key lacks the scope ${route.scope}`);
}
