import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPool } from '../../db/pg/client.ts';
import { preparePgDatabase } from '../../db/pg/migrate.ts';
import { pgStorage } from '../../db/pg/storage.ts';
import type { OccupiedRecord } from '../../server/scheduling/appointment-store.ts';
import type { Storage } from '../../server/storage.ts';
import { createPgTestDatabase, describeWithPostgres } from '../helpers/servers.ts';

/**
 * The occupancy cache on PostgreSQL (db/pg/occupancy-cache.ts) on two nodes of one database: after every change —
 * by either node, by a third connection, committed or rolled back, moving appointments between days, cancelling,
 * changing their items — each node's answer, on the pool and inside a write transaction, is the database's own
 * (the statement the repository used before it had a cache). A transaction's own writes are seen inside it and
 * never kept when it rolls back.
 */
const LOCATION = 'haarlem-zijlsingel';
const DAY_MS = 86_400_000;
const FIRST_DAY = Date.parse('2026-11-30T00:00:00Z');
/** Four UTC days, read as a range and one by one. */
const RANGES = [
  [FIRST_DAY, FIRST_DAY + 4 * DAY_MS],
  [FIRST_DAY + DAY_MS, FIRST_DAY + 2 * DAY_MS],
  // A local day in Amsterdam spans two UTC days.
  [FIRST_DAY + 2 * DAY_MS - 3_600_000, FIRST_DAY + 3 * DAY_MS - 3_600_000],
] as const;

function normalised(rows: readonly OccupiedRecord[]) {
  return rows
    .map((r) => ({
      id: Number(r.id),
      counterId: Number(r.counterId),
      startsAt: Number(r.startsAt),
      endsAt: Number(r.endsAt),
      status: r.status,
      channel: r.channel,
      serviceIds: [...r.serviceIds].map(Number),
    }))
    .sort((a, b) => a.id - b.id);
}

/** The committed occupancy as the database answers it (as `occupancy` read it before the cache). */
async function expected(db: pg.Pool | pg.PoolClient, from: number, to: number, now: Date) {
  const { rows } = await db.query(
    `SELECT a.id AS "id", a.counter_id AS "counterId", (extract(epoch FROM a.starts_at) * 1000)::float8 AS "startsAt",
            (extract(epoch FROM a.ends_at) * 1000)::float8 AS "endsAt", a.status AS "status", a.channel AS "channel",
            coalesce(array_agg(i.service_id ORDER BY i.id) FILTER (WHERE i.service_id IS NOT NULL), '{}') AS "serviceIds"
       FROM appointments a LEFT JOIN appointment_items i ON i.appointment_id = a.id
      WHERE a.location_id = $1 AND a.starts_at >= $2 AND a.starts_at < $3
        AND (a.status IN ('booked', 'checked-in') OR (a.status = 'held' AND a.hold_expires_at > $4))
      GROUP BY a.id`,
    [LOCATION, new Date(from), new Date(to), now],
  );
  return normalised(rows as OccupiedRecord[]);
}

/** A small deterministic generator (mulberry32): the same sequence of changes every run. */
function generator(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n) as number;
  };
}

describeWithPostgres('the occupancy cache on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createPgTestDatabase>>;
  let writer: pg.Pool;
  const pools: pg.Pool[] = [];
  const nodes: Storage[] = [];
  let counters: number[] = [];
  let services: number[] = [];

  beforeAll(async () => {
    database = await createPgTestDatabase();
    writer = openPool(database.url, { max: 2 });
    await preparePgDatabase(writer, { seedDemo: true });
    for (let n = 0; n < 2; n++) {
      const pool = openPool(database.url, { max: 3 });
      pools.push(pool);
      nodes.push(pgStorage(pool));
    }
    counters = (await writer.query('SELECT id FROM counters WHERE location_id = $1 ORDER BY id', [LOCATION])).rows.map(
      (r) => Number(r.id),
    );
    services = (await writer.query("SELECT id FROM services WHERE municipality_id = 'haarlem' ORDER BY id")).rows.map(
      (r) => Number(r.id),
    );
  });
  afterAll(async () => {
    for (const node of nodes) await node.close();
    await writer?.end();
    await database?.drop();
  });

  /** Every node's answer for every range, on the pool and inside a write transaction, against the database's. */
  async function checkAll(now: Date) {
    for (const [from, to] of RANGES) {
      const want = await expected(writer, from, to, now);
      for (const node of nodes) {
        const got = normalised(await node.read.appointments.occupancy(LOCATION, from, to, now));
        expect(got).toEqual(want);
        const inside = await node.write(async (tx) => tx.appointments.occupancy(LOCATION, from, to, now));
        expect(normalised(inside)).toEqual(want);
      }
    }
  }
  let slot = 0;
  const perDay = [0, 0, 0, 0];
  /** A start of its own (no two appointments ever overlap), on one of the four days (at most 90 a day). */
  const freshStart = (day: number) => {
    slot++;
    const n = (perDay[day] ?? 0) + 1;
    perDay[day] = n;
    return FIRST_DAY + day * DAY_MS + 4 * 3_600_000 + n * 11 * 60_000;
  };

  async function insert(db: pg.Pool | pg.PoolClient, start: number, status: string, holdExpiresAt: Date | null) {
    const reference = `OCC${String(slot).padStart(6, '0')}`;
    const { rows } = await db.query(
      `INSERT INTO appointments (municipality_id, location_id, reference, manage_token_hash, starts_at, ends_at,
         counter_id, channel, status, hold_expires_at, customer_name, customer_email, created_at)
       VALUES ('haarlem', $1, $2, $2, $3, $4, $5, 'online', $6, $7, 'Test', 'test@example.org', now()) RETURNING id`,
      [
        LOCATION,
        reference,
        new Date(start),
        new Date(start + 10 * 60_000),
        counters[slot % counters.length],
        status,
        holdExpiresAt,
      ],
    );
    const id = Number(rows[0].id);
    await db.query('INSERT INTO appointment_items (appointment_id, service_id, persons) VALUES ($1, $2, 1)', [
      id,
      services[slot % services.length],
    ]);
    return id;
  }

  it('answers what the database holds after every change by anyone, committed or rolled back', async () => {
    const next = generator(9);
    const now = new Date('2026-11-23T08:00:00Z');
    const ids: number[] = [];
    for (let k = 0; k < 20; k++) ids.push(await insert(writer, freshStart(k % 4), 'booked', null));
    await checkAll(now);
    for (let step = 0; step < 60; step++) {
      const id = ids[next(ids.length)] as number;
      const change = next(9);
      const client = await writer.connect();
      try {
        await client.query('BEGIN');
        if (change === 0) ids.push(await insert(client, freshStart(next(4)), 'booked', null));
        else if (change === 1) {
          // A hold: lapsed for some reads of `now`, not for others.
          ids.push(await insert(client, freshStart(next(4)), 'held', new Date(now.getTime() + (next(3) - 1) * 60_000)));
        } else if (change === 2) await client.query("UPDATE appointments SET status = 'cancelled' WHERE id = $1", [id]);
        else if (change === 3) {
          const start = freshStart(next(4));
          await client.query('UPDATE appointments SET starts_at = $2, ends_at = $3 WHERE id = $1', [
            id,
            new Date(start),
            new Date(start + 10 * 60_000),
          ]);
        } else if (change === 4) {
          await client.query('UPDATE appointments SET counter_id = $2 WHERE id = $1', [
            id,
            counters[next(counters.length)],
          ]);
        } else if (change === 5) {
          await client.query('INSERT INTO appointment_items (appointment_id, service_id, persons) VALUES ($1, $2, 1)', [
            id,
            services[next(services.length)],
          ]);
        } else if (change === 6) await client.query('DELETE FROM appointment_items WHERE appointment_id = $1', [id]);
        else if (change === 7) {
          await client.query('DELETE FROM appointments WHERE id = $1', [id]);
          ids.splice(ids.indexOf(id), 1);
        } else
          await client.query("UPDATE appointments SET status = 'checked-in', channel = 'phone' WHERE id = $1", [id]);
        // Some changes roll back (a deleted appointment then stays, and may be picked again).
        if (next(4) === 0) {
          await client.query('ROLLBACK');
          if (change === 7) ids.push(id);
          if (change <= 1) ids.pop();
        } else await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
      await checkAll(new Date(now.getTime() + (next(3) - 1) * 30_000));
    }
  });

  it('a transaction sees its own writes, and they are not kept when it rolls back', async () => {
    const now = new Date('2026-11-23T08:00:00Z');
    const [from, to] = RANGES[0];
    await checkAll(now);
    const node = nodes[0] as Storage;
    const before = await expected(writer, from, to, now);
    const victim = before[0];
    expect(victim).toBeDefined();
    const seen = await node
      .write(async (tx) => {
        await tx.appointments.cancel([victim?.id as number], now);
        const inside = await tx.appointments.occupancy(LOCATION, from, to, now);
        throw Object.assign(new Error('roll back'), { inside });
      })
      .catch((error: Error & { inside?: OccupiedRecord[] }) => error.inside);
    expect(normalised(seen ?? [])).toEqual(before.filter((r) => r.id !== victim?.id));
    // Rolled back: both nodes answer the committed rows again, also once another change of the day has
    // committed under the version number the rolled-back one had taken.
    await checkAll(now);
    const other = before.find(
      (r) => r.id !== victim?.id && Math.floor(r.startsAt / DAY_MS) === Math.floor((victim?.startsAt ?? 0) / DAY_MS),
    );
    expect(other).toBeDefined();
    await writer.query("UPDATE appointments SET status = 'cancelled' WHERE id = $1", [other?.id]);
    await checkAll(now);
  });

  it('a group commit member that wrote the day in its savepoint does not keep it, and a rolled-back one leaves no trace', async () => {
    const now = new Date('2026-11-23T08:00:00Z');
    const [from, to] = RANGES[0];
    const node = nodes[0] as Storage;
    const victimId = await insert(writer, freshStart(1), 'booked', null);
    const otherId = await insert(writer, freshStart(1), 'booked', null);
    await checkAll(now);
    const before = await expected(writer, from, to, now);
    const victim = before.find((r) => r.id === victimId);
    const other = before.find((r) => r.id === otherId);
    expect(victim && other).toBeDefined();
    // Two writes that arrive together share one transaction (db/pg/storage.ts): the first cancels an appointment
    // and reads the day in its savepoint (its version row's xmin is the savepoint's, not the transaction's), then
    // fails and is rolled back; the second cancels another one of that day and commits, under the same version number.
    const [first, second] = await Promise.allSettled([
      node.write(
        async (tx) => {
          await tx.appointments.cancel([victim?.id as number], now);
          const inside = await tx.appointments.occupancy(LOCATION, from, to, now);
          expect(normalised(inside)).toEqual(before.filter((r) => r.id !== victim?.id));
          throw new Error('roll back');
        },
        { group: true },
      ),
      node.write((tx) => tx.appointments.cancel([other?.id as number], now), { group: true }),
    ]);
    expect(first).toMatchObject({ status: 'rejected', reason: { message: 'roll back' } });
    expect(second.status).toBe('fulfilled');
    await checkAll(now);
  });

  it('a booking inserted with COMMIT that drew a taken reference or code runs again and draws anew', async () => {
    const now = new Date('2026-11-23T08:00:00Z');
    const node = nodes[0] as Storage;
    const [taken] = (await writer.query('SELECT reference FROM appointments ORDER BY id LIMIT 1')).rows;
    const book = async (references: string[], codes: string[]) => {
      const start = freshStart(3);
      const dayStart = start - (start % DAY_MS);
      let attempts = 0;
      const row = await node.write(async (tx) => {
        // The placement's read reserves the id; the insert goes with COMMIT.
        await tx.appointments.occupancy(LOCATION, dayStart, dayStart + DAY_MS, now);
        const k = attempts++;
        return tx.appointments.insertBooked(
          {
            municipalityId: 'haarlem',
            locationId: LOCATION,
            serviceDate: new Date(start).toISOString().slice(0, 10),
            manageTokenHash: `hash-${references[1]}`,
            startsAt: new Date(start),
            endsAt: new Date(start + 10 * 60_000),
            counterId: counters[0] as number,
            channel: 'online',
            customerName: 'Test',
            customerEmail: 'retry@example.org',
            customerPhone: null,
            language: 'nl',
            followUpOfId: null,
            createdAt: now,
            status: 'booked',
            mailboxKey: 'retry@example.org',
            phoneKey: null,
            holdExpiresAt: null,
            confirmCodeHash: null,
          },
          [{ serviceId: services[0] as number, persons: 1 }],
          { reference: () => references[k] ?? 'X', checkInCode: () => codes[k] ?? 'X' },
        );
      });
      const stored = await writer.query(
        'SELECT id, reference, check_in_code FROM appointments WHERE manage_token_hash = $1',
        [`hash-${references[1]}`],
      );
      expect(stored.rows).toEqual([{ id: row.id, reference: row.reference, check_in_code: row.checkInCode }]);
      expect(await expected(writer, start, start + 1, now)).toEqual([
        {
          id: row.id,
          counterId: counters[0],
          startsAt: start,
          endsAt: start + 10 * 60_000,
          status: 'booked',
          channel: 'online',
          serviceIds: [services[0]],
        },
      ]);
      return { row, attempts };
    };
    // A taken reference: the COMMIT fails on its unique index, the second attempt draws a free one.
    const first = await book([taken.reference as string, 'RRETRY000001'], ['888001', '888002']);
    expect(first.attempts).toBe(2);
    expect(first.row).toMatchObject({ reference: 'RRETRY000001', checkInCode: '888002' });
    // A check-in code taken on the same office-day: the same.
    const second = await book(['RRETRY000002', 'RRETRY000003'], ['888002', '888003']);
    expect(second.attempts).toBe(2);
    expect(second.row).toMatchObject({ reference: 'RRETRY000003', checkInCode: '888003' });
  });
});
