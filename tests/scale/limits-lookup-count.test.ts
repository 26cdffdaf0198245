import { describe, expect, it } from 'vitest';
import { createTestContext } from '../helpers/context.ts';

// A look-up costs one token of RATE_LIMIT_LOOKUPS_PER_MINUTE, whichever appointment path it takes
// (Hono's `/appointments/:reference/*` also matches `/appointments/:reference`: one middleware, not two).

describe('look-up limit per request', () => {
  it('allows exactly RATE_LIMIT_LOOKUPS_PER_MINUTE look-ups of an appointment, then 429', async () => {
    const ctx = createTestContext({ config: { RATE_LIMIT_LOOKUPS_PER_MINUTE: 4, TRUST_PROXY: true } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await ctx.app.request('/api/v1/appointments/ABCDEFGH2345', {
        headers: { 'x-forwarded-for': '198.51.100.31' },
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([404, 404, 404, 404, 429, 429]);
  });
});
