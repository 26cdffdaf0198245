import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPool } from '../../db/pg/client.ts';
import { preparePgDatabase } from '../../db/pg/migrate.ts';
import { createPgTestDatabase, describeWithPostgres } from '../helpers/servers.ts';

/**
 * The invariants PostgreSQL guarantees itself (db/pg/migrations/0001_invariants.sql), tested with plain SQL:
 * the last line of defence when two nodes' engines both think a slot is free.
 */
describeWithPostgres('PostgreSQL invariants', () => {
  let database: Awaited<ReturnType<typeof createPgTestDatabase>>;
  let pool: pg.Pool;
  let counterA: number;
  let counterB: number;
  let reference = 0;

  beforeAll(async () => {
    database = await createPgTestDatabase();
    pool = openPool(database.url, { max: 6 });
    await preparePgDatabase(pool, { seedDemo: true });
    const { rows } = await pool.query(
      "SELECT id FROM counters WHERE location_id = 'haarlem-zijlsingel' ORDER BY id LIMIT 2",
    );
    [counterA, counterB] = rows.map((r) => r.id as number) as [number, number];
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  const insertAppointment = (
    client: pg.Pool | pg.PoolClient,
    counterId: number,
    startsAt: string,
    endsAt: string,
    status = 'booked',
  ) =>
    client.query(
      `INSERT INTO appointments (municipality_id, location_id, reference, manage_token_hash, starts_at, ends_at,
         counter_id, channel, status, created_at)
       VALUES ('haarlem', 'haarlem-zijlsingel', $1, 'h', $2, $3, $4, 'online', $5, now()) RETURNING id`,
      [`REF-${++reference}`, startsAt, endsAt, counterId, status],
    );

  /** Runs `work` in its own transaction on its own connection; resolves to 'committed' or the SQLSTATE. */
  async function inTransaction(work: (client: pg.PoolClient) => Promise<unknown>): Promise<string> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
      return 'committed';
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      return (err as { code?: string }).code ?? String(err);
    } finally {
      client.release();
    }
  }

  it('two overlapping bookings of one counter in parallel transactions: exactly one commits', async () => {
    for (let round = 0; round < 5; round++) {
      const start = `2030-01-0${round + 1}T10:00:00Z`;
      const results = await Promise.all(
        [0, 1, 2].map((i) =>
          inTransaction((client) => insertAppointment(client, counterA, start, `2030-01-0${round + 1}T10:1${i}:00Z`)),
        ),
      );
      expect(results.filter((r) => r === 'committed')).toHaveLength(1);
      // A deferred exclusion constraint is checked at commit, where three transactions waiting on each other's
      // rows can also end in PostgreSQL's deadlock detector (40P01) instead of the conflict (23P01): both refuse.
      for (const refused of results.filter((r) => r !== 'committed')) expect(['23P01', '40P01']).toContain(refused);
    }
  });

  it('held and checked-in count as taken; cancelled, expired and touching ranges do not', async () => {
    await insertAppointment(pool, counterA, '2030-02-01T10:00:00Z', '2030-02-01T10:30:00Z', 'held');
    await expect(
      inTransaction((c) =>
        insertAppointment(c, counterA, '2030-02-01T10:20:00Z', '2030-02-01T10:40:00Z', 'checked-in'),
      ),
    ).resolves.toBe('23P01');
    await expect(
      inTransaction((c) => insertAppointment(c, counterA, '2030-02-01T10:30:00Z', '2030-02-01T10:40:00Z')),
    ).resolves.toBe('committed');
    await expect(
      inTransaction((c) => insertAppointment(c, counterA, '2030-02-01T10:00:00Z', '2030-02-01T10:30:00Z', 'cancelled')),
    ).resolves.toBe('committed');
    await expect(
      inTransaction((c) => insertAppointment(c, counterB, '2030-02-01T10:00:00Z', '2030-02-01T10:30:00Z')),
    ).resolves.toBe('committed');
    // Expiring the hold frees its time.
    await pool.query("UPDATE appointments SET status = 'expired' WHERE status = 'held'");
    await expect(
      inTransaction((c) => insertAppointment(c, counterA, '2030-02-01T10:00:00Z', '2030-02-01T10:30:00Z')),
    ).resolves.toBe('committed');
  });

  it('is checked at commit: the engine may swap two appointments between counters in one transaction', async () => {
    const a = (await insertAppointment(pool, counterA, '2030-03-01T10:00:00Z', '2030-03-01T10:30:00Z')).rows[0].id;
    const b = (await insertAppointment(pool, counterB, '2030-03-01T10:00:00Z', '2030-03-01T10:30:00Z')).rows[0].id;
    await expect(
      inTransaction(async (c) => {
        await c.query('UPDATE appointments SET counter_id = $1 WHERE id = $2', [counterB, a]);
        await c.query('UPDATE appointments SET counter_id = $1 WHERE id = $2', [counterA, b]);
      }),
    ).resolves.toBe('committed');
    // A move that leaves an overlap is refused at commit.
    await expect(
      inTransaction((c) => c.query('UPDATE appointments SET counter_id = $1 WHERE id = $2', [counterA, a])),
    ).resolves.toBe('23P01');
  });

  it('ticket numbers are unique per location and day, and a request key issues one ticket', async () => {
    const ticket = (number: string, date: string, key: string | null) =>
      inTransaction((c) =>
        c.query(
          `INSERT INTO tickets (municipality_id, location_id, service_date, number, letter, sequence, public_id, source,
             request_key, issued_at, queued_at)
           VALUES ('haarlem', 'haarlem-zijlsingel', $1, $2, 'P', 1, gen_random_uuid()::text, 'kiosk', $3, now(), now())`,
          [date, number, key],
        ),
      );
    expect(await Promise.all([ticket('P001', '2030-01-02', null), ticket('P001', '2030-01-02', null)])).toEqual(
      expect.arrayContaining(['committed', '23505']),
    );
    await expect(ticket('P001', '2030-01-03', null)).resolves.toBe('committed');
    await expect(ticket('P002', '2030-01-03', 'key-1')).resolves.toBe('committed');
    await expect(ticket('P003', '2030-01-03', 'key-1')).resolves.toBe('23505');
  });

  it('every change to an office bumps the scheduling config version (one tiny read per use)', async () => {
    const version = async () =>
      Number((await pool.query('SELECT version FROM scheduling_config_version WHERE id = 1')).rows[0].version);
    const before = await version();
    await pool.query("UPDATE locations SET hold_minutes = 20 WHERE id = 'haarlem-zijlsingel'");
    expect(await version()).toBe(before + 1);
    await pool.query("UPDATE counters SET state = 'open' WHERE id = $1", [counterA]);
    expect(await version()).toBe(before + 1);
    await pool.query('UPDATE counters SET active = false WHERE id = $1', [counterB]);
    expect(await version()).toBe(before + 2);
  });
});
