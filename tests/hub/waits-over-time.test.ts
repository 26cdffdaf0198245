import { afterEach, describe, expect, it } from 'vitest';
import { redisEstimateGate } from '../../server/cluster/estimate-gate.ts';
import type { ServiceWaitDto } from '../../server/contracts/queue.ts';
import type { HubOptions } from '../../server/hub/hub.ts';
import { estimateWaits } from '../../server/queue/estimate-waits.ts';
import { loadQueueState } from '../../server/queue/queue-state.ts';
import { counterIds } from '../helpers/appointments.ts';
import { DEMO_DEVICE_TOKEN, signInAs } from '../helpers/auth.ts';
import { describeEachEngine, type EngineContext, type EngineUnderTest } from '../helpers/context.ts';
import { kioskTicket } from '../helpers/http.ts';
import { cleanupAfterEach, command, nextEvent, screenFor, startServerFor } from '../helpers/server.ts';
import { deleteRedisPrefix, describeWithRedis, testRedis, uniquePrefix } from '../helpers/servers.ts';

/**
 * Issue #9 (a start's estimates run coalesced with the next change) and #10 (waits re-estimated when they have grown
 * old with no change): what the screens last heard is what a fresh estimate of the office says.
 */
const ZIJL = 'haarlem-zijlsingel';
const cleanup = cleanupAfterEach();

/** The per-service waits a fresh run on the committed queue gives now (the live run the hub makes). */
async function freshWaits(ctx: EngineContext): Promise<ServiceWaitDto[]> {
  const location = await ctx.storage.read.queue.location(ZIJL);
  if (!location) throw new Error('no office');
  const state = await loadQueueState(ctx.storage.read, location, ctx.clock.now());
  return estimateWaits(state, { live: true, waitsOnly: true }).waits;
}

/** An office with `tickets` walk-ins, an agent signed in at Balie 3, and a display that has settled. */
async function office(under: EngineUnderTest, hubOptions: HubOptions, tickets: number) {
  const ctx = await under.context();
  // The share limit would hold a call's estimates back when a run before was slow (a busy machine).
  const server = await startServerFor(cleanup, ctx, { liveViewMaxAgeMs: 600_000, estimateShare: 1, ...hubOptions });
  const { client: display } = await screenFor(cleanup, server, { token: DEMO_DEVICE_TOKEN });
  for (let i = 0; i < tickets; i++) await kioskTicket(ctx);
  const { client: agent } = await screenFor(cleanup, server, { token: await signInAs(ctx, 'demo-agent') });
  const counterId = (await counterIds(ctx)).get('Balie 3') as number;
  expect((await command(agent, 'counter:sign-in', { counterId })).ok).toBe(true);
  await server.hub.publisher.settled();
  // An ack on the display's socket comes after everything sent to it before.
  expect((await command(display, 'queue:subscribe', { locationId: ZIJL })).ok).toBe(true);
  const heard: { what: 'called' | 'estimates'; at: string; waits: ServiceWaitDto[] }[] = [];
  display.on('wait:estimates', (w) => heard.push({ what: 'estimates', at: w.at, waits: w.waits }));
  display.on('ticket:called', (c) => {
    if (c.estimates) heard.push({ what: 'called', at: c.estimates.at, waits: c.estimates.waits });
  });
  const lastWaits = () => heard.at(-1)?.waits;
  /** Until the display has everything the publisher sent it (a settled publisher has sent what it will). */
  const heardAll = async () => {
    await server.hub.publisher.settled();
    expect((await command(display, 'queue:subscribe', { locationId: ZIJL })).ok).toBe(true);
  };
  return { ctx, server, display, agent, heard, lastWaits, heardAll };
}

const passport = (waits: ServiceWaitDto[] | undefined) => waits?.find((w) => w.code === 'passport');

describeEachEngine('hub: waits over time', (under) => {
  describe('a start', () => {
    it("makes no run of its own before the next call, whose waits include it; the screens' waits stay right", async () => {
      const { ctx, server, display, agent, heard, lastWaits, heardAll } = await office(
        under,
        { startCoalesceMs: 60_000 },
        3,
      );
      const first = await command(agent, 'queue:call-next', {});
      expect(first.ok).toBe(true);
      expect((await command(agent, 'ticket:start', { ticketId: first.data.ticket.id })).ok).toBe(true);
      await server.hub.publisher.drain();
      // Until 2026-12-07 the start's run went 50 ms after it (its waits differ from the call's by the walk-up).
      await new Promise((r) => setTimeout(r, 300));
      expect((await command(display, 'queue:subscribe', { locationId: ZIJL })).ok).toBe(true);
      expect(heard.map((h) => h.what)).toEqual(['called']);
      expect((await command(agent, 'queue:call-next', {})).ok).toBe(true);
      await heardAll();
      expect(heard.map((h) => h.what)).toEqual(['called', 'called']);
      expect(lastWaits()).toEqual(await freshWaits(ctx));
    });

    it('left alone, its run comes once the wait for a change is over, with the waits after it', async () => {
      const { ctx, display, agent, heard, lastWaits, heardAll } = await office(under, { startCoalesceMs: 60_000 }, 3);
      const called = nextEvent(display, 'ticket:called');
      const first = await command(agent, 'queue:call-next', {});
      const afterCall = (await called).estimates?.waits;
      expect((await command(agent, 'ticket:start', { ticketId: first.data.ticket.id })).ok).toBe(true);
      // settled() lets a start's run go at once (nothing is left to come).
      await heardAll();
      expect(heard.map((h) => h.what)).toEqual(['called', 'estimates']);
      // The resident has walked up: the visit counts from the start, no walk-up allowance — shorter waits.
      expect(passport(lastWaits())?.estimatedWait?.minutes).toBeLessThan(
        passport(afterCall)?.estimatedWait?.minutes ?? 0,
      );
      expect(lastWaits()).toEqual(await freshWaits(ctx));
    });
  });

  describe('a long visit with no change', () => {
    it('re-estimates the waits once they are older than the bound, and sends them when they changed', async () => {
      const { ctx, display, agent, lastWaits } = await office(
        under,
        { waitsMaxAgeMs: 30_000, waitsRefreshMs: 50, startCoalesceMs: 100 },
        3,
      );
      const first = await command(agent, 'queue:call-next', {});
      expect((await command(agent, 'ticket:start', { ticketId: first.data.ticket.id })).ok).toBe(true);
      const settled = await nextEvent(display, 'wait:estimates');
      expect(settled.waits).toEqual(await freshWaits(ctx));
      const before = passport(settled.waits)?.estimatedWait?.minutes ?? 0;
      expect(before).toBeGreaterThan(4);

      // Four minutes into the visit, nobody pressed anything: the screens must not keep the waits of its start.
      ctx.clock.advance(4 * 60_000);
      const refreshed = await nextEvent(display, 'wait:estimates');
      expect(refreshed.at).toBe(ctx.clock.now().toISOString());
      expect(refreshed.waits).toEqual(await freshWaits(ctx));
      expect(passport(refreshed.waits)?.estimatedWait?.minutes).toBeLessThan(before);
      expect(lastWaits()).toEqual(refreshed.waits);
    });

    it('does not re-estimate waits younger than the bound', async () => {
      const { ctx, agent, heard, heardAll } = await office(under, { waitsMaxAgeMs: 30_000, waitsRefreshMs: 20 }, 2);
      const first = await command(agent, 'queue:call-next', {});
      expect((await command(agent, 'ticket:start', { ticketId: first.data.ticket.id })).ok).toBe(true);
      await heardAll();
      const sent = heard.length;
      ctx.clock.advance(29_000);
      // Many refresh periods of the node's timer, all inside the bound of the office's clock.
      await new Promise((r) => setTimeout(r, 300));
      await heardAll();
      expect(heard.length).toBe(sent);
    });
  });
});

describeWithRedis('estimate gate: a refresh is claimed once per period in the cluster', () => {
  const prefix = uniquePrefix('gate');
  afterEach(async () => {
    await deleteRedisPrefix(prefix);
  });

  it("claims a refresh once per office, seq and period, apart from the change's own claim", async () => {
    const redis = testRedis();
    try {
      const a = redisEstimateGate(redis, prefix);
      const b = redisEstimateGate(redis, prefix);
      expect(await a.claim(ZIJL, 7)).toBe('cluster');
      expect(await b.claim(ZIJL, 7)).toBe('skip');
      expect(await b.claim(ZIJL, 7, 'r100')).toBe('cluster');
      expect(await a.claim(ZIJL, 7, 'r100')).toBe('skip');
      expect(await a.claim(ZIJL, 7, 'r101')).toBe('cluster');
    } finally {
      await redis.quit();
    }
  });
});
