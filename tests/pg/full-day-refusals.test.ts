import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPool } from '../../db/pg/client.ts';
import { preparePgDatabase } from '../../db/pg/migrate.ts';
import { pgStorage } from '../../db/pg/storage.ts';
import { manualClock } from '../../server/clock.ts';
import { testConfig } from '../../server/config.ts';
import type { Deps } from '../../server/deps.ts';
import { createDomainEvents } from '../../server/events.ts';
import { silentLogger } from '../../server/logger.ts';
import { findAvailableStarts } from '../../server/scheduling/availability.ts';
import { bookAppointment } from '../../server/scheduling/book-appointment.ts';
import type { Storage } from '../../server/storage.ts';
import { createPgTestDatabase, describeWithPostgres } from '../helpers/servers.ts';

/**
 * A 409 `slot-unavailable` means the time was full when the booking was decided (issue #9). One office-day is
 * filled by bursts of concurrent bookings on two nodes (two storages on one database), each start asked for more
 * often than it holds: with group commit, with group commit where every other group transaction of one node fails
 * at COMMIT (its members run again alone), and without. Every start must end with exactly as many bookings as it
 * holds — measured by booking it one at a time on a fresh copy of the same database — and every request that was
 * refused must still be refused when asked again after the burst, with nothing cancelled in between: a refusal
 * that a later, identical request does not get was a free slot refused. It fails when the occupancy a placement
 * decides on is read before its day lock is granted. Last, a booking whose chosen counter is taken between its read
 * and its COMMIT by a writer that takes no day lock is decided again rather than refused.
 */
const LOCATION = 'haarlem-zijlsingel';
const NOW = '2026-11-23T08:00:00Z';
const PASSPORT = [{ code: 'passport', persons: 1 }];
/** Requests per start beyond what it holds. */
const EXTRA = 4;
/** Bursts per mode: each on a fresh copy of the seeded database. */
const ROUNDS = 3;
/** Consecutive starts asked for. */
const STARTS = 8;

type Mode = 'grouped' | 'failing' | 'alone';

/**
 * Every query text a checked-out connection of `pool` sends goes through `rewrite` first (the storage's
 * transactions run on checked-out connections; `pool.query` checks out with a callback and is left alone).
 */
function rewriteQueries(
  pool: pg.Pool,
  rewrite: (text: string, client: pg.PoolClient) => string | Promise<string>,
): void {
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => Promise<pg.PoolClient>;
  const wrapped = new WeakSet<pg.PoolClient>();
  (pool as { connect: unknown }).connect = async (...args: unknown[]) => {
    if (args.length > 0) return connect(...args);
    const client = await connect();
    if (!wrapped.has(client)) {
      wrapped.add(client);
      const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
      (client as { query: unknown }).query = async (...args: unknown[]) => {
        if (typeof args[0] !== 'string') return query(...args);
        return query(await rewrite(args[0], client), ...args.slice(1));
      };
    }
    return client;
  };
}

/**
 * Every other COMMIT of a group transaction (several members, each in a savepoint) on this pool fails on the
 * server: the statement in front of it raises an error, so the transaction rolls back as when a deferred
 * constraint fails at COMMIT. Counts the COMMITs it failed.
 */
function failGroupCommits(pool: pg.Pool): { failed: number } {
  const counts = { failed: 0 };
  let groupCommits = 0;
  // The connections whose open transaction has a second member (db/pg/storage.ts names their savepoints).
  const grouped = new WeakSet<pg.PoolClient>();
  rewriteQueries(pool, (text, client) => {
    if (text.startsWith('BEGIN')) grouped.delete(client);
    if (text.includes('SAVEPOINT loket_member_1')) grouped.add(client);
    if (!/\bCOMMIT$/.test(text)) return text;
    const fail = grouped.delete(client) && groupCommits++ % 2 === 0;
    if (!fail) return text;
    counts.failed++;
    return text.replace(/COMMIT$/, 'SELECT 1 / 0;\nCOMMIT');
  });
  return counts;
}

/** What a returned ticket does to its appointment, committed on a connection of its own. */
async function returnNoShow(url: string, counterId: number): Promise<void> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    await db.query(
      "UPDATE appointments SET status = 'checked-in', checked_in_at = now() WHERE status = 'no-show' AND counter_id = $1",
      [counterId],
    );
  } finally {
    await db.end();
  }
}

describeWithPostgres('a full day on two PostgreSQL nodes: every 409 means full', () => {
  const config = testConfig();
  let template: Awaited<ReturnType<typeof createPgTestDatabase>>;
  const copies: Awaited<ReturnType<typeof createPgTestDatabase>>[] = [];
  let date = '';
  let starts: string[] = [];
  /** Bookings each start holds, one at a time on a fresh copy. */
  const holds = new Map<string, number>();

  /**
   * `n` nodes on a fresh copy of the template. `alone`: without group commit. `failing`: every other group
   * transaction of the first node fails at its COMMIT (as on a drawn code that is taken, or the exclusion
   * constraint), so its members run again alone.
   */
  async function cluster(n: number, mode: Mode, onPool?: (pool: pg.Pool) => void) {
    // A template cannot be copied while a connection to it is open.
    const copy = await createPgTestDatabase({ template: template.name });
    copies.push(copy);
    const nodes: Deps[] = [];
    const storages: Storage[] = [];
    let failing = { failed: 0 };
    for (let k = 0; k < n; k++) {
      const pool = openPool(copy.url, { max: 6 });
      if (mode === 'failing' && k === 0) failing = failGroupCommits(pool);
      onPool?.(pool);
      const storage = pgStorage(pool);
      storages.push(storage);
      const clock = manualClock(NOW);
      nodes.push({
        storage:
          mode === 'alone'
            ? { ...storage, write: (work, options = {}) => storage.write(work, { ...options, group: false }) }
            : storage,
        clock,
        monotonic: { nowMs: () => clock.now().getTime() },
        config,
        events: createDomainEvents(),
        log: silentLogger,
      });
    }
    return { nodes, url: copy.url, failing, close: () => Promise.all(storages.map((s) => s.close())) };
  }

  let mail = 0;
  const book = (node: Deps, start: string) =>
    bookAppointment(node, {
      locationId: LOCATION,
      services: PASSPORT,
      start,
      customer: { name: 'Bewoner', email: `resident-${++mail}@example.org` },
    });
  const refusal = (err: unknown) => (err as { code?: string }).code ?? String(err);

  beforeAll(async () => {
    template = await createPgTestDatabase();
    const pool = openPool(template.url, { max: 2 });
    await preparePgDatabase(pool, { seedDemo: true });
    // The first bookable weekday without appointments: what a start holds then depends on the counters alone.
    const probe = pgStorage(pool);
    const deps: Deps = {
      storage: probe,
      clock: manualClock(NOW),
      monotonic: { nowMs: () => Date.parse(NOW) },
      config,
      events: createDomainEvents(),
      log: silentLogger,
    };
    for (let d = 1; d < 30 && starts.length === 0; d++) {
      const candidate = new Date(Date.parse(NOW) + d * 86_400_000).toISOString().slice(0, 10);
      const { rows } = await pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM appointments WHERE location_id = $1 AND service_date = $2',
        [LOCATION, candidate],
      );
      if ((rows[0]?.n ?? 1) > 0) continue;
      const free = await findAvailableStarts(deps, { locationId: LOCATION, services: PASSPORT, date: candidate });
      if (free.length < 2 * STARTS) continue;
      date = candidate;
      // Every other start on the 5-minute grid: a passport takes 10 minutes, so each start fills on its own.
      starts = free
        .filter((_, i) => i % 2 === 0)
        .slice(0, STARTS)
        .map((s) => s.iso);
    }
    await probe.close();
    expect(starts).toHaveLength(STARTS);

    // The reference: one node, one booking at a time, each start until it is refused.
    const reference = await cluster(1, 'alone');
    const node = reference.nodes[0] as Deps;
    for (const start of starts) {
      let n = 0;
      for (;;) {
        const answer = await book(node, start).then(
          () => null,
          (err: unknown) => refusal(err),
        );
        if (answer !== null) {
          expect(answer).toBe('slot-unavailable');
          break;
        }
        n++;
      }
      holds.set(start, n);
    }
    await reference.close();
    expect([...holds.values()].every((n) => n > 1)).toBe(true);
  }, 60_000);

  afterAll(async () => {
    for (const copy of copies) await copy.drop();
    await template?.drop();
  });

  async function burst(mode: Mode) {
    const { nodes, url, failing, close } = await cluster(2, mode);
    try {
      const requests = starts.flatMap((start) => Array.from({ length: (holds.get(start) ?? 0) + EXTRA }, () => start));
      // Interleaved starts, alternating nodes, in waves a turn of the event loop apart: groups form and overlap.
      const results: Promise<{ start: string; answer: string | null }>[] = [];
      // Shuffled (a fixed permutation), with the free times read on the pool meanwhile, as residents do.
      for (let i = requests.length - 1; i > 0; i--) {
        const j = (i * 7919 + 13) % (i + 1);
        [requests[i], requests[j]] = [requests[j] as string, requests[i] as string];
      }
      const lists: Promise<unknown>[] = [];
      for (const [k, start] of requests.entries()) {
        if (k % 5 === 0) {
          await new Promise((resolve) => setImmediate(resolve));
          lists.push(
            findAvailableStarts(nodes[k % nodes.length] as Deps, { locationId: LOCATION, services: PASSPORT, date }),
          );
        }
        results.push(
          book(nodes[k % nodes.length] as Deps, start).then(
            () => ({ start, answer: null }),
            (err: unknown) => ({ start, answer: refusal(err) }),
          ),
        );
      }
      const answers = await Promise.all(results);
      await Promise.all(lists);
      const booked = new Map<string, number>();
      for (const a of answers) if (a.answer === null) booked.set(a.start, (booked.get(a.start) ?? 0) + 1);
      // Asked again one at a time (nothing was cancelled): a refused start must still be refused.
      const again: { start: string; answer: string | null }[] = [];
      for (const a of answers.filter((x) => x.answer !== null)) {
        const answer = await book(nodes[0] as Deps, a.start).then(
          () => null,
          (err: unknown) => refusal(err),
        );
        again.push({ start: a.start, answer });
      }
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      const { rows } = await db
        .query<{ start: Date; n: number }>(
          `SELECT starts_at AS start, count(*)::int AS n FROM appointments
            WHERE location_id = $1 AND service_date = $2 AND status IN ('booked', 'held') GROUP BY starts_at`,
          [LOCATION, date],
        )
        .finally(() => db.end());
      return {
        failedCommits: failing.failed,
        refusals: answers.flatMap((a) => (a.answer === null ? [] : [a.answer])),
        booked: Object.fromEntries(starts.map((s) => [s, booked.get(s) ?? 0])),
        stored: Object.fromEntries(
          starts.map((s) => [s, rows.find((r) => r.start.getTime() === Date.parse(s))?.n ?? 0]),
        ),
        bookedAgain: again.filter((a) => a.answer === null).map((a) => a.start),
      };
    } finally {
      await close();
    }
  }

  for (const [mode, name] of [
    ['grouped', 'with group commit'],
    ['failing', 'with group commit, some group COMMITs failing'],
    ['alone', 'without group commit'],
  ] as const) {
    it(`${name}: each start takes what it holds, and a refusal stays one`, async () => {
      const expected = Object.fromEntries(starts.map((s) => [s, holds.get(s) ?? 0]));
      for (let round = 0; round < ROUNDS; round++) {
        const { failedCommits, ...outcome } = await burst(mode);
        // The failing mode must have lost group transactions, or it tested nothing more than the first.
        expect(failedCommits > 0).toBe(mode === 'failing');
        expect({ round, ...outcome, refusals: [...new Set(outcome.refusals)] }).toEqual({
          round,
          refusals: ['slot-unavailable'],
          booked: expected,
          stored: expected,
          bookedAgain: [],
        });
      }
    }, 120_000);
  }

  it('a booking whose counter was taken under it by a writer without the day lock is placed again, not refused', async () => {
    const start = starts[0] as string;
    // Between the booking's read under the day lock and its COMMIT (which carries its insert), the no-show on the
    // counter it chose comes back: a returned ticket makes its appointment active again in a transaction that
    // takes no day lock (server/queue/ticket-actions.ts).
    let url = '';
    const chosen: number[] = [];
    const { nodes, close, ...copy } = await cluster(1, 'alone', (pool) =>
      rewriteQueries(pool, async (text) => {
        // The insert as text, or as EXECUTE of it once its connection prepared it (db/pg/batching.ts): its
        // arguments in the order of its VALUES (an id, then the municipality).
        const insert =
          /INSERT INTO appointments \(id,[^)]*\)\s*VALUES \(([^)]*)\)/.exec(text) ??
          /EXECUTE loket_tx_[0-9a-f]{24}\(('\d+', 'haarlem', [^)]*)\)/.exec(text);
        if (!insert || !/\bCOMMIT$/.test(text)) return text;
        // id, municipality, location, reference, token hash, start, end, counter: literals without commas.
        const counterId = Number(/\d+/.exec((insert[1] as string).split(',')[7] as string)?.[0]);
        chosen.push(counterId);
        if (chosen.length === 1) await returnNoShow(url, counterId);
        return text;
      }),
    );
    url = copy.url;
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      // A no-show on every counter at the start: not occupancy, so the booking finds the time free on all of them.
      await db.query(
        `INSERT INTO appointments (municipality_id, location_id, reference, manage_token_hash, starts_at, ends_at,
           counter_id, channel, status, customer_name, customer_email, created_at, service_date, check_in_code)
         SELECT 'haarlem', $1, 'NOSHOW' || c.id, 'no-show-' || c.id, $2, $2::timestamptz + interval '10 minutes',
                c.id, 'online', 'no-show', 'Laat', 'late@example.org', $3, $4, (900000 + c.id)::text
           FROM counters c WHERE c.location_id = $1`,
        [LOCATION, new Date(start), new Date(NOW), date],
      );
      const booked = await book(nodes[0] as Deps, start);
      const { rows } = await db.query<{ counterId: number; status: string; reference: string }>(
        `SELECT counter_id AS "counterId", status, reference FROM appointments
          WHERE location_id = $1 AND starts_at = $2 AND status IN ('booked', 'checked-in') ORDER BY id`,
        [LOCATION, new Date(start)],
      );
      // The first decision failed on the exclusion constraint; the second, on the day as it then was, placed it
      // on another counter instead of answering 409.
      expect(chosen).toHaveLength(2);
      expect(chosen[1]).not.toBe(chosen[0]);
      expect(rows).toEqual([
        { counterId: chosen[0], status: 'checked-in', reference: `NOSHOW${chosen[0]}` },
        { counterId: chosen[1], status: 'booked', reference: booked.reference },
      ]);
    } finally {
      await db.end();
      await close();
    }
  });
});
