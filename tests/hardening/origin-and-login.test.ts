import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../helpers/auth.ts';
import { createTestContext } from '../helpers/context.ts';

const signIn = async (
  ctx: ReturnType<typeof createTestContext>,
  username: string,
  password: string,
  from: string,
): Promise<Response> =>
  ctx.app.request('/api/v1/sessions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify({ username, password }),
  });

describe('finding 2: guessing a clerk’s password does not lock the clerk out', () => {
  it('slows the guessing source down, and the clerk from the office signs in', async () => {
    const ctx = createTestContext({ config: { TRUST_PROXY: true } });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await signIn(ctx, 'demo-agent', `guess-${i}`, '203.0.113.66')).status);
    // Three free failures, then the pair must wait 1 s, 2 s, 4 s …: the rest are refused unanswered.
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses.slice(4).every((s) => s === 429)).toBe(true);
    const refused = await signIn(ctx, 'demo-agent', DEMO_PASSWORD, '203.0.113.66');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    expect((await signIn(ctx, 'demo-agent', DEMO_PASSWORD, '198.51.100.10')).status).toBe(201);
    // An IPv6 attacker rotating through its /64 is one source.
    for (let i = 1; i <= 6; i++) await signIn(ctx, 'demo-admin', 'nope', `2001:db8:77:1::${i}`);
    expect((await signIn(ctx, 'demo-admin', 'nope', '2001:db8:77:1::99')).status).toBe(429);
    expect((await signIn(ctx, 'demo-admin', DEMO_PASSWORD, '2001:db8:78:1::1')).status).toBe(201);
  });
});

describe('finding 7: the origin check does not trust Host', () => {
  it('refuses a foreign Origin that matches the Host it sent, and accepts PUBLIC_URL and ALLOWED_ORIGINS', async () => {
    const ctx = createTestContext({ config: { ALLOWED_ORIGINS: ['https://www.haarlem.example'] } });
    const post = (origin: string, host?: string) =>
      ctx.app.request('http://localhost:3000/api/v1/nope', {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json', ...(host ? { host } : {}) },
        body: '{}',
      });
    const rebound = await post('http://evil.example', 'evil.example');
    expect(rebound.status).toBe(403);
    expect(await rebound.json()).toMatchObject({ code: 'invalid-origin' });
    // Past the guard, an unknown path is a 404.
    expect((await post('http://localhost:3000')).status).toBe(404);
    expect((await post('https://www.haarlem.example')).status).toBe(404);
  });
});
