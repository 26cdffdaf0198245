import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { prepareSqliteDatabase } from '../../db/migrate.ts';
import { openPool } from '../../db/pg/client.ts';
import { preparePgDatabase } from '../../db/pg/migrate.ts';
import { pgStorage } from '../../db/pg/storage.ts';
import { sqliteStorage } from '../../db/sqlite/storage.ts';
import type { LocationRow, TicketStatus } from '../../server/queue/queue-model.ts';
import type { Storage } from '../../server/storage.ts';
import { createPgTestDatabase, describeWithPostgres } from '../helpers/servers.ts';

/**
 * The call line a queue repository keeps between presses (ARCHITECTURE.md, "The call line in memory"), on both
 * engines: two storages on one database (two processes on one SQLite file, two PostgreSQL nodes) take turns at a
 * random stream of ticket changes — some rolled back, some made inside a transaction before its read — and after
 * each, node A's `callLine` inside a write transaction must be the line as a full read (`liveQueue`) finds it.
 */
const ZIJL = 'haarlem-zijlsingel';
const DAY = '2026-11-23';
const AT = new Date('2026-11-23T08:30:00Z');

interface Nodes {
  a: Storage;
  b: Storage;
  /** Deletes all but the newest fact of the cluster log, as its pruning does after 26 hours. */
  prune(): Promise<void>;
}

/** A small deterministic generator (the stream is the same on every run). */
function random(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s >>> 12) % n; // the low bits of this generator repeat quickly
  };
}

async function locationOf(storage: Storage): Promise<LocationRow> {
  const loc = await storage.read.queue.location(ZIJL);
  if (!loc) throw new Error('no location');
  return loc;
}

async function exercise(nodes: Nodes): Promise<void> {
  const loc = await locationOf(nodes.a);
  const services = await nodes.a.read.queue.services(loc);
  const passport = services.find((s) => s.code === 'passport');
  const counters = (await nodes.a.read.queue.counters(ZIJL)).map((c) => c.id);
  if (!passport || counters.length < 2) throw new Error('demo office missing');
  const next = random(7);
  let issued = 0;

  /** One change by `node`'s repository, in a write transaction that commits or (`undo`) rolls back. */
  const change = async (node: Storage, undo: boolean, issue = false) => {
    const line = await node.read.queue.liveQueue(loc, DAY);
    const pick = (status: TicketStatus) => line.tickets.filter((t) => t.row.status === status)[0];
    const kind = issue ? 0 : next(5);
    await node
      .write(async (tx) => {
        const event = async (ticketId: number, type: 'issued' | 'called' | 'started' | 'finished' | 'cancelled') =>
          tx.queue.appendTicketEvent({
            ticketId,
            locationId: ZIJL,
            type,
            at: AT,
            counterId: null,
            agentId: null,
            data: null,
          });
        const waiting = pick('waiting');
        const called = pick('called');
        const serving = pick('serving');
        if (kind === 0 || !waiting) {
          issued++;
          const t = await tx.queue.insertTicket({
            municipalityId: loc.municipalityId,
            locationId: ZIJL,
            serviceDate: DAY,
            letter: 'P',
            publicId: `pub-${issued}-${next(1_000_000)}`,
            source: 'kiosk',
            priority: next(3),
            appointmentId: null,
            dueAt: null,
            requestKey: null,
            requestFingerprint: null,
            language: 'nl',
            issuedAt: AT,
            queuedAt: new Date(AT.getTime() + issued * 1000),
            items: [{ serviceId: passport.id, persons: 1 + next(2) }],
          });
          await event(t.id, 'issued');
        } else if (kind === 1) {
          const t = await tx.queue.updateTicketIf(waiting.row.id, 'waiting', {
            status: 'called',
            counterId: counters[next(2)],
            callCount: 1,
            calledAt: AT,
          });
          if (t) await event(t.id, 'called');
        } else if (kind === 2 && called) {
          const t = await tx.queue.updateTicketIf(called.row.id, 'called', { status: 'serving', startedAt: AT });
          if (t) await event(t.id, 'started');
        } else if (kind === 3 && serving) {
          const t = await tx.queue.updateTicketIf(serving.row.id, 'serving', { status: 'done', finishedAt: AT });
          if (t) await event(t.id, 'finished');
        } else {
          const t = await tx.queue.updateTicketIf(waiting.row.id, 'waiting', { status: 'cancelled' });
          if (t) await event(t.id, 'cancelled');
        }
        if (undo) throw new Error('undone');
      })
      .catch((err: unknown) => {
        if (!(err instanceof Error) || err.message !== 'undone') throw err;
      });
  };

  /** Node A's line as call-next reads it (inside a write transaction), against a full read of the database. */
  const check = async (step: number) => {
    const shape = (tickets: { row: { id: number; status: string; counterId: number | null; priority: number } }[]) =>
      tickets.map((t) => `${t.row.id}:${t.row.status}:${t.row.counterId}:${t.row.priority}`);
    const kept = await nodes.a.write(async (tx) => (await tx.queue.callLine(loc, DAY)).tickets);
    const truth = (await nodes.b.read.queue.liveQueue(loc, DAY)).tickets;
    expect(shape(kept), `step ${step}`).toEqual(shape(truth));
    const services = (tickets: { services: { code: string; persons: number }[] }[]) =>
      tickets.map((t) => t.services.map((s) => `${s.code}×${s.persons}`).join(','));
    expect(services(kept), `step ${step}`).toEqual(services(truth));
  };

  for (let i = 0; i < 6; i++) await change(nodes.a, false);
  await check(0);
  for (let step = 1; step <= 80; step++) {
    const who = next(3);
    await change(who === 0 ? nodes.b : nodes.a, next(4) === 0);
    if (next(4) === 0) {
      // A read inside a transaction that has written first — with or without a fact — sees its own change; the
      // change is then rolled back.
      const withFact = next(2) === 0;
      await nodes.a
        .write(async (tx) => {
          const [first] = (await tx.queue.callLine(loc, DAY)).tickets.filter((t) => t.row.status === 'waiting');
          if (!first) throw new Error('undone');
          await tx.queue.updateTicketIf(first.row.id, 'waiting', { status: 'cancelled' });
          if (withFact) {
            await tx.queue.appendTicketEvent({
              ticketId: first.row.id,
              locationId: ZIJL,
              type: 'cancelled',
              at: AT,
              counterId: null,
              agentId: null,
              data: null,
            });
          }
          const after = (await tx.queue.callLine(loc, DAY)).tickets.map((t) => t.row.id);
          expect(after, `step ${step}: its own change`).not.toContain(first.row.id);
          throw new Error('undone');
        })
        .catch((err: unknown) => {
          if (!(err instanceof Error) || err.message !== 'undone') throw err;
        });
    }
    await check(step);
  }
  // A line kept for longer than the log keeps its facts: all but the newest are gone (among them the first of two
  // tickets issued since), so it is read in full.
  await check(81);
  await change(nodes.b, false, true);
  await change(nodes.b, false, true);
  await nodes.prune();
  await check(82);
}

describe('the kept call line (SQLite: two processes on one file)', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("is the database's line after every change of either process, committed or rolled back", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loket-call-line-'));
    dirs.push(dir);
    const path = join(dir, 'loket.db');
    const first = openDatabase(path);
    prepareSqliteDatabase(first, { seedDemo: true });
    const second = openDatabase(path);
    await exercise({
      a: sqliteStorage(first),
      b: sqliteStorage(second),
      prune: async () => {
        second.$client.prepare('DELETE FROM cluster_events WHERE id < (SELECT max(id) FROM cluster_events)').run();
      },
    });
    first.$client.close();
    second.$client.close();
  }, 60_000);
});

describeWithPostgres('the kept call line (PostgreSQL: two nodes on one database)', () => {
  it("is the database's line after every change of either node, committed or rolled back", async () => {
    const database = await createPgTestDatabase();
    const a = openPool(database.url, { max: 4 });
    const b = openPool(database.url, { max: 4 });
    try {
      await preparePgDatabase(a, { seedDemo: true });
      await exercise({
        a: pgStorage(a),
        b: pgStorage(b),
        prune: async () => {
          await b.query('DELETE FROM cluster_events WHERE id < (SELECT max(id) FROM cluster_events)');
        },
      });
    } finally {
      await Promise.all([a.end(), b.end()]);
      await database.drop();
    }
  }, 120_000);
});
