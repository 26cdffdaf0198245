import { describe, expect, it } from 'vitest';
import { DEMO_DEVICE_TOKEN } from '../helpers/auth.ts';
import { describeEachEngine, type EngineContext } from '../helpers/context.ts';
import { countRows } from '../helpers/rows.ts';

const ZIJL = 'haarlem-zijlsingel';

function takeTicket(
  ctx: EngineContext,
  key?: string,
  body: unknown = { services: [{ code: 'passport', persons: 1 }] },
) {
  return ctx.app.request(`/api/v1/locations/${ZIJL}/tickets`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${DEMO_DEVICE_TOKEN}`,
      'content-type': 'application/json',
      ...(key ? { 'idempotency-key': key } : {}),
    },
    body: JSON.stringify(body),
  });
}

describeEachEngine('idempotency', (under) => {
  describe('a kiosk retrying a ticket request', () => {
    it('gets the ticket its first attempt issued, not a second one', async () => {
      const ctx = await under.context({ now: '2026-11-23T08:30:00Z' });
      const first = await takeTicket(ctx, 'kiosk-req-0001');
      const retry = await takeTicket(ctx, 'kiosk-req-0001');
      const other = await takeTicket(ctx, 'kiosk-req-0002');
      expect([first.status, retry.status, other.status]).toEqual([201, 201, 201]);
      const [a, b, c] = (await Promise.all([first.json(), retry.json(), other.json()])) as {
        id: number;
        number: string;
      }[];
      expect(b?.id).toBe(a?.id);
      expect([a?.number, c?.number]).toEqual(['P001', 'P002']);
      expect(await countRows(ctx.sql, 'tickets')).toBe(2);
    });

    it('refuses a malformed key and issues nothing', async () => {
      const ctx = await under.context({ now: '2026-11-23T08:30:00Z' });
      const res = await takeTicket(ctx, 'bad key!');
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'validation-failed' });
      expect(await countRows(ctx.sql, 'tickets')).toBe(0);
    });

    it('refuses the same key with another body (422) and issues nothing more', async () => {
      const ctx = await under.context({ now: '2026-11-23T08:30:00Z' });
      const first = await takeTicket(ctx, 'kiosk-req-0003');
      expect(first.status).toBe(201);
      const other = await takeTicket(ctx, 'kiosk-req-0003', { services: [{ code: 'passport', persons: 2 }] });
      expect(other.status).toBe(422);
      expect(await other.json()).toMatchObject({ code: 'idempotency-key-reused', status: 422 });
      // The same body in another key order is the same request.
      const reordered = await takeTicket(ctx, 'kiosk-req-0003', { services: [{ persons: 1, code: 'passport' }] });
      expect(reordered.status).toBe(201);
      expect(await countRows(ctx.sql, 'tickets')).toBe(1);
    });
  });
});
