import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountStatic } from '../../server/http/static.ts';
import { createTestContext } from '../helpers/context.ts';

describe('static front-ends', () => {
  let dir: string;
  let app: Hono;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'loket-static-'));
    for (const fe of ['booking', 'kiosk', 'display', 'agent-ui']) {
      mkdirSync(join(dir, fe, 'assets'), { recursive: true });
      writeFileSync(join(dir, fe, 'index.html'), `<!doctype html><title>${fe}</title>`);
      writeFileSync(join(dir, fe, 'assets', 'app-abc.js'), `console.log(${JSON.stringify(fe)});`.repeat(100));
    }
    writeFileSync(join(dir, 'secret.txt'), 'outside');
    app = new Hono();
    mountStatic(app, { distDir: dir });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves each app under its prefix with an SPA fallback', async () => {
    for (const [path, fe] of [
      ['/', 'booking'],
      ['/manage/ABC123', 'booking'],
      ['/t/xyz', 'booking'],
      ['/kiosk/', 'kiosk'],
      ['/display/', 'display'],
      ['/agent/queue', 'agent-ui'],
    ] as const) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toContain(`<title>${fe}</title>`);
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
    expect((await app.request('/kiosk')).status).toBe(301);
  });

  it('keeps the query on the redirect to the trailing slash: /display?lang=en is the English display', async () => {
    const res = await app.request('/display?lang=en');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/display/?lang=en');
    expect((await app.request('/kiosk')).headers.get('location')).toBe('/kiosk/');
  });

  it('serves hashed assets immutable and gzipped when asked', async () => {
    const res = await app.request('/kiosk/assets/app-abc.js', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('cache-control')).toContain('immutable');
  });

  it('answers 404 for missing assets and never leaves the dist folder', async () => {
    expect((await app.request('/assets/missing.js')).status).toBe(404);
    expect((await app.request('/%2e%2e/secret.txt')).status).toBe(404);
    expect((await app.request('/kiosk/..%2f..%2fsecret.txt')).status).toBe(404);
  });

  it('keeps unknown /api paths problem+json 404s in the real app', async () => {
    const ctx = createTestContext();
    const res = await ctx.app.request('/api/v1/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(((await res.json()) as { code: string }).code).toBe('not-found');
  });
});
