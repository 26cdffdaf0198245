import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { factsAfterStatements, sqliteClusterLog } from '../../db/sqlite/cluster-log.ts';
import type { FactOrder, HubAuth } from '../../server/contracts/hub.ts';
import { counterIds } from '../helpers/appointments.ts';
import { DEMO_DEVICE_TOKEN, pairTestDevice, signInAs } from '../helpers/auth.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';
import {
  cleanupAfterEach,
  clientFor,
  command,
  type HubClient,
  nextEvent,
  type RunningServer,
  screenFor,
  startServerFor,
  until,
} from '../helpers/server.ts';

const ZIJL = 'haarlem-zijlsingel';
const cleanup = cleanupAfterEach();

function tempDbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'loket-cluster-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'loket.db');
}

const node = (ctx: TestContext) => startServerFor(cleanup, ctx, { pollMs: 20 });
const _client = (server: RunningServer, auth: HubAuth): HubClient => clientFor(cleanup, server, auth);
const watching = (server: RunningServer, auth: HubAuth) => screenFor(cleanup, server, auth);

/** Every fact the client gets, in order, as `name seq/prev`. */
function record(c: HubClient): { name: string; seq?: number; prev?: number }[] {
  const seen: { name: string; seq?: number; prev?: number }[] = [];
  for (const name of ['ticket:issued', 'ticket:updated', 'ticket:called', 'counter:updated'] as const) {
    c.on(name, (p: FactOrder) => seen.push({ name, seq: p.seq, prev: p.prev }));
  }
  return seen;
}

function rows<T>(ctx: TestContext, sql: string, ...params: unknown[]): T[] {
  return ctx.db.$client.prepare(sql).all(...params) as T[];
}

describe('cluster log', () => {
  it('numbers a location’s facts without gaps: staff get every one, displays chain the public ones by prev', async () => {
    const ctx = createTestContext();
    const server = await node(ctx);
    const { client: display, snapshot } = await watching(server, { token: DEMO_DEVICE_TOKEN });
    const supToken = await signInAs(ctx, 'demo-supervisor');
    const { client: sup, snapshot: supSnapshot } = await watching(server, { token: supToken, locationId: ZIJL });
    expect(typeof snapshot.seq).toBe('number');
    const start = supSnapshot.seq as number;
    const displaySeen = record(display);
    const staffSeen = record(sup);

    for (let i = 0; i < 3; i++) {
      const res = await call(ctx, 'POST', `/locations/${ZIJL}/tickets`, {
        token: DEMO_DEVICE_TOKEN,
        body: { services: [{ code: 'passport', persons: 1 }] },
      });
      expect(res.status).toBe(201);
    }
    const agent = await signInAs(ctx, 'demo-agent');
    const counterId = (await counterIds(ctx)).get('Balie 1') as number;
    await call(ctx, 'POST', `/counters/${counterId}/sign-in`, { token: agent });
    const first = await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token: agent });
    expect(first.status).toBe(200);
    expect((await call(ctx, 'POST', `/tickets/${first.body.ticket.id}/start`, { token: agent })).status).toBe(200);
    expect((await call(ctx, 'POST', `/counters/${counterId}/call-next`, { token: agent })).status).toBe(200);

    // 3 issued, counter opened, called, started, finished + called: the staff see each, in order.
    await until(() => displaySeen.filter((f) => f.name === 'ticket:called').length === 2, 'two calls on the display');
    await until(() => staffSeen.length >= 8, 'the staff facts');
    const staffSeqs = staffSeen.map((f) => f.seq);
    expect(staffSeqs).toEqual(staffSeqs.map((_, i) => start + 1 + i));
    for (const f of staffSeen) expect(f.prev).toBe((f.seq as number) - 1);
    expect(staffSeen.map((f) => f.name)).toContain('ticket:issued');

    // The display gets only calls and counters; each names the public fact before it.
    expect(displaySeen.every((f) => f.name === 'ticket:called' || f.name === 'counter:updated')).toBe(true);
    let last = snapshot.seq as number;
    for (const f of displaySeen) {
      expect(f.prev).toBeLessThanOrEqual(last);
      expect(f.seq).toBeGreaterThan(last);
      last = f.seq as number;
    }
    // A snapshot now carries the newest seq.
    const again = await command(display, 'queue:subscribe', { locationId: ZIJL });
    expect(again.data.seq).toBe(staffSeen.at(-1)?.seq);
  });

  it('logs live tickets only: history inserted as finished tickets leaves no facts', async () => {
    const ctx = createTestContext();
    const before = rows<{ n: number }>(ctx, 'SELECT count(*) AS n FROM cluster_events')[0]?.n;
    const at = Date.parse('2026-11-20T09:00:00Z');
    const info = ctx.db.$client
      .prepare(
        `INSERT INTO tickets (municipality_id, location_id, service_date, number, letter, sequence, public_id, source,
           status, issued_at, queued_at, finished_at) VALUES ('haarlem', ?, '2026-11-20', 'A001', 'A', 1, 'history-ticket-0001',
           'kiosk', 'done', ?, ?, ?)`,
      )
      .run(ZIJL, at, at, at + 600_000);
    for (const type of ['issued', 'called', 'started', 'finished'])
      ctx.db.$client
        .prepare('INSERT INTO ticket_events (ticket_id, location_id, type, at) VALUES (?, ?, ?, ?)')
        .run(info.lastInsertRowid, ZIJL, type, at);
    expect(rows<{ n: number }>(ctx, 'SELECT count(*) AS n FROM cluster_events')[0]?.n).toBe(before);
  });

  it('reads facts after an id in pages of the given size, from statements whose LIMIT is not a bound parameter', async () => {
    const ctx = createTestContext();
    const insert = ctx.db.$client.prepare("INSERT INTO cluster_events (kind, at) VALUES ('auth:revoked', 1)");
    for (let k = 0; k < 7; k++) insert.run();
    const log = sqliteClusterLog(ctx.db);
    const all = await log.after(0, 500);
    const first = all[0]?.id ?? 0;
    expect((await log.after(first, 3)).map((f) => f.id)).toEqual(all.slice(1, 4).map((f) => f.id));
    expect((await log.after(first, 500)).length).toBe(all.length - 1);
    // SQLite prepares a statement with a bound LIMIT again at every run (its plan may depend on the value).
    const statement = factsAfterStatements(ctx.db.$client);
    expect(statement(500).source).not.toMatch(/LIMIT \?/i);
    expect(statement(500)).toBe(statement(500));
    expect(() => statement(0)).toThrow(RangeError);
  });

  it('a municipality-wide set-up change is one location:changed per location, each with its next seq', async () => {
    const ctx = createTestContext();
    const admin = await signInAs(ctx, 'demo-admin');
    const locations = rows<{ id: string }>(ctx, "SELECT id FROM locations WHERE municipality_id = 'haarlem'");
    expect(locations.length).toBeGreaterThan(1);
    const res = await call(ctx, 'POST', '/closures', {
      token: admin,
      body: { date: '2026-12-28', kind: 'bridge', reason: 'Tussen kerst en oud en nieuw' },
    });
    expect(res.status).toBe(201);
    const facts = rows<{ location_id: string; seq: number; detail: string }>(
      ctx,
      "SELECT location_id, seq, detail FROM cluster_events WHERE kind = 'location:changed'",
    );
    expect(facts.map((f) => f.location_id).sort()).toEqual(locations.map((l) => l.id).sort());
    for (const f of facts) {
      const seq = rows<{ seq: number }>(ctx, 'SELECT seq FROM cluster_seq WHERE location_id = ?', f.location_id)[0];
      expect(f.seq).toBe(seq?.seq);
      expect(f.detail).toBe('setup');
    }
  });
});

describe('two nodes on one database file (no Redis)', () => {
  it('a call on node A reaches a display on node B in order, B’s snapshot has A’s ticket, and revocation on A drops B’s sockets', async () => {
    const dbPath = tempDbPath();
    const a = createTestContext({ dbPath });
    const b = createTestContext({ dbPath });
    cleanup.push(() => {
      a.db.$client.close();
      b.db.$client.close();
    });
    // Node A's hub serves nobody here: its use-cases (a.app) make the changes, node B's sockets see them.
    await node(a);
    const nodeB = await node(b);

    const { client: display, snapshot } = await watching(nodeB, { token: DEMO_DEVICE_TOKEN });
    const seen = record(display);
    const issued = await call(a, 'POST', `/locations/${ZIJL}/tickets`, {
      token: DEMO_DEVICE_TOKEN,
      body: { services: [{ code: 'passport', persons: 1 }] },
    });
    expect(issued.status).toBe(201);
    const onB = await command(display, 'queue:subscribe', { locationId: ZIJL });
    expect(onB.data.tickets.map((t: { id: number }) => t.id)).toContain(issued.body.id);
    expect(onB.data.seq).toBeGreaterThan(snapshot.seq as number);

    const agent = await signInAs(a, 'demo-agent');
    const counterId = (await counterIds(a)).get('Balie 1') as number;
    await call(a, 'POST', `/counters/${counterId}/sign-in`, { token: agent });
    const called = nextEvent(display, 'ticket:called');
    await call(a, 'POST', `/counters/${counterId}/call-next`, { token: agent });
    const call1 = await called;
    expect(call1.ticketId).toBe(issued.body.id);
    expect(call1.seq).toBeGreaterThan(onB.data.seq);
    const public1 = seen.filter((f) => f.name === 'counter:updated' || f.name === 'ticket:called');
    expect(public1.at(-1)?.seq).toBe(call1.seq);

    // Revocation made on A: the log's auth:revoked reaches B, which drops the device's socket.
    const deviceToken = await pairTestDevice(a, ZIJL, 'display');
    const { client: paired } = await watching(nodeB, { token: deviceToken });
    const sup = await signInAs(a, 'demo-supervisor');
    const list = await call(a, 'GET', `/locations/${ZIJL}/devices`, { token: sup });
    const device = list.body.devices.find((d: { name: string }) => d.name === 'test display');
    const gone = new Promise<string>((resolve) => paired.once('disconnect', resolve));
    await call(a, 'DELETE', `/devices/${device.id}`, { token: sup });
    expect(await gone).toBe('io server disconnect');

    // A staff member signing out on A loses the socket on B too.
    const agentSocket = (await watching(nodeB, { token: agent })).client;
    const dropped = new Promise<string>((resolve) => agentSocket.once('disconnect', resolve));
    await call(a, 'DELETE', '/sessions', { token: agent });
    expect(await dropped).toBe('io server disconnect');
  });
});
