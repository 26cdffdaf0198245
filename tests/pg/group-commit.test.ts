import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPool } from '../../db/pg/client.ts';
import { preparePgDatabase } from '../../db/pg/migrate.ts';
import { pgStorage } from '../../db/pg/storage.ts';
import type { Storage } from '../../server/storage.ts';
import { createPgTestDatabase, describeWithPostgres } from '../helpers/servers.ts';

/**
 * Group commit on PostgreSQL (db/pg/storage.ts): writes with `{ group: true }` that arrive together share one
 * transaction and one COMMIT, each in a savepoint of its own; each is answered only after that COMMIT; one that
 * throws (or whose own statement fails) rolls back alone; when the shared COMMIT fails, each runs again alone.
 */
describeWithPostgres('group commit (PostgreSQL)', () => {
  const at = new Date('2026-11-23T08:00:00Z');
  let database: Awaited<ReturnType<typeof createPgTestDatabase>>;
  let pool: pg.Pool;
  let storage: Storage;
  let userId: number;
  /** Queries the storage sent that end in COMMIT. */
  let commits = 0;

  beforeAll(async () => {
    database = await createPgTestDatabase();
    pool = openPool(database.url, { max: 6 });
    await preparePgDatabase(pool, { seedDemo: true });
    // Every query of a checked-out connection is seen (the storage's transactions run on those).
    const connect = pool.connect.bind(pool) as (...args: unknown[]) => Promise<pg.PoolClient>;
    const counted = new WeakSet<pg.PoolClient>();
    (pool as { connect: unknown }).connect = async (...args: unknown[]) => {
      // pool.query checks out with a callback: left alone.
      if (args.length > 0) return connect(...args);
      const client = await connect();
      if (!counted.has(client)) {
        counted.add(client);
        const query = client.query.bind(client) as (...args: unknown[]) => unknown;
        (client as { query: unknown }).query = (...args: unknown[]) => {
          const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string }).text;
          if (typeof text === 'string' && /\bCOMMIT$/.test(text)) commits++;
          return query(...args);
        };
      }
      return client;
    };
    storage = pgStorage(pool);
    await pool.query(
      "INSERT INTO staff_users (municipality_id, username, display_name, role, password_hash) VALUES ('haarlem', 'g', 'G', 'agent', 'x')",
    );
    userId = Number((await pool.query("SELECT id FROM staff_users WHERE username = 'g'")).rows[0].id);
  });
  afterAll(async () => {
    await storage?.close();
    await database?.drop();
  });

  const audits = async (action: string) =>
    Number((await pool.query('SELECT count(*) AS n FROM audit_entries WHERE action = $1', [action])).rows[0].n);
  const session = (hash: string) => ({ userId, tokenHash: hash.repeat(64), createdAt: at, expiresAt: at });

  it('writes that arrive together share one COMMIT, run in order, and are answered after it', async () => {
    const before = commits;
    const seen: number[] = [];
    const writes = Array.from({ length: 5 }, (_, k) =>
      storage.write(
        async (tx) => {
          await tx.audit.record(null, 'haarlem', at, { action: 'test.grouped' });
          seen.push(k);
          return k;
        },
        { group: true },
      ),
    );
    const answered: number[] = [];
    await Promise.all(writes.map((w) => w.then(async () => answered.push(await audits('test.grouped')))));
    expect(await Promise.all(writes)).toEqual([0, 1, 2, 3, 4]);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(commits - before).toBe(1);
    // Committed before the first was answered: a reader on another connection sees all five at once.
    expect(answered).toEqual([5, 5, 5, 5, 5]);
  });

  it('a write that throws, or whose own statement fails, rolls back alone; the others commit', async () => {
    const before = commits;
    const taken = await storage.write((tx) => tx.auth.insertSession(session('a')));
    const results = await Promise.allSettled([
      storage.write((tx) => tx.audit.record(null, 'haarlem', at, { action: 'test.kept' }), { group: true }),
      storage.write(
        async (tx) => {
          await tx.audit.record(null, 'haarlem', at, { action: 'test.undone' });
          throw new Error('no');
        },
        { group: true },
      ),
      storage.write(
        async (tx) => {
          await tx.audit.record(null, 'haarlem', at, { action: 'test.undone' });
          // A unique violation of this write's own statement: the transaction survives it (the savepoint).
          return tx.auth.insertSession(session('a'));
        },
        { group: true },
      ),
      storage.write((tx) => tx.auth.insertSession(session('b')), { group: true }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(results[1]).toMatchObject({ reason: { message: 'no' } });
    expect(results[2]).toMatchObject({ reason: { code: 'conflict', status: 409 } });
    expect(typeof (results[3] as PromiseFulfilledResult<number>).value).toBe('number');
    expect(taken).not.toBe((results[3] as PromiseFulfilledResult<number>).value);
    expect(await audits('test.kept')).toBe(1);
    expect(await audits('test.undone')).toBe(0);
    // One for the session written first, one for the group.
    expect(commits - before).toBe(2);
  });

  it('when the shared COMMIT fails, each write runs again alone and gets its own answer', async () => {
    const now = new Date('2026-11-23T08:00:00Z');
    const location = 'haarlem-zijlsingel';
    const counter = Number(
      (await pool.query('SELECT id FROM counters WHERE location_id = $1 ORDER BY id LIMIT 1', [location])).rows[0].id,
    );
    const service = Number(
      (await pool.query("SELECT id FROM services WHERE municipality_id = 'haarlem' LIMIT 1")).rows[0].id,
    );
    const start = Date.parse('2026-12-01T09:00:00Z');
    let runs = 0;
    const draws: string[] = [];
    const book = (at: number, references: (run: number) => string, options = { group: true }) =>
      storage.write(async (tx) => {
        runs++;
        await tx.appointments.occupancy(location, start - (start % 86_400_000), start + 86_400_000, now);
        return tx.appointments.insertBooked(
          {
            municipalityId: 'haarlem',
            locationId: location,
            serviceDate: '2026-12-01',
            manageTokenHash: 'group-commit-booking',
            startsAt: new Date(at),
            endsAt: new Date(at + 10 * 60_000),
            counterId: counter,
            channel: 'online',
            customerName: 'Test',
            customerEmail: 'group@example.org',
            customerPhone: null,
            language: 'nl',
            followUpOfId: null,
            createdAt: now,
            status: 'booked',
            mailboxKey: 'group@example.org',
            phoneKey: null,
            holdExpiresAt: null,
            confirmCodeHash: null,
          },
          [{ serviceId: service, persons: 1 }],
          {
            reference: () => {
              const reference = references(runs);
              draws.push(reference);
              return reference;
            },
            checkInCode: () => String(777000 + runs),
          },
        );
      }, options);
    const taken = await book(start - 3_600_000, () => 'GRPCMT0000', { group: false });
    // The booking's insert goes with COMMIT (its id reserved by the occupancy read): a drawn reference that is
    // taken fails the shared COMMIT, not a statement of its own.
    draws.length = 0;
    const booking = book(start, (run) => (run === 2 ? taken.reference : 'GRPCMT0001'));
    const other = storage.write((tx) => tx.audit.record(null, 'haarlem', at, { action: 'test.again' }), {
      group: true,
    });
    const [booked] = await Promise.all([booking, other]);
    expect(booked.reference).toBe('GRPCMT0001');
    expect(draws).toEqual(['GRPCMT0000', 'GRPCMT0001']);
    expect(await audits('test.again')).toBe(1);
    expect(
      Number((await pool.query("SELECT count(*) AS n FROM appointments WHERE reference = 'GRPCMT0001'")).rows[0].n),
    ).toBe(1);
  });
});
