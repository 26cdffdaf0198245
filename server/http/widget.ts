import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Hono, MiddlewareHandler } from 'hono';

const widgetFile = fileURLToPath(new URL('../../widget/loket-booking.js', import.meta.url));

/**
 * The embeddable booking widget (`widget/loket-booking.js`, a web component) for the municipality's own
 * site: loadable from any origin (CORS and Cross-Origin-Resource-Policy allow it), cached for an hour.
 */
export function mountWidget(app: Hono): void {
  let body: string | null = null;
  app.get('/widget/loket-booking.js', (c) => {
    body ??= readFileSync(widgetFile, 'utf8');
    return c.body(body, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=3600',
      'access-control-allow-origin': '*',
    });
  });
}

/**
 * Registered before secureHeaders (so it runs after it on the way out): the widget may be loaded by
 * other sites, which the default `Cross-Origin-Resource-Policy: same-origin` would forbid.
 */
export function widgetCrossOrigin(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.res.headers.set('cross-origin-resource-policy', 'cross-origin');
  };
}
