import { OpenAPIHono } from '@hono/zod-openapi';
import { secureHeaders } from 'hono/secure-headers';
import { authRoutes } from './auth/auth.routes.ts';
import { apiKeyAccess, authenticate, type KeyLimiter } from './auth/middleware.ts';
import type { Config } from './config.ts';
import type { Deps } from './deps.ts';
import { tickerRoutes } from './display/ticker.routes.ts';
import { forecastRoutes } from './forecast/forecast.routes.ts';
import {
  API_VERSION,
  apiResponseHeaders,
  applyDesignRules,
  methodsByPath,
  notFoundOrMethodNotAllowed,
} from './http/api-design.ts';
import { limitBody } from './http/body-limit.ts';
import { cors } from './http/cors.ts';
import { onError, problemResponse, toProblem, validationHook } from './http/errors.ts';
import { requireJsonFromAllowedOrigin } from './http/guards.ts';
import { healthRoutes } from './http/health.routes.ts';
import { createMemoryRateLimitStore, createRateLimiter } from './http/rate-limit.ts';
import { mountStatic } from './http/static.ts';
import { mountWidget, widgetCrossOrigin } from './http/widget.ts';
import { apiClientRoutes } from './integrations/api-clients.routes.ts';
import { municipalityRoutes } from './integrations/municipality.routes.ts';
import { webhookRoutes } from './integrations/webhooks.routes.ts';
import { outboxRoutes } from './notify/outbox.routes.ts';
import { openDataRoutes } from './open-data/open-data.routes.ts';
import { provideWalkInGate } from './queue/issue-ticket.ts';
import { queueRoutes } from './queue/queue.routes.ts';
import { provideWalkInHours } from './queue/walk-in-hours.ts';
import { adminRoutes } from './scheduling/admin.routes.ts';
import { mailRenderer } from './scheduling/appointment-mails.ts';
import { fairnessRoutes } from './scheduling/fairness/fairness.routes.ts';
import { walkInGateOf, walkInHoursOf } from './scheduling/office-hours.ts';
import { schedulingRoutes } from './scheduling/scheduling.routes.ts';
import { statsRoutes } from './stats/stats.routes.ts';

/** Each domain contributes a router mounted under /api/v1. */
type RouterFactory = (deps: Deps) => OpenAPIHono;

const apiRouters: RouterFactory[] = [
  healthRoutes,
  authRoutes,
  schedulingRoutes,
  fairnessRoutes,
  adminRoutes,
  queueRoutes,
  // The appointment mails are rendered when read or sent; scheduling sits above notify, so it is given here.
  (deps) => outboxRoutes(deps, mailRenderer(deps.storage.read)),
  forecastRoutes,
  statsRoutes,
  openDataRoutes,
  tickerRoutes,
  apiClientRoutes,
  webhookRoutes,
  municipalityRoutes,
];

/**
 * CSP connect-src: our own origin and its WebSocket twin only (the hub), never any host: PUBLIC_URL's,
 * or the loopback origins on PORT for a local install ('self' alone does not cover ws: in every browser).
 * No IPv6 literal: CSP's host-source grammar has none, and Chromium logs `ws://[::1]:…` as an invalid source.
 */
export function connectSources(config: Pick<Config, 'PUBLIC_URL' | 'PORT'>): string[] {
  const origins = config.PUBLIC_URL
    ? [new URL(config.PUBLIC_URL).origin]
    : ['localhost', '127.0.0.1'].map((host) => `http://${host}:${config.PORT}`);
  return ["'self'", ...origins.map((o) => o.replace(/^http/, 'ws'))];
}

export function createApp(deps: Deps): OpenAPIHono {
  // The queue tells screens when walk-in hours start; opening hours live in scheduling, above the queue.
  // Both read the scheduling module's office through the queue's repositories (a transaction's inside one).
  provideWalkInHours(walkInHoursOf);
  // Kiosk tickets only while walk-in is open for their services (the same layering reason).
  provideWalkInGate(walkInGateOf);
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.use('/widget/*', widgetCrossOrigin());
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: connectSources(deps.config),
        // The booking page's proof-of-work widget (ALTCHA) solves in web workers made from blob: URLs of its own bundle.
        workerSrc: ["'self'", 'blob:'],
        frameAncestors: ["'none'"],
      },
      crossOriginEmbedderPolicy: false,
    }),
  );
  // API-Version and Cache-Control: no-store (unless a route set a policy) on every API response.
  app.use('/api/*', apiResponseHeaders());
  // CORS first, so a preflight is answered before anything else looks at the request.
  app.use('/api/*', cors(deps.config));
  app.use('/api/*', requireJsonFromAllowedOrigin(deps.config));
  // Every API route sees `c.get('principal')` (staff session or device), or none for residents.
  app.use('/api/*', authenticate(deps));
  // API keys: refused when unknown or revoked, scope-checked, limited per key and audited.
  // Per API key: one token bucket of the client's limit per minute (server/rate-limiter.ts), in one store
  // (shared by the nodes with REDIS_URL).
  const keyLimitStore = deps.sharedLimits ?? createMemoryRateLimitStore({ clock: deps.monotonic });
  const keyLimiters = new Map<number, KeyLimiter>();
  app.use(
    '/api/*',
    apiKeyAccess(deps, (perMinute) => {
      let limiter = keyLimiters.get(perMinute);
      if (!limiter) {
        limiter = createRateLimiter(
          { name: `api-key-${perMinute}`, limit: perMinute, windowMs: 60_000 },
          { store: keyLimitStore },
        );
        keyLimiters.set(perMinute, limiter);
      }
      return limiter;
    }),
  );
  app.use(
    '/api/*',
    limitBody({
      maxSize: 64 * 1024,
      // The rest of the body is still on its way: close the connection after this answer, or the
      // unread bytes would be taken for the next request on the same keep-alive connection.
      onError: () => problemResponse(toProblem('payload-too-large'), { connection: 'close' }),
    }),
  );

  const api = new OpenAPIHono({ defaultHook: validationHook });
  for (const factory of apiRouters) api.route('/', factory(deps));
  // The served document: generated from the routes once, then the NL API Design Rules applied (api-design.ts).
  let document: ReturnType<typeof api.getOpenAPI31Document> | null = null;
  const openApiDocument = () =>
    (document ??= applyDesignRules(
      api.getOpenAPI31Document({
        openapi: '3.1.0',
        info: {
          title: 'Loket API',
          version: API_VERSION,
          description:
            'Appointments and queues for Dutch city offices. Errors are application/problem+json (RFC 9457) with `type`, `title`, `status`, `detail`, `instance` and a `code` member. Every response carries `API-Version`.',
        },
        servers: [{ url: '/api/v1' }],
        tags: [
          { name: 'catalog', description: 'Services and offices' },
          { name: 'availability', description: 'Free days and times' },
          { name: 'appointments', description: 'Booking and managing appointments' },
          { name: 'open data', description: 'CC0 open data without personal data' },
          { name: 'api-clients', description: 'API keys for other systems of the municipality' },
          { name: 'webhooks', description: 'Signed event notifications (Standard Webhooks)' },
          { name: 'municipality', description: 'Name, logo and house style' },
        ],
      }),
    ));
  api.get('/openapi.json', (c) => c.json(openApiDocument(), 200, { 'cache-control': 'public, max-age=300' }));
  app.route('/api/v1', api);
  // The four front-ends, after the API so unknown /api paths stay problem+json 404s.
  mountWidget(app);
  mountStatic(app);

  let routes: ReturnType<typeof methodsByPath> | null = null;
  app.notFound(notFoundOrMethodNotAllowed(() => (routes ??= methodsByPath(openApiDocument()))));
  app.onError(onError(deps.log));
  return app;
}
