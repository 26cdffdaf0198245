import { describe, expect, it } from 'vitest';
import type { HubAuth } from '../../server/contracts/hub.ts';
import type { Repositories, Storage } from '../../server/storage.ts';
import { counterIds } from '../helpers/appointments.ts';
import { DEMO_DEVICE_TOKEN, signInAs } from '../helpers/auth.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { call, kioskTicket } from '../helpers/http.ts';
import { cleanupAfterEach, command, type HubClient, nextEvent, screenFor, startServerFor } from '../helpers/server.ts';

// Item 5 of #8: one call-next costs the same reads whatever the number of screens listening, and its broadcast
// sends the tickets the use-case's transaction built instead of reading them again (server/hub/publish.ts).

const ZIJL = 'haarlem-zijlsingel';
const cleanup = cleanupAfterEach();

/**
 * Replaces the context's storage by one whose read repositories count their calls (`queue.ticketsWithDetails` …).
 * Write transactions are left alone: what a use-case reads inside its own transaction is its work, not the
 * broadcast's. The hub reads `deps.storage.read` at each use, so it sees the counting one.
 */
function countReads(ctx: TestContext): Map<string, number> {
  const counts = new Map<string, number>();
  const inner = ctx.storage;
  const counting = (name: string, repo: object) =>
    new Proxy(repo, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const key = `${name}.${String(prop)}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
          return value.apply(target, args);
        };
      },
    });
  const read = Object.fromEntries(
    Object.entries(inner.read).map(([name, repo]) => [name, counting(name, repo as object)]),
  ) as unknown as Repositories;
  const storage: Storage = {
    read,
    write: (work, options) => inner.write(work, options),
    problem: () => inner.problem(),
    afterErasure: () => inner.afterErasure(),
    clusterLog: () => inner.clusterLog(),
    close: () => inner.close(),
  };
  ctx.storage = storage;
  return counts;
}

const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);

describe('the broadcast of a call-next', () => {
  it('reads no ticket again and reads as much for six screens as for one', async () => {
    const ctx = createTestContext();
    const counts = countReads(ctx);
    const server = await startServerFor(cleanup, ctx);
    const screen = async (auth: HubAuth) => (await screenFor(cleanup, server, auth)).client;

    for (let i = 0; i < 4; i++) await kioskTicket(ctx);
    const display = await screen({ token: DEMO_DEVICE_TOKEN });
    const agentToken = await signInAs(ctx, 'demo-agent');
    const agent = await screen({ token: agentToken });
    const counterId = (await counterIds(ctx)).get('Balie 3') as number;
    expect((await command(agent, 'counter:sign-in', { counterId })).ok).toBe(true);

    /** Waits until `act`'s facts and the estimates after them reached the screens, then for the log to be read. */
    const settled = async (act: () => Promise<unknown>, listeners: HubClient[]) => {
      const estimates = nextEvent(display, 'wait:estimates');
      const called = listeners.map((c) => nextEvent(c, 'ticket:called'));
      await act();
      await Promise.all([estimates, ...called]);
      await server.hub.publisher.drain();
    };
    /** One "next" (finishing the ticket served, calling the next one) and the reads it cost from the press on. */
    const callNextReads = async (listeners: HubClient[]) => {
      counts.clear();
      let answer: Awaited<ReturnType<typeof command>> | undefined;
      await settled(async () => {
        answer = await command(agent, 'queue:call-next', {});
      }, listeners);
      expect(answer?.ok).toBe(true);
      const ticketId = answer?.data.ticket.id as number;
      const reads = new Map(counts);
      await settled(() => command(agent, 'ticket:start', { ticketId }), []);
      return reads;
    };

    // The first press also learns the location's last public seq from the log; not what is measured.
    await callNextReads([display]);
    const one = await callNextReads([display]);

    const more = [
      await screen({ token: DEMO_DEVICE_TOKEN }),
      await screen({ token: DEMO_DEVICE_TOKEN }),
      await screen({ token: await signInAs(ctx, 'demo-supervisor'), locationId: ZIJL }),
      await screen({ token: await signInAs(ctx, 'demo-supervisor'), locationId: ZIJL }),
      await screen({ token: DEMO_DEVICE_TOKEN }),
    ];
    const six = await callNextReads([display, ...more]);

    expect(total(one)).toBeGreaterThan(0);
    expect(Object.fromEntries(six)).toEqual(Object.fromEntries(one));
    // The called and the finished ticket go out as the transaction built them.
    expect(six.get('queue.ticketsWithDetails') ?? 0).toBe(0);
    expect(six.get('queue.ticket') ?? 0).toBe(0);

    // A change whose fact carries no ticket (a recall) is read for its broadcast, once: the counting sees the
    // hub. Over HTTP, whose app reads the storage uncounted, so only the hub's reads are counted.
    const calledNow = nextEvent(display, 'ticket:called');
    const current = (await command(agent, 'queue:call-next', {})).data.ticket.id as number;
    await calledNow;
    await server.hub.publisher.drain();
    counts.clear();
    const again = nextEvent(display, 'ticket:called');
    expect((await call(ctx, 'POST', `/tickets/${current}/recall`, { token: agentToken })).status).toBe(200);
    expect((await again).recall).toBe(true);
    await server.hub.publisher.drain();
    expect(counts.get('queue.ticketsWithDetails')).toBe(1);
  });
});
