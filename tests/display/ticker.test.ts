import { describe, expect, it } from 'vitest';
import type { QueueSnapshot } from '../../server/contracts/queue.ts';
import { signInAs } from '../helpers/auth.ts';
import { describeEachEngine, type EngineContext } from '../helpers/context.ts';

const location = 'haarlem-zijlsingel';

function put(ctx: EngineContext, token: string | null, body: unknown, id = location) {
  return ctx.app.request(`/api/v1/locations/${id}/ticker`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

async function tickerOf(ctx: EngineContext, token: string): Promise<string> {
  const res = await ctx.app.request(`/api/v1/locations/${location}/queue`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await res.json()) as QueueSnapshot).tickerText;
}

describeEachEngine('the ticker', (under) => {
  describe('PUT /locations/{id}/ticker', () => {
    it('lets a supervisor set the text: stored, in the snapshot, and the hub is told', async () => {
      const ctx = await under.context();
      const token = await signInAs(ctx, 'demo-supervisor');
      const changes: string[] = [];
      ctx.events.subscribe('location:changed', (e) => changes.push(`${e.locationId}:${e.reason}`));
      const res = await put(ctx, token, { text: '  Balie 5 is   vandaag gesloten ' });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ locationId: location, text: 'Balie 5 is vandaag gesloten' });
      expect(await tickerOf(ctx, token)).toBe('Balie 5 is vandaag gesloten');
      expect(changes).toEqual([`${location}:ticker`]);
    });

    it('refuses agents, anonymous callers, unknown locations and overlong text, and changes nothing', async () => {
      const ctx = await under.context();
      const supervisor = await signInAs(ctx, 'demo-supervisor');
      const agent = await signInAs(ctx, 'demo-agent');
      expect((await put(ctx, supervisor, { text: 'Welkom' })).status).toBe(200);
      const refused = [
        await put(ctx, agent, { text: 'x' }),
        await put(ctx, null, { text: 'x' }),
        await put(ctx, supervisor, { text: 'x'.repeat(281) }),
        await put(ctx, supervisor, { text: 'x', extra: true }),
        await put(ctx, supervisor, { text: 'x' }, 'nowhere'),
      ];
      expect(refused.map((r) => r.status)).toEqual([403, 401, 400, 400, 404]);
      for (const r of refused) expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(await tickerOf(ctx, supervisor)).toBe('Welkom');
    });
  });
});
