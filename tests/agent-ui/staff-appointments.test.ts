import { describe, expect, it } from 'vitest';
import { signInAs } from '../helpers/auth.ts';
import { describeEachEngine, type EngineContext } from '../helpers/context.ts';

/** The counter console's appointment desk: staff find, move and cancel by reference alone. */
async function request(ctx: EngineContext, method: string, path: string, token: string | null, body?: unknown) {
  const res = await ctx.app.request(`/api/v1${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function bookOnline(ctx: EngineContext, locationId: string) {
  const services = 'passport:1';
  const days = await request(
    ctx,
    'GET',
    `/locations/${locationId}/available-days?services=${services}&from=2026-11-23&to=2026-12-31`,
    null,
  );
  const times = await request(
    ctx,
    'GET',
    `/locations/${locationId}/available-times?services=${services}&date=${days.body.days[0]}`,
    null,
  );
  const booked = await request(ctx, 'POST', '/appointments', null, {
    locationId,
    services: [{ code: 'passport', persons: 1 }],
    start: times.body.times[0],
    customer: { name: 'Inwoner', email: 'inwoner@example.org' },
  });
  expect(booked.status).toBe(201);
  return { reference: booked.body.reference as string, times: times.body.times as string[] };
}

describeEachEngine('staff appointments', (under) => {
  describe('staff manage appointments by reference', () => {
    it('an agent finds, moves and cancels an appointment at their location; each change is audited', async () => {
      const ctx = await under.context();
      const agent = await signInAs(ctx, 'demo-agent');
      const { reference, times } = await bookOnline(ctx, 'haarlem-zijlsingel');

      const found = await request(ctx, 'GET', `/appointments/${reference}`, agent);
      expect(found.status).toBe(200);
      expect(found.body.reference).toBe(reference);

      const moved = await request(ctx, 'POST', `/appointments/${reference}/reschedule`, agent, { start: times[1] });
      expect(moved.status).toBe(200);
      expect(Date.parse(moved.body.start)).toBe(Date.parse(times[1] as string));

      expect((await request(ctx, 'DELETE', `/appointments/${reference}`, agent)).status).toBe(204);
      expect((await request(ctx, 'GET', `/appointments/${reference}`, agent)).body.status).toBe('cancelled');

      const audit = await ctx.sql.rows<{ action: string }>(
        "SELECT action FROM audit_entries WHERE target_type = 'appointment'",
      );
      expect(audit.map((a) => a.action).sort()).toEqual(['appointment.cancelled', 'appointment.rescheduled']);
    });

    it('staff of another location, and anyone without a token, get not-found and change nothing', async () => {
      const ctx = await under.context();
      const agent = await signInAs(ctx, 'demo-agent'); // Zijlsingel only
      const { reference } = await bookOnline(ctx, 'haarlem-schalkwijk');
      expect((await request(ctx, 'GET', `/appointments/${reference}`, agent)).status).toBe(404);
      expect((await request(ctx, 'DELETE', `/appointments/${reference}`, agent)).status).toBe(404);
      expect((await request(ctx, 'DELETE', `/appointments/${reference}`, null)).status).toBe(404);
      const supervisor = await signInAs(ctx, 'demo-supervisor'); // both offices
      expect((await request(ctx, 'GET', `/appointments/${reference}`, supervisor)).body.status).toBe('booked');
    });
  });
});
