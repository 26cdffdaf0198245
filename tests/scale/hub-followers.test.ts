import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { TicketDto } from '../../server/contracts/queue.ts';
import { counterIds } from '../helpers/appointments.ts';
import { signInAs } from '../helpers/auth.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { call, kioskTicket } from '../helpers/http.ts';
import {
  cleanupAfterEach,
  command,
  connectClient,
  type HubClient,
  type RunningServer,
  startServer,
  until,
  waitConnected,
} from '../helpers/server.ts';
import { deleteRedisPrefix, describeWithRedis, redisTestUrl, uniquePrefix } from '../helpers/servers.ts';

const ZIJL = 'haarlem-zijlsingel';
const cleanup = cleanupAfterEach();
/** How often each node sends its follows in full in this test (a node learns the others' for ~2 periods). */
const FOLLOWS_FULL_MS = 1_000;

describeWithRedis('followed tickets on several nodes', () => {
  it("get the estimates the other node computes, and nobody else's ticket goes between the nodes", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loket-hub-followers-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const dbPath = join(dir, 'loket.db');
    const prefix = uniquePrefix('hub');
    cleanup.push(() => deleteRedisPrefix(prefix));
    const config = { REDIS_URL: redisTestUrl(), REDIS_KEY_PREFIX: prefix };
    const [a, b] = [createTestContext({ dbPath, config }), createTestContext({ dbPath, config })] as [
      TestContext,
      TestContext,
    ];
    cleanup.push(() => {
      a.db.$client.close();
      b.db.$client.close();
    });
    const servers: RunningServer[] = [];
    for (const ctx of [a, b]) {
      const server = await startServer(ctx, 0, { pollMs: 20, followsFullMs: FOLLOWS_FULL_MS });
      cleanup.push(() => server.close());
      servers.push(server);
    }
    const [nodeA, nodeB] = servers as [RunningServer, RunningServer];
    // What goes between the nodes for followers: every ticket of every `hub:followers` message each node receives.
    const sentTo = { a: [] as TicketDto[], b: [] as TicketDto[] };
    nodeA.hub.io.on('hub:followers', (_locationId, _seq, tickets) => sentTo.a.push(...(tickets ?? [])));
    nodeB.hub.io.on('hub:followers', (_locationId, _seq, tickets) => sentTo.b.push(...(tickets ?? [])));

    const tickets: TicketDto[] = [];
    for (let i = 0; i < 5; i++) tickets.push(await kioskTicket(a));
    const mine = tickets[3] as TicketDto;

    // A resident follows their ticket on node B.
    const phone: HubClient = connectClient(nodeB.url, {});
    cleanup.push(() => {
      phone.disconnect();
    });
    await waitConnected(phone, 10_000);
    const updates: TicketDto[] = [];
    phone.on('ticket:updated', (t) => updates.push(t));
    const followed = await command(phone, 'ticket:follow', { publicId: mine.publicId });
    expect(followed.data).toMatchObject({ id: mine.id, position: 4 });
    // A node that has just started sends every waiting ticket until it has surely heard the others' follows.
    await new Promise((r) => setTimeout(r, 2.5 * FOLLOWS_FULL_MS));
    sentTo.a.length = 0;
    sentTo.b.length = 0;

    // Calls on node A: node A computes the estimates for the cluster (node B got the facts from it and leaves them),
    // and node B's follower hears each new position.
    const token = await signInAs(a, 'demo-agent');
    const counterId = (await counterIds(a)).get('Balie 1') as number;
    expect((await call(a, 'POST', `/counters/${counterId}/sign-in`, { token })).status).toBe(200);
    const callAndFinish = async () => {
      const called = await call(a, 'POST', `/counters/${counterId}/call-next`, { token });
      expect(called.status).toBe(200);
      const id = (called.body as { ticket: { id: number } }).ticket.id;
      expect((await call(a, 'POST', `/tickets/${id}/start`, { token })).status).toBe(200);
      expect((await call(a, 'POST', `/tickets/${id}/finish`, { token })).status).toBe(200);
    };
    for (const position of [3, 2]) {
      await callAndFinish();
      await until(
        () => updates.some((t) => t.id === mine.id && t.position === position),
        `position ${position} on the phone`,
      );
    }
    await Promise.all(servers.map((s) => s.hub.publisher.settled()));
    // Only the followed ticket went to node B, and nothing to node A (nobody follows a ticket there).
    expect(sentTo.b.length).toBeGreaterThan(0);
    expect(new Set(sentTo.b.map((t) => t.id))).toEqual(new Set([mine.id]));
    expect(sentTo.a).toEqual([]);
    expect(updates.every((t) => t.appointmentReference === null)).toBe(true);

    // A follow that began before node A's last run (which left its ticket out) gets the ticket from that run:
    // node A hears it in a `hub:follows` message (here made by hand, as node B's would be) and sends it at once.
    const late = tickets[4] as TicketDto;
    sentTo.b.length = 0;
    nodeA.hub.publisher.applyFollows({
      node: 'test-node',
      added: [late.publicId],
      caughtUp: [{ publicId: late.publicId, locationId: ZIJL, seq: 0 }],
    });
    await until(() => sentTo.b.some((t) => t.id === late.id), 'the late follow caught up');
    expect(sentTo.b.map((t) => t.id)).toEqual([late.id]);

    // The phone stops following: node B tells node A, whose next run sends no follower update at all.
    nodeA.hub.publisher.applyFollows({ node: 'test-node', removed: [late.publicId] });
    let told = false;
    nodeA.hub.io.on('hub:follows', (m) => {
      if (m.removed?.includes(mine.publicId) || (m.full && !m.full.includes(mine.publicId))) told = true;
    });
    phone.disconnect();
    await until(() => told, 'node A to hear that nobody follows on node B');
    sentTo.b.length = 0;
    await callAndFinish();
    await Promise.all(servers.map((s) => s.hub.publisher.settled()));
    expect(sentTo.b).toEqual([]);
    expect(sentTo.a).toEqual([]);

    // A node of the previous version during a rolling deploy sends `hub:followers` with the tickets alone, and
    // messages of shapes this one does not know: node B ignores them and goes on serving its screens.
    const emit = nodeA.hub.io.serverSideEmit.bind(nodeA.hub.io) as unknown as (...args: unknown[]) => void;
    emit('hub:followers', [late]);
    emit('hub:follows', null);
    emit('hub:follows', 'not a message');
    const display: HubClient = connectClient(nodeB.url, {});
    cleanup.push(() => {
      display.disconnect();
    });
    await waitConnected(display, 10_000);
    const again = await command(display, 'ticket:follow', { publicId: late.publicId });
    expect(again.data).toMatchObject({ id: late.id });
  }, 60_000);
});
