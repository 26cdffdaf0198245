import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { authRoutes } from './auth/auth.routes.ts';
import { apiKeyAccess, authenticate, type KeyLimiter } from './auth/middleware.ts';
import type { Deps } from './deps.ts';
import { tickerRoutes } from './display/ticker.routes.ts';
import { AppError } from './errors.ts';
import { forecastRoutes } from './forecast/forecast.routes.ts';
import { onError, problemResponse, toProblem, validationHook } from './http/errors.ts';
import { requireJsonFromAllowedOrigin } from './http/guards.ts';
import { healthRoutes } from './http/health.routes.ts';
import { createMemoryRateLimitStore, createRateLimiter } from './http/rate-limit.ts';
import { mountStatic } from './http/static.ts';
import { apiClientRoutes } from './integrations/api-clients.routes.ts';
import { municipalityRoutes } from './integrations/municipality.routes.ts';
import { webhookRoutes } from './integrations/webhooks.routes.ts';
import { outboxRoutes } from './notify/outbox.routes.ts';
import { openDataRoutes } from './open-data/open-data.routes.ts';
import { queueRoutes } from './queue/queue.routes.ts';
import { provideWalkInHours } from './queue/queue-state.ts';
import { adminRoutes } from './scheduling/admin.routes.ts';
import { fairnessRoutes } from './scheduling/fairness/fairness.routes.ts';
import { walkInHoursOf } from './scheduling/office.ts';
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
  outboxRoutes,
  forecastRoutes,
  statsRoutes,
  openDataRoutes,
  tickerRoutes,
  apiClientRoutes,
  webhookRoutes,
  municipalityRoutes,
];

export function createApp(deps: Deps): OpenAPIHono {
  // The queue tells screens when walk-in hours start; opening hours live in scheduling, above the queue.
  provideWalkInHours(walkInHoursOf);
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        frameAncestors: ["'none'"],
      },
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use('/api/*', requireJsonFromAllowedOrigin(deps.config));
  // Every API route sees `c.get('principal')` (staff session or device), or none for residents.
  app.use('/api/*', authenticate(deps));
  // API keys: refused when unknown or revoked, scope-checked, limited per key and audited.
  // Per API key: one token bucket of the client's limit per minute (server/rate-limiter.ts), in one store.
  const keyLimitStore = createMemoryRateLimitStore({ clock: deps.monotonic });
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
    bodyLimit({
      maxSize: 64 * 1024,
      onError: () => {
        throw new AppError('payload-too-large');
      },
    }),
  );

  const api = new OpenAPIHono({ defaultHook: validationHook });
  for (const factory of apiRouters) api.route('/', factory(deps));
  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Loket API',
      version: '1.0.0',
      description:
        'Appointments and queues for Dutch city offices. Errors are application/problem+json (RFC 9457) with a `code` member.',
    },
    servers: [{ url: '/api/v1' }],
  });
  app.route('/api/v1', api);
  // The four front-ends, after the API so unknown /api paths stay problem+json 404s.
  mountStatic(app);

  app.notFound((c) => problemResponse(toProblem('not-found', `No route for ${c.req.method} ${c.req.path}`)));
  app.onError(onError(deps.log));
  return app;
}
