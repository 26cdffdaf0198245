import { describe, expect, it } from 'vitest';
import { createTestContext } from '../helpers/context.ts';

describe('GET /api/v1/health', () => {
  it('answers ok once migrations ran', async () => {
    const { app } = createTestContext();
    const res = await app.request('/api/v1/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers unknown API paths with a not-found problem', async () => {
    const { app } = createTestContext();
    const res = await app.request('/api/v1/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ code: 'not-found', status: 404 });
  });

  it('refuses a cross-origin state change and a non-JSON body', async () => {
    const { app } = createTestContext();
    const cross = await app.request('/api/v1/health', {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(await cross.json()).toMatchObject({ code: 'invalid-origin', status: 403 });
    const form = await app.request('/api/v1/health', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    expect(await form.json()).toMatchObject({ code: 'unsupported-media-type', status: 415 });
  });

  it('serves an OpenAPI 3 document', async () => {
    const { app } = createTestContext();
    const res = await app.request('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/health');
  });
});

describe('state-changing requests without a body', () => {
  it('pass the JSON guard when they declare no content type', async () => {
    const { app } = createTestContext();
    const res = await app.request('/api/v1/nope', { method: 'DELETE' });
    expect(await res.json()).toMatchObject({ code: 'not-found' });
  });
});
