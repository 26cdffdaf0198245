import { beforeAll, describe, expect, it } from 'vitest';
import { corsPolicyFor } from '../../server/http/cors.ts';
import { signInAs } from '../helpers/auth.ts';
import { describeEachEngine, type EngineContext } from '../helpers/context.ts';

const SITE = 'https://www.gemeente.example';
const OTHER = 'https://elsewhere.example';

function preflight(ctx: EngineContext, path: string, origin: string, method: string) {
  return ctx.app.request(`/api/v1${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'content-type' },
  });
}

describeEachEngine('CORS', (under) => {
  describe('CORS', () => {
    let ctx: EngineContext;
    beforeAll(async () => {
      ctx = await under.context({ config: { ALLOWED_ORIGINS: [SITE] as never } });
    });

    it('lets any origin read openapi.json and the public reads, also their errors', async () => {
      for (const path of ['/openapi.json', '/services', '/locations', '/open-data/amsterdam-live', '/municipality']) {
        const res = await ctx.app.request(`/api/v1${path}`, { headers: { origin: OTHER } });
        expect(res.status, path).toBe(200);
        expect(res.headers.get('access-control-allow-origin'), path).toBe('*');
        const pre = await preflight(ctx, path, OTHER, 'GET');
        expect(pre.status).toBe(204);
        expect(pre.headers.get('access-control-allow-origin')).toBe('*');
        expect(pre.headers.get('access-control-allow-methods')).toBe('GET, HEAD');
      }
      const bad = await ctx.app.request('/api/v1/locations/haarlem-zijlsingel/available-days?services=nope', {
        headers: { origin: OTHER },
      });
      expect(bad.status).toBe(400);
      expect(bad.headers.get('access-control-allow-origin')).toBe('*');
    });

    it('answers the booking preflight for ALLOWED_ORIGINS only', async () => {
      const ok = await preflight(ctx, '/appointments', SITE, 'POST');
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe(SITE);
      expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
      expect(ok.headers.get('access-control-allow-headers')).toContain('Authorization');
      expect(ok.headers.get('vary')).toContain('Origin');
      const manage = await preflight(ctx, '/appointments/ABCD2345EFGH', SITE, 'DELETE');
      expect(manage.headers.get('access-control-allow-origin')).toBe(SITE);

      const refused = await preflight(ctx, '/appointments', OTHER, 'POST');
      expect(refused.status).toBe(204);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      // The request itself is refused too (whatever the browser does).
      const post = await ctx.app.request('/api/v1/appointments', {
        method: 'POST',
        headers: { origin: OTHER, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(post.status).toBe(403);
      expect(post.headers.get('access-control-allow-origin')).toBeNull();
      const fromSite = await ctx.app.request('/api/v1/appointments', {
        method: 'POST',
        headers: { origin: SITE, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(fromSite.status).toBe(400);
      expect(fromSite.headers.get('access-control-allow-origin')).toBe(SITE);
    });

    it('sends no CORS headers for staff, device and admin routes', async () => {
      const token = await signInAs(ctx, 'demo-admin');
      for (const [path, method] of [
        ['/sessions', 'POST'],
        ['/api-clients', 'GET'],
        ['/locations/haarlem-zijlsingel/queue', 'GET'],
        ['/webhooks', 'POST'],
      ] as const) {
        const pre = await preflight(ctx, path, SITE, method);
        expect(pre.headers.get('access-control-allow-origin'), path).toBeNull();
      }
      const res = await ctx.app.request('/api/v1/api-clients', {
        headers: { origin: SITE, authorization: `Bearer ${token}` },
      });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('serves the widget script to any site', async () => {
      const res = await ctx.app.request('/widget/loket-booking.js', { headers: { origin: OTHER } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('javascript');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(await res.text()).toContain("customElements.define('loket-booking'");
    });

    it('classifies routes', () => {
      expect(corsPolicyFor('HEAD', '/services')).toBe('public');
      expect(corsPolicyFor('POST', '/services')).toBeNull();
      expect(corsPolicyFor('POST', '/appointments/X/reschedule')).toBe('booking');
      expect(corsPolicyFor('GET', '/appointments/X/calendar.ics')).toBe('booking');
      expect(corsPolicyFor('GET', '/staff/appointments')).toBeNull();
    });
  });
});
