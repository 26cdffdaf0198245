import { describe, expect, it } from 'vitest';
import { DEMO_DEVICE_TOKEN, signInAs } from '../helpers/auth.ts';
import { describeEachEngine } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';

const ZIJL = 'haarlem-zijlsingel';

describeEachEngine('open-data', (under) => {
  describe('open data', () => {
    it("serves Amsterdam's live-feed shape: a bare array of { id, waiting, waittime } with integer ids", async () => {
      const ctx = await under.context();
      const supervisor = await signInAs(ctx, 'demo-supervisor');
      const queue = await call(ctx, 'GET', `/locations/${ZIJL}/queue`, { token: supervisor });
      await call(ctx, 'POST', `/counters/${queue.body.counters[0].id}/sign-in`, { token: supervisor });
      for (let i = 0; i < 3; i++) {
        const t = await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, {
          token: DEMO_DEVICE_TOKEN,
          body: { services: [{ code: 'passport', persons: 1 }] },
        });
        expect(t.status).toBe(201);
      }
      const res = await ctx.app.request('/api/v1/open-data/amsterdam-live');
      expect(res.status).toBe(200);
      expect(res.headers.get('link')).toContain('<https://creativecommons.org/publicdomain/zero/1.0/>; rel="license"');
      const feed = (await res.json()) as { id: number; waiting: number; waittime: string }[];
      expect(Array.isArray(feed)).toBe(true);
      for (const office of feed) {
        expect(Object.keys(office).sort()).toEqual(['id', 'waiting', 'waittime']);
        expect(Number.isInteger(office.id)).toBe(true);
        expect(office.waittime).toMatch(/^(geen|\d+ minuut|\d+ minuten|meer dan een uur)$/);
      }
      const catalogue = await call(ctx, 'GET', '/open-data');
      const zijlId = catalogue.body.offices.find((o: { locationId: string }) => o.locationId === ZIJL).id;
      const zijl = feed.find((o) => o.id === zijlId);
      expect(zijl?.waiting).toBe(3);
      expect(zijl?.waittime).not.toBe('geen');
      // Ids are stable: the same on the next read.
      const again = (await (await ctx.app.request('/api/v1/open-data/amsterdam-live')).json()) as { id: number }[];
      expect(again.map((o) => o.id)).toEqual(feed.map((o) => o.id));
    });

    it('puts the CC0 licence and metadata on every open-data response', async () => {
      const ctx = await under.context();
      for (const path of [
        '/open-data',
        '/open-data/live',
        '/open-data/amsterdam-live',
        '/open-data/wait-times.csv?from=2026-11-16&to=2026-11-20',
      ]) {
        const res = await ctx.app.request(`/api/v1${path}`);
        expect(res.status, path).toBe(200);
        expect(res.headers.get('link'), path).toMatch(
          /creativecommons\.org\/publicdomain\/zero\/1\.0\/>; rel="license".*rel="describedby"/,
        );
        expect(res.headers.get('x-licence'), path).toBe('CC0-1.0');
      }
      const live = await call(ctx, 'GET', '/open-data/live');
      expect(live.body.licence.id).toBe('CC0-1.0');
      const catalogue = await call(ctx, 'GET', '/open-data');
      expect(catalogue.body.licence.url).toBe('https://creativecommons.org/publicdomain/zero/1.0/');
      expect(catalogue.body.publishers.map((p: { name: string }) => p.name)).toContain('Gemeente Haarlem');
      const paths = catalogue.body.datasets.map((d: { path: string }) => d.path.split('?')[0]);
      for (const p of [
        '/api/v1/open-data/live',
        '/api/v1/open-data/amsterdam-live',
        '/api/v1/open-data/wait-times.csv',
      ])
        expect(paths).toContain(p);
    });

    it('answers impossible dates in wait-times.csv with 400', async () => {
      const ctx = await under.context();
      for (const q of [
        'from=2026-02-30&to=2026-03-02',
        'from=2026-02-01&to=2026-02-31',
        'from=2026-13-01&to=2026-13-02',
        'from=2025-02-29&to=2025-03-01',
      ]) {
        const res = await call(ctx, 'GET', `/open-data/wait-times.csv?${q}`);
        expect(res.status, q).toBe(400);
        expect(res.body.code).toBe('validation-failed');
      }
      const leap = await ctx.app.request('/api/v1/open-data/wait-times.csv?from=2028-02-29&to=2028-03-01');
      expect(leap.status).toBe(200);
    });
  });
});
