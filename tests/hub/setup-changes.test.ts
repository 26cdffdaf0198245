import { describe, expect, it } from 'vitest';
import { counterIds } from '../helpers/appointments.ts';
import { DEMO_DEVICE_TOKEN, signInAs } from '../helpers/auth.ts';
import { describeEachEngine, type EngineUnderTest } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';
import {
  cleanupAfterEach,
  connectClient,
  nextEvent,
  screenFor,
  startServerFor,
  waitConnected,
} from '../helpers/server.ts';

// A set-up change publishes `location:changed`; the hub answers every display and console of the
// location with a fresh snapshot (ARCHITECTURE.md#events). Real server, real socket.io clients.
const ZIJL = 'haarlem-zijlsingel';
const cleanup = cleanupAfterEach();

async function bootWithDisplay(under: EngineUnderTest) {
  const ctx = await under.context();
  const server = await startServerFor(cleanup, ctx);
  const { client: display } = await screenFor(cleanup, server, { token: DEMO_DEVICE_TOKEN });
  return { ctx, server, display };
}

describeEachEngine('set-up changes', (under) => {
  describe('set-up changes reach connected screens', () => {
    it('a renamed counter reaches the display and the supervisor console', async () => {
      const { ctx, server, display } = await bootWithDisplay(under);
      const supToken = await signInAs(ctx, 'demo-supervisor');
      const console = connectClient(server.url, { token: supToken, locationId: ZIJL }, { reconnection: false });
      cleanup.push(() => {
        console.disconnect();
      });
      const consoleFirst = nextEvent(console, 'queue:snapshot');
      await waitConnected(console);
      await consoleFirst;

      const counterId = (await counterIds(ctx)).get('Balie 1');
      const onDisplay = nextEvent(display, 'queue:snapshot');
      const onConsole = nextEvent(console, 'queue:snapshot');
      const res = await call(ctx, 'PATCH', `/locations/${ZIJL}/counters/${counterId}`, {
        token: supToken,
        body: { name: 'Balie 1 (paspoorten)' },
      });
      expect(res.status).toBe(200);
      for (const snapshot of [await onDisplay, await onConsole]) {
        expect(snapshot.locationId).toBe(ZIJL);
        expect(snapshot.counters.find((c) => c.id === counterId)?.name).toBe('Balie 1 (paspoorten)');
      }
    });

    it('a new counter, and a municipality-wide service change, reach the display', async () => {
      const { ctx, display } = await bootWithDisplay(under);
      const supToken = await signInAs(ctx, 'demo-supervisor');
      const created = nextEvent(display, 'queue:snapshot');
      const res = await call(ctx, 'POST', `/locations/${ZIJL}/counters`, {
        token: supToken,
        body: { name: 'Balie 9', skills: ['passport'] },
      });
      expect(res.status).toBe(201);
      expect((await created).counters.map((c) => c.name)).toContain('Balie 9');

      const adminToken = await signInAs(ctx, 'demo-admin');
      const changed = nextEvent(display, 'queue:snapshot');
      const patched = await call(ctx, 'PATCH', '/services/passport', {
        token: adminToken,
        body: { minutesPerPerson: 12 },
      });
      expect(patched.status).toBe(200);
      expect((await changed).locationId).toBe(ZIJL);
    });

    it('a refused change tells nobody', async () => {
      const { ctx, display } = await bootWithDisplay(under);
      const supToken = await signInAs(ctx, 'demo-supervisor');
      let snapshots = 0;
      display.on('queue:snapshot', () => {
        snapshots++;
      });
      const res = await call(ctx, 'PATCH', `/locations/${ZIJL}/counters/999999`, {
        token: supToken,
        body: { name: 'x' },
      });
      expect(res.status).toBe(404);
      // A change that did go through afterwards is the first snapshot the display sees.
      const next = nextEvent(display, 'queue:snapshot');
      const counterId = (await counterIds(ctx)).get('Balie 2');
      await call(ctx, 'PATCH', `/locations/${ZIJL}/counters/${counterId}`, {
        token: supToken,
        body: { name: 'Balie twee' },
      });
      expect((await next).counters.find((c) => c.id === counterId)?.name).toBe('Balie twee');
      expect(snapshots).toBe(1);
    });
  });
});
