import type { Socket } from 'node:net';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { planDemoAccess } from '../../db/demo-access.ts';
import { openPool } from '../../db/pg/client.ts';
import { preparePgDatabase } from '../../db/pg/migrate.ts';
import { OCCUPANCY_STATEMENT } from '../../db/pg/occupancy-cache.ts';
import { pgStorage } from '../../db/pg/storage.ts';
import { createApp } from '../../server/app.ts';
import { resolveStaffToken } from '../../server/auth/resolve.ts';
import { manualClock } from '../../server/clock.ts';
import { testConfig } from '../../server/config.ts';
import type { Deps } from '../../server/deps.ts';
import { createDomainEvents } from '../../server/events.ts';
import { silentLogger } from '../../server/logger.ts';
import { callNext } from '../../server/queue/call-next.ts';
import { signInCounter } from '../../server/queue/counter-actions.ts';
import { startTicket } from '../../server/queue/ticket-actions.ts';
import { bookAppointment } from '../../server/scheduling/book-appointment.ts';
import { getOffice } from '../../server/scheduling/office-cache.ts';
import { DEMO_DEVICE_TOKEN, signInAs } from '../helpers/auth.ts';
import { createPgTestDatabase, describeWithPostgres } from '../helpers/servers.ts';

/**
 * What one request costs PostgreSQL, counted (issue #9): on this kind of machine every round trip is CPU of the
 * node (a socket write and a read through node-postgres), not only latency, so a change that adds one to the
 * booking path must show up here. Counted through the app on one node, on the node's own pool:
 * - `pool`: statements on the pool (`read`; each a checkout, a write and a read),
 * - `transactions`: connections checked out for a write transaction,
 * - `roundTrips`: queries sent on any connection (each waits for the server's answer),
 * - `statements`: SQL statements in them (a batched simple-protocol query holds several, db/pg/batching.ts),
 * - `writes`: writes to the sockets (what the kernel is asked to send).
 * Deterministic counts of deterministic requests; no timings.
 */
const LOCATION = 'haarlem-zijlsingel';
const NOW = '2026-11-23T08:00:00Z';

interface Counts {
  pool: number;
  transactions: number;
  roundTrips: number;
  statements: number;
  writes: number;
}

/** Counts what `pool` sends; every connection is instrumented as it is made. */
function countingPool(pool: pg.Pool): { counts: Counts; sent: { text: string; name?: string }[]; reset(): void } {
  const counts: Counts = { pool: 0, transactions: 0, roundTrips: 0, statements: 0, writes: 0 };
  const sent: { text: string; name?: string }[] = [];
  pool.on('connect', (client) => {
    const socket = (client as unknown as { connection: { stream: Socket } }).connection.stream as Socket & {
      _write: (...args: unknown[]) => unknown;
      _writev?: (...args: unknown[]) => unknown;
    };
    const write = socket._write.bind(socket);
    socket._write = (...args: unknown[]) => {
      counts.writes++;
      return write(...args);
    };
    const writev = socket._writev?.bind(socket);
    if (writev)
      socket._writev = (...args: unknown[]) => {
        counts.writes++;
        return writev(...args);
      };
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const config = args[0] as string | { text: string; name?: string };
      const text = typeof config === 'string' ? config : config.text;
      sent.push({ text, name: typeof config === 'string' ? undefined : config.name });
      counts.roundTrips++;
      // A batch joins its statements with ';\n' (db/pg/batching.ts); no statement of Loket holds that sequence.
      counts.statements += text.split(';\n').length;
      return query(...args);
    };
  });
  const poolQuery = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as { query: unknown }).query = (...args: unknown[]) => {
    counts.pool++;
    return poolQuery(...args);
  };
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  (pool as { connect: unknown }).connect = (...args: unknown[]) => {
    // pool.query checks out with a callback; the storage's transactions without one.
    if (args.length === 0) counts.transactions++;
    return connect(...args);
  };
  return {
    counts,
    sent,
    reset() {
      Object.assign(counts, { pool: 0, transactions: 0, roundTrips: 0, statements: 0, writes: 0 });
      sent.length = 0;
    },
  };
}

describeWithPostgres('round trips to PostgreSQL per request', () => {
  let database: Awaited<ReturnType<typeof createPgTestDatabase>>;
  let pool: pg.Pool;
  let counter: ReturnType<typeof countingPool>;
  let deps: Deps;
  let app: ReturnType<typeof createApp>;
  let n = 0;

  beforeAll(async () => {
    const config = testConfig();
    database = await createPgTestDatabase();
    const setup = openPool(database.url, { max: 1 });
    try {
      await preparePgDatabase(setup, { seedDemo: true, demoAccess: planDemoAccess(config, new Date(NOW)).rows });
      // Anonymous bookings here without proof of work (what it costs is not a database round trip).
      await setup.query(`UPDATE locations SET challenge_mode = 'off' WHERE id = $1`, [LOCATION]);
    } finally {
      await setup.end();
    }
    pool = openPool(database.url, { max: 4 });
    counter = countingPool(pool);
    const clock = manualClock(NOW);
    deps = {
      storage: pgStorage(pool),
      clock,
      monotonic: { nowMs: () => clock.now().getTime() },
      config,
      events: createDomainEvents(),
      log: silentLogger,
    };
    app = createApp(deps);
  }, 60_000);

  afterAll(async () => {
    await deps?.storage.close();
    await database?.drop();
  });

  /** Books `start` anonymously, as resident `who` (each its own mailbox by default, so the cap never refuses). */
  async function book(start: string, headers: Record<string, string> = {}, who = ++n) {
    const res = await app.request('/api/v1/appointments', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.9.0.${who}`, ...headers },
      body: JSON.stringify({
        locationId: LOCATION,
        services: [{ code: 'passport', persons: 1 }],
        start,
        customer: { name: `Resident ${who}`, email: `resident-${who}@example.org` },
      }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as { reference: string };
  }

  /** What `request` costs, once the pool's connections are open (opening one is not per request). */
  async function costOf(request: () => Promise<unknown>): Promise<Counts> {
    counter.reset();
    await request();
    return { ...counter.counts };
  }

  it('counts a booking on a day the node knows, the first of a day, a look-up and an Idempotency-Key', async () => {
    // Warm: the office is kept, a connection is open, and it has prepared the statements a booking asks for
    // (at its next checkout after the first booking asked: one PREPARE round trip each, once per connection).
    await book('2026-11-24T10:00:00Z');
    await book('2026-11-24T10:40:00Z');

    // Nothing on the pool (the route decides the challenge on the office the node keeps, and the transaction checks
    // that office; until 2026-12-07 the route read its version on the pool first); then in one transaction:
    // BEGIN, the set-up lock, the kept office's version check, the lapsed holds, the mailbox lock and the cap count
    // with the organiser, the day lock and the occupancy read | the insert, the mail and COMMIT. (Until 2026-12-07
    // the lapsed holds were a round trip of their own, which read the organiser; until the same day's evening the
    // cap's count was one too, answered before the day lock was asked for.)
    // (11 statements: the version check is one SELECT of a function since migration 0010; the DO block it was held
    // two ';\n' of its own and counted as three.)
    const booking = { pool: 0, transactions: 1, roundTrips: 2, statements: 11, writes: 2 };
    expect(await costOf(() => book('2026-11-25T10:00:00Z')), 'the first booking of a day').toEqual(booking);
    expect(await costOf(() => book('2026-11-25T10:20:00Z')), 'a booking on a day the node knows').toEqual(booking);

    // The day's occupancy on the pool, with the configuration version of its snapshot: the kept office is current.
    // (Until 2026-12-07 the office's version was a statement of its own before it.)
    expect(
      await costOf(async () => {
        const res = await app.request(
          `/api/v1/locations/${LOCATION}/available-times?services=passport:1&date=2026-11-25`,
        );
        expect(res.status).toBe(200);
      }),
      'a look-up of free times',
    ).toEqual({ pool: 1, transactions: 0, roundTrips: 1, statements: 1, writes: 1 });

    // One round trip more: the key's lock and the answer stored under it, read before the set-up lock is asked
    // for; the answer of this request goes with COMMIT.
    const key = { 'idempotency-key': 'round-trips-1' };
    const who = ++n;
    expect(await costOf(() => book('2026-11-25T10:40:00Z', key, who)), 'a booking with an Idempotency-Key').toEqual({
      pool: 0,
      transactions: 1,
      roundTrips: 3,
      statements: 14,
      writes: 3,
    });
    // Its replay: BEGIN with the key's lock and the stored answer, COMMIT.
    expect(await costOf(() => book('2026-11-25T10:40:00Z', key, who)), 'a replay').toEqual({
      pool: 0,
      transactions: 1,
      roundTrips: 2,
      statements: 4,
      writes: 2,
    });
  });

  it('reads the occupancy through its prepared statement, on the pool and inside a booking', async () => {
    await book('2026-11-24T10:20:00Z');
    counter.reset();
    const res = await app.request(`/api/v1/locations/${LOCATION}/available-times?services=passport:1&date=2026-11-27`);
    expect(res.status).toBe(200);
    // On the pool: node-postgres sends the statement by name (parsed and planned once per connection).
    expect(counter.sent.filter((q) => q.name === OCCUPANCY_STATEMENT.name)).toHaveLength(1);
    counter.reset();
    await book('2026-11-27T10:00:00Z');
    // In the booking's batch, after the day lock: EXECUTE of it, not its text.
    const batches = counter.sent.map((q) => q.text);
    expect(batches.filter((t) => t.includes(`EXECUTE ${OCCUPANCY_STATEMENT.name}(`))).toHaveLength(1);
    expect(batches.some((t) => t.includes(OCCUPANCY_STATEMENT.text))).toBe(false);
    const batch = batches.find((t) => t.includes(`EXECUTE ${OCCUPANCY_STATEMENT.name}(`)) as string;
    expect(batch.indexOf('pg_advisory_xact_lock')).toBeGreaterThanOrEqual(0);
    expect(batch.lastIndexOf('pg_advisory_xact_lock')).toBeLessThan(
      batch.indexOf(`EXECUTE ${OCCUPANCY_STATEMENT.name}`),
    );
    // The booking's other costly statements, prepared by its connection after the first booking asked for them:
    // the lapsed holds, the cap's count with the organiser, the insert (with COMMIT) — each EXECUTE, none as text.
    const statements = batches.flatMap((t) => t.split(';\n'));
    expect(statements.filter((t) => /^EXECUTE loket_tx_[0-9a-f]{24}\(/.test(t.trim()))).toHaveLength(3);
    expect(statements.some((t) => /UPDATE appointments SET status = 'expired'|INSERT INTO appointments/.test(t))).toBe(
      false,
    );
    expect(statements.some((t) => /count\(\*\)::int FROM appointments WHERE customer_email/.test(t))).toBe(false);
    expect(statements.at(-1)).toBe('COMMIT');
  });

  it('a new connection prepares the statements bookings asked for at its first checkout, once', async () => {
    // A connection of its own (the pool's are warm): its first booking inlines, its checkout after prepares.
    const fresh = openPool(database.url, { max: 1 });
    const freshCounter = countingPool(fresh);
    const storage = pgStorage(fresh);
    const freshApp = createApp({ ...deps, storage });
    try {
      const bookOn = async (start: string) => {
        const who = ++n;
        const res = await freshApp.request('/api/v1/appointments', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.9.2.${who % 250}` },
          body: JSON.stringify({
            locationId: LOCATION,
            services: [{ code: 'passport', persons: 1 }],
            start,
            customer: { name: `Resident ${who}`, email: `resident-${who}@example.org` },
          }),
        });
        expect(res.status, await res.clone().text()).toBe(201);
      };
      const executes = () =>
        freshCounter.sent.flatMap((q) => q.text.split(';\n')).filter((t) => /^EXECUTE loket_tx_/.test(t.trim()));
      await bookOn('2026-11-30T10:00:00Z');
      // The statements are known already (earlier bookings asked), so this connection prepared them at its checkout.
      expect(freshCounter.sent.filter((q) => q.text.startsWith('PREPARE loket_tx_'))).toHaveLength(3);
      expect(executes()).toHaveLength(3);
      freshCounter.reset();
      await bookOn('2026-11-30T10:20:00Z');
      expect(freshCounter.sent.filter((q) => q.text.startsWith('PREPARE'))).toHaveLength(0);
      expect(executes()).toHaveLength(3);
    } finally {
      await storage.close();
    }
  });

  it('decides on the current office when the kept one changed under the transaction', async () => {
    await book('2026-11-24T11:00:00Z');
    const office = await deps.storage.write((tx) => getOffice(tx, LOCATION));
    expect(office?.closures.some((c) => c.date === '2026-11-26')).toBe(false);
    // Each transaction has repositories of its own, yet while the version holds it gets the same office object,
    // so what is memoised with it (day plans, engine counters: day-plans.ts) is made once, not per booking.
    expect(await deps.storage.write((tx) => getOffice(tx, LOCATION))).toBe(office);
    // Another node closes the office on the 26th (the trigger bumps the configuration version); this node still
    // keeps the office of before and does not read the version before its transaction.
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    try {
      await other.query(
        `INSERT INTO closures (municipality_id, location_id, date, kind, reason)
         SELECT municipality_id, id, '2026-11-26', 'local', 'round trips' FROM locations WHERE id = $1`,
        [LOCATION],
      );
    } finally {
      await other.end();
    }
    const cost = await costOf(async () => {
      const after = await deps.storage.write((tx) => getOffice(tx, LOCATION));
      expect(after?.closures.some((c) => c.date === '2026-11-26')).toBe(true);
      expect(after).not.toBe(office);
    });
    // The kept office's check failed the first attempt; the second read the office anew.
    expect(cost.transactions).toBe(2);
    // And a booking on that day is refused as closed, on the first attempt.
    counter.reset();
    const res = await app.request('/api/v1/appointments', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.9.1.1' },
      body: JSON.stringify({
        locationId: LOCATION,
        services: [{ code: 'passport', persons: 1 }],
        start: '2026-11-26T10:00:00Z',
        customer: { name: 'Resident', email: 'closed-day@example.org' },
      }),
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/closed/);
    expect(counter.counts.transactions).toBe(1);
  });

  it('does not answer an error decided on a kept office before checking that office', async () => {
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    const onlineBooking = (bookable: boolean) =>
      other.query(
        `UPDATE location_services SET bookable_online = $2
          WHERE location_id = $1 AND service_id = (SELECT id FROM services WHERE code = 'passport' LIMIT 1)`,
        [LOCATION, bookable],
      );
    try {
      // This node keeps the office as passports cannot be booked online there; then another node allows it.
      await onlineBooking(false);
      await deps.storage.write((tx) => getOffice(tx, LOCATION));
      await onlineBooking(true);
    } finally {
      await other.end();
    }
    counter.reset();
    // Without the office of the route (which reads the version on the pool first): the refusal the kept office
    // implies is thrown before any statement is sent, and must not be the answer.
    const booked = await bookAppointment(deps, {
      locationId: LOCATION,
      services: [{ code: 'passport', persons: 1 }],
      start: '2026-11-24T12:00:00Z',
      customer: { name: 'Resident', email: 'kept-office@example.org' },
    });
    expect(booked.reference).toMatch(/^[0-9A-Z]{12}$/);
    expect(counter.counts.transactions).toBe(2);
  });
  it('decides the challenge on the kept office only as far as the current office agrees', async () => {
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    const challengeMode = (mode: string) =>
      other.query('UPDATE locations SET challenge_mode = $2 WHERE id = $1', [LOCATION, mode]);
    // An app of its own on the same storage: fresh per-address buckets (the manual clock never refills them).
    const own = createApp(deps);
    const post = (start: string) =>
      own.request('/api/v1/appointments', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          locationId: LOCATION,
          services: [{ code: 'passport', persons: 1 }],
          start,
          customer: { name: 'Resident', email: `challenge-${++n}@example.org` },
        }),
      });
    try {
      // The node keeps the office (without a challenge) from a booking.
      expect((await post('2026-11-24T13:00:00Z')).status).toBe(201);
      // Another node turns the challenge on; this node still keeps the office without one. A booking without a
      // solution is not made on the strength of the kept office: its transaction finds the office changed.
      await challengeMode('always');
      const first = await post('2026-11-24T13:20:00Z');
      expect(first.status, await first.clone().text()).toBe(409);
      expect(((await first.json()) as { code: string }).code).toBe('conflict');
      // The retry is asked for the solution, as the current office says.
      const second = await post('2026-11-24T13:20:00Z');
      expect(second.status).toBe(403);
      expect(((await second.json()) as { code: string }).code).toBe('challenge-required');
      // And off again elsewhere: the refusal the kept office implies is not the answer; the current office's is.
      await challengeMode('off');
      counter.reset();
      const third = await post('2026-11-24T13:20:00Z');
      expect(third.status, await third.clone().text()).toBe(201);
      // Read anew on the pool: the version, then the changed office.
      expect(counter.counts.pool).toBeGreaterThan(1);
    } finally {
      await challengeMode('off').catch(() => {});
      await other.end();
    }
  });
  it('spends a proof-of-work solution with the next statement, and refuses it spent once', async () => {
    const own = createApp({ ...deps, config: { ...deps.config, CHALLENGE_MAX_NUMBER: 2_000 } });
    const solved = async () => {
      const challenge = await (await own.request('/api/v1/challenge')).json();
      const solution = await solveChallenge({ challenge, deriveKey });
      return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
    };
    const post = (start: string, altcha: string) =>
      own.request('/api/v1/appointments', {
        method: 'POST',
        headers: { 'content-type': 'application/json', altcha },
        body: JSON.stringify({
          locationId: LOCATION,
          services: [{ code: 'passport', persons: 1 }],
          start,
          customer: { name: 'Resident', email: `pow-${++n}@example.org` },
        }),
      });
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    try {
      await other.query(`UPDATE locations SET challenge_mode = 'always' WHERE id = $1`, [LOCATION]);
      // The node kept the office without the challenge: the first booking finds it changed (409 conflict), the
      // retry is decided on the office that asks for a solution.
      expect((await post('2026-12-01T10:00:00Z', await solved())).status).toBe(409);
      expect((await post('2026-12-01T10:00:00Z', await solved())).status).toBe(201);
      const altcha = await solved();
      counter.reset();
      const first = await post('2026-12-01T10:20:00Z', altcha);
      expect(first.status, await first.clone().text()).toBe(201);
      // As many round trips as a booking without a solution: the mark goes in the batch of the cap's count.
      expect(counter.counts).toMatchObject({ pool: 0, transactions: 1, roundTrips: 2 });
      const batch = counter.sent.find((q) => q.text.includes('INSERT INTO spent_challenges'));
      expect(batch?.text).toMatch(/INSERT INTO spent_challenges[^;]*;\n.*pg_advisory_xact_lock/s);
      // Spent: refused with its own code (not 409 conflict, not 500), alone and in a group with a good booking.
      const replay = await post('2026-12-01T10:40:00Z', altcha);
      expect(replay.status).toBe(403);
      expect(((await replay.json()) as { code: string }).code).toBe('challenge-invalid');
      const together = await Promise.all([
        post('2026-12-01T11:00:00Z', altcha),
        post('2026-12-01T11:20:00Z', await solved()),
      ]);
      expect(together.map((r) => r.status)).toEqual([403, 201]);
    } finally {
      await other.query(`UPDATE locations SET challenge_mode = 'off' WHERE id = $1`, [LOCATION]).catch(() => {});
      await other.end();
    }
  });
  it('answers free times on the kept office only when the occupancy read finds it current', async () => {
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    const bookableOnline = (bookable: boolean) =>
      other.query(
        `UPDATE location_services SET bookable_online = $2
          WHERE location_id = $1 AND service_id = (SELECT id FROM services WHERE code = 'passport' LIMIT 1)`,
        [LOCATION, bookable],
      );
    const times = () =>
      app.request(`/api/v1/locations/${LOCATION}/available-times?services=passport:1&date=2026-12-02`);
    try {
      expect((await times()).status).toBe(200);
      // Another node stops online passports: the kept office still offers them, the read's version says otherwise.
      await bookableOnline(false);
      counter.reset();
      const refused = await times();
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.status).toBeLessThan(500);
      // The occupancy with the version, then the version and the office anew (no answer on the kept office).
      expect(counter.counts.pool).toBeGreaterThan(2);
      // And back: the refusal the kept office implies is not answered before the version is read.
      await bookableOnline(true);
      const again = await times();
      expect(again.status, await again.clone().text()).toBe(200);
      expect(((await again.json()) as { times: string[] }).times.length).toBeGreaterThan(0);
    } finally {
      await bookableOnline(true).catch(() => {});
      await other.end();
    }
  });

  it('counts a clerk pressing next and starting the called ticket (issue 9, item 7)', async () => {
    for (let i = 0; i < 4; i++) {
      const res = await app.request(`/api/v1/locations/${LOCATION}/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_DEVICE_TOKEN}` },
        body: JSON.stringify({ services: [{ code: 'passport', persons: 1 }] }),
      });
      expect(res.status, await res.clone().text()).toBe(201);
    }
    const staff = await resolveStaffToken(
      deps.storage.read.auth,
      await signInAs({ app }, 'demo-agent'),
      deps.clock.now(),
    );
    if (!staff) throw new Error('no staff principal');
    const { rows } = await pool.query(`SELECT id FROM counters WHERE location_id = $1 AND name = 'Balie 3'`, [
      LOCATION,
    ]);
    const counterId = Number(rows[0]?.id);
    await signInCounter(deps, staff, { counterId });
    const press = async () => {
      const { called } = await callNext(deps, staff, { counterId });
      if (!called) throw new Error('nobody called');
      await startTicket(deps, staff, { ticketId: called.id });
    };
    // Warm: the call line kept, the connections' statements prepared.
    await press();
    await press();
    // Next: the counter | the configuration version | counters and the line (at once) | the finish | the call | COMMIT
    // with the events and the audit entry. Start: the ticket | its counter | the configuration version | the update |
    // COMMIT with the event and the audit entry. The events and audit entries were a round trip each until 2026-12-07
    // (17 round trips).
    expect(await costOf(press)).toEqual({ pool: 0, transactions: 2, roundTrips: 12, statements: 21, writes: 12 });
  });
});
