import { describe, expect, it } from 'vitest';
import { signInAs } from '../helpers/auth.ts';
import { describeEachEngine } from '../helpers/context.ts';

const body = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    locationId: 'haarlem-zijlsingel',
    services: [{ code: 'pickup', persons: 1 }],
    start: '2026-11-23T11:00:00+01:00',
    customer: { name: 'Bel Ler', email: 'beller@example.nl' },
    channel: 'phone',
    ...overrides,
  });

describeEachEngine('staff-booking', (under) => {
  describe('staff booking on behalf of a resident', () => {
    it('books by phone what residents cannot book online, without the minimum notice', async () => {
      // 10:30 local: a resident needs 60 minutes' notice; staff on the phone do not.
      const ctx = await under.context({ now: '2026-11-23T09:30:00Z' });
      const anonymous = await ctx.app.request('/api/v1/appointments', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body(),
      });
      expect(anonymous.status).toBe(403);
      const online = await ctx.app.request('/api/v1/appointments', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body({ channel: undefined }),
      });
      expect(online.status).toBe(400);
      const agent = await signInAs(ctx, 'demo-agent');
      const res = await ctx.app.request('/api/v1/appointments', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${agent}` },
        body: body(),
      });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ channel: 'phone', start: '2026-11-23T11:00:00+01:00' });
      const elsewhere = await ctx.app.request('/api/v1/appointments', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${agent}` },
        body: body({ locationId: 'haarlem-schalkwijk' }),
      });
      expect(elsewhere.status).toBe(403);
      const staffTimes = await ctx.app.request(
        '/api/v1/locations/haarlem-zijlsingel/available-times?services=pickup:1&date=2026-11-23',
        { headers: { authorization: `Bearer ${agent}` } },
      );
      const { times } = (await staffTimes.json()) as { times: string[] };
      // Staff are not held to the minimum notice; 11:00 is still free on the other pickup counters.
      expect(times[0]).toBe('2026-11-23T11:00:00+01:00');
    });
  });
});
