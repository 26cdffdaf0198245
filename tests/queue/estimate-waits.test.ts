import { describe, expect, it } from 'vitest';
import { estimateWaits } from '../../server/queue/estimate-waits.ts';
import { loadQueueState } from '../../server/queue/queue-state.ts';
import { counterIds } from '../helpers/appointments.ts';
import { signInAs } from '../helpers/auth.ts';
import { createTestContext } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';

// The hub's runs after a change ask for the services' waits only when nobody on the node follows a ticket
// (server/hub/publish.ts): those waits must be the ones the full run gives the screens.

const ZIJL = 'haarlem-zijlsingel';
const kiosk = 'demo-device-token-0123456789';

describe('estimateWaits with waitsOnly', () => {
  it("gives the full run's per-service waits and no ticket's band or position", async () => {
    const ctx = createTestContext();
    const services = [
      [{ code: 'passport', persons: 1 }],
      [{ code: 'passport', persons: 2 }],
      [{ code: 'id-card', persons: 1 }],
      [
        { code: 'passport', persons: 1 },
        { code: 'id-card', persons: 1 },
      ],
      [{ code: 'passport', persons: 1 }],
    ];
    for (const s of services) {
      const res = await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, { token: kiosk, body: { services: s } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const counterId = (await counterIds(ctx)).get('Balie 1') as number;
    const signIn = await call(ctx, 'POST', `/counters/${counterId}/sign-in`, {
      token: await signInAs(ctx, 'demo-agent'),
    });
    expect(signIn.status, JSON.stringify(signIn.body)).toBe(200);

    const location = await ctx.storage.read.queue.location(ZIJL);
    if (!location) throw new Error('no location');
    const state = await loadQueueState(ctx.storage.read, location, ctx.clock.now());
    const full = estimateWaits(state, { live: true });
    const only = estimateWaits(state, { live: true, waitsOnly: true });

    // The full run has something to leave out, and the services have waits to compare.
    expect(full.positions.size).toBe(services.length);
    expect(full.perTicket.size).toBeGreaterThan(0);
    expect(full.waits.some((w) => w.waiting > 0 && w.estimatedWait !== null)).toBe(true);
    expect(only.waits).toEqual(full.waits);
    expect(only.perTicket.size).toBe(0);
    expect(only.positions.size).toBe(0);

    // For followers alone (the hub's runs when a few tickets are followed): their positions as in the full run,
    // counted among every waiting ticket, and none for the others.
    const ids = [...full.positions.keys()];
    const chosen = new Set([ids[1] as number, ids[3] as number]);
    const some = estimateWaits(state, { live: true, positionsFor: chosen });
    expect(new Set(full.positions.values()).size).toBeGreaterThan(1);
    expect(some.positions).toEqual(new Map([...chosen].map((id) => [id, full.positions.get(id)])));
    expect(some.perTicket).toEqual(full.perTicket);
    expect(some.waits).toEqual(full.waits);
  });
});
