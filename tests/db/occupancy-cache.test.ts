import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { writeTransaction } from '../../db/client.ts';
import type { OccupiedRecord } from '../../server/scheduling/appointment-store.ts';
import { insertAppointment } from '../helpers/appointments.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { tempDir } from '../helpers/node-process.ts';

const LOCATION = 'haarlem-zijlsingel';
const FROM = Date.parse('2026-11-30T00:00:00Z');
const TO = Date.parse('2026-12-05T00:00:00Z');

/** What `occupancy` must answer: the committed rows, read without the cache (the same SQL as before it). */
function expected(ctx: TestContext, now: Date) {
  const reader = ctx.db.$client;
  const rows = reader
    .prepare(
      `SELECT a.id AS id, a.counter_id AS counterId, a.starts_at AS startsAt, a.ends_at AS endsAt, a.status AS status,
              a.channel AS channel, group_concat(i.service_id) AS serviceIds
         FROM appointments a LEFT JOIN appointment_items i ON i.appointment_id = a.id
        WHERE a.location_id = ? AND a.starts_at >= ? AND a.starts_at < ?
          AND (a.status IN ('booked', 'checked-in') OR (a.status = 'held' AND a.hold_expires_at > ?))
        GROUP BY a.id ORDER BY a.id`,
    )
    .all(LOCATION, FROM, TO, now.getTime()) as { serviceIds: string | null; id: number }[];
  return rows.map((r) => ({ ...r, serviceIds: r.serviceIds ? r.serviceIds.split(',').map(Number).sort() : [] }));
}

/** What occupancy answers in a write transaction: what the writer's connection sees, its own writes included. */
async function inTransaction(ctx: TestContext, now: Date, write?: () => void) {
  let seen: { got: unknown; want: unknown } | null = null;
  await ctx.storage
    .write(async (tx) => {
      write?.();
      seen = { got: normalised(await tx.appointments.occupancy(LOCATION, FROM, TO, now)), want: expected(ctx, now) };
      // Changes made only to look at them roll back.
      if (write) throw new Error('roll back');
    })
    .catch((error: Error) => {
      if (error.message !== 'roll back') throw error;
    });
  return seen as unknown as { got: unknown; want: unknown };
}

async function actual(ctx: TestContext, now: Date) {
  return normalised(await ctx.storage.read.appointments.occupancy(LOCATION, FROM, TO, now));
}

function normalised(rows: OccupiedRecord[]) {
  return rows
    .map((r) => ({
      id: r.id,
      counterId: r.counterId,
      startsAt: r.startsAt,
      endsAt: r.endsAt,
      status: r.status,
      channel: r.channel,
      serviceIds: [...r.serviceIds].sort(),
    }))
    .sort((a, b) => a.id - b.id);
}

describe('occupancy kept in memory (db/sqlite/occupancy-cache.ts)', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) d.remove();
  });

  // A file database: reads go through the second (read-only) connection, whose cache must see the writer's commits.
  for (const kind of ['file', 'memory'] as const) {
    it(`answers what the database holds after every kind of change (${kind})`, async () => {
      const dir = tempDir('occupancy');
      dirs.push(dir);
      const ctx = createTestContext(kind === 'file' ? { dbPath: `${dir.dir}/loket.db` } : {});
      const now = new Date('2026-11-23T08:00:00Z');
      const check = async (at = now) => {
        expect(await actual(ctx, at)).toEqual(expected(ctx, at));
        const seen = await inTransaction(ctx, at);
        expect(seen.got).toEqual(seen.want);
      };
      try {
        await check();
        const a = await insertAppointment(ctx, { locationId: LOCATION, startsAt: '2026-12-01T09:00:00Z' });
        await check();
        await insertAppointment(ctx, { locationId: LOCATION, startsAt: '2026-12-03T23:50:00Z' });
        await check();
        const raw = ctx.db.$client;
        const run = (sql: string, ...params: unknown[]) =>
          writeTransaction(ctx.db, () => raw.prepare(sql).run(...params));
        // A second service, a move to another counter, a hold that lapses by the clock, a cancellation, a new time.
        const other = raw.prepare("SELECT id FROM services WHERE code = 'id-card'").pluck().get();
        run('INSERT INTO appointment_items (appointment_id, service_id, persons) VALUES (?, ?, 1)', a.id, other);
        await check();
        const counters = raw.prepare('SELECT id FROM counters WHERE location_id = ?').pluck().all(LOCATION);
        run('UPDATE appointments SET counter_id = ? WHERE id = ?', counters[1], a.id);
        await check();
        run("UPDATE appointments SET status = 'held', hold_expires_at = ? WHERE id = ?", now.getTime() + 60_000, a.id);
        await check();
        await check(new Date(now.getTime() + 120_000));
        run("UPDATE appointments SET status = 'cancelled', hold_expires_at = NULL WHERE id = ?", a.id);
        await check();
        run("UPDATE appointments SET status = 'booked' WHERE id = ?", a.id);
        run(
          'UPDATE appointments SET starts_at = starts_at + 86400000, ends_at = ends_at + 86400000 WHERE id = ?',
          a.id,
        );
        await check();
        // A write that rolls back leaves what was committed.
        expect(() =>
          writeTransaction(ctx.db, () => {
            raw.prepare('DELETE FROM appointment_items WHERE appointment_id = ?').run(a.id);
            raw.prepare('DELETE FROM appointments WHERE id = ?').run(a.id);
            throw new Error('roll back');
          }),
        ).toThrow('roll back');
        await check();
        run('DELETE FROM appointment_items WHERE appointment_id = ?', a.id);
        run('DELETE FROM appointments WHERE id = ?', a.id);
        await check();
      } finally {
        await ctx.storage.close();
        ctx.db.$client.close();
        if (kind === 'file') rmSync(dir.dir, { recursive: true, force: true });
      }
    });
  }

  it('stays what the database holds through a random stream of this process’s and another process’s writes', async () => {
    const dir = tempDir('occupancy-stream');
    dirs.push(dir);
    const path = `${dir.dir}/loket.db`;
    const ctx = createTestContext({ dbPath: path });
    // Another process on the same file: its writes are in no log of this one, only in the day versions.
    const other = new Database(path);
    const now = new Date('2026-11-23T08:00:00Z');
    let seed = 20261206;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    try {
      const raw = ctx.db.$client;
      const counters = raw.prepare('SELECT id FROM counters WHERE location_id = ?').pluck().all(LOCATION) as number[];
      const services = raw
        .prepare("SELECT id FROM services WHERE municipality_id = 'haarlem'")
        .pluck()
        .all() as number[];
      const ids: number[] = [];
      for (let k = 0; k < 12; k++) {
        const day = 1 + Math.floor(random() * 3);
        ids.push(
          (await insertAppointment(ctx, { locationId: LOCATION, startsAt: `2026-12-0${day}T${10 + k}:00:00Z` })).id,
        );
      }
      // One change of any kind that occupancy reads, on the given connection. One the overlap guard refuses
      // changes nothing (the statement fails alone, its transaction goes on).
      const change = (c: Database.Database) => {
        try {
          changeOnce(c);
        } catch (error) {
          if (!String(error).includes('overlaps another')) throw error;
        }
      };
      const changeOnce = (c: Database.Database) => {
        const id = pick(ids);
        const kind = Math.floor(random() * 8);
        if (kind === 0) c.prepare('UPDATE appointments SET counter_id = ? WHERE id = ?').run(pick(counters), id);
        else if (kind === 1)
          c.prepare('UPDATE appointments SET status = ? WHERE id = ?').run(
            pick(['booked', 'cancelled', 'checked-in']),
            id,
          );
        else if (kind === 2)
          c.prepare("UPDATE appointments SET status = 'held', hold_expires_at = ? WHERE id = ?").run(
            now.getTime() + (random() < 0.5 ? -60_000 : 60_000),
            id,
          );
        else if (kind === 3) {
          const shift = pick([-86_400_000, -3_600_000, 3_600_000, 86_400_000]);
          c.prepare(
            'UPDATE appointments SET starts_at = starts_at + ?, ends_at = ends_at + ? WHERE id = ? AND starts_at + ? BETWEEN ? AND ?',
          ).run(shift, shift, id, shift, FROM, TO - 86_400_000);
        } else if (kind === 4)
          c.prepare('INSERT INTO appointment_items (appointment_id, service_id, persons) VALUES (?, ?, 1)').run(
            id,
            pick(services),
          );
        else if (kind === 5)
          c.prepare(
            'DELETE FROM appointment_items WHERE id = (SELECT max(id) FROM appointment_items WHERE appointment_id = ?)',
          ).run(id);
        else if (kind === 6) c.prepare("UPDATE appointments SET channel = 'phone' WHERE id = ?").run(id);
        else c.prepare('UPDATE appointments SET customer_name = ? WHERE id = ?').run(`Naam ${random()}`, id);
      };
      for (let step = 0; step < 300; step++) {
        const what = random();
        if (what < 0.35) writeTransaction(ctx.db, () => change(raw));
        else if (what < 0.5) change(other);
        else if (what < 0.6) {
          const seen = await inTransaction(ctx, now, () => change(raw));
          expect(seen.got).toEqual(seen.want);
        } else if (what < 0.65) {
          // Several committed writes of this process between two reads.
          for (let k = 0; k < 3; k++) writeTransaction(ctx.db, () => change(raw));
        }
        const at = random() < 0.2 ? new Date(now.getTime() + 120_000) : now;
        // In a transaction before or after the read outside one (before: the kept days may be behind).
        const inside = random();
        for (const turn of ['before', 'after'] as const) {
          if ((turn === 'before' && inside < 0.2) || (turn === 'after' && inside > 0.7)) {
            const seen = await inTransaction(ctx, at);
            expect(seen.got).toEqual(seen.want);
          }
          if (turn === 'before') expect(await actual(ctx, at)).toEqual(expected(ctx, at));
        }
      }
    } finally {
      other.close();
      await ctx.storage.close();
      ctx.db.$client.close();
    }
  });

  it('logs one change per version bump of migration 0011, for every kind of change', async () => {
    const ctx = createTestContext();
    const now = new Date('2026-11-23T08:00:00Z');
    try {
      const raw = ctx.db.$client;
      // The first read installs the log on the writer's connection.
      await ctx.storage.read.appointments.occupancy(LOCATION, FROM, TO, now);
      const counts = (sql: string) =>
        new Map((raw.prepare(sql).all() as { key: string; n: number }[]).map((r) => [r.key, r.n] as [string, number]));
      const versions = () =>
        counts("SELECT location_id || '/' || day AS key, version AS n FROM appointment_day_versions");
      const logged = () =>
        counts(
          "SELECT location_id || '/' || day AS key, count(*) AS n FROM temp.loket_occupancy_changes GROUP BY location_id, day",
        );
      const a = await insertAppointment(ctx, { locationId: LOCATION, startsAt: '2026-12-01T09:00:00Z' });
      const b = await insertAppointment(ctx, { locationId: 'haarlem-schalkwijk', startsAt: '2026-12-02T09:00:00Z' });
      const other = raw.prepare("SELECT id FROM services WHERE code = 'id-card'").pluck().get();
      const counter = raw.prepare('SELECT max(id) FROM counters WHERE location_id = ?').pluck().get(LOCATION);
      const changes = [
        () =>
          raw
            .prepare('INSERT INTO appointment_items (appointment_id, service_id, persons) VALUES (?, ?, 1)')
            .run(a.id, other),
        () => raw.prepare('UPDATE appointment_items SET persons = 2 WHERE appointment_id = ?').run(a.id),
        () =>
          raw
            .prepare('UPDATE appointment_items SET appointment_id = ? WHERE appointment_id = ? AND service_id = ?')
            .run(b.id, a.id, other),
        () => raw.prepare('UPDATE appointments SET counter_id = ? WHERE id = ?').run(counter, a.id),
        () => raw.prepare("UPDATE appointments SET status = 'cancelled' WHERE id IN (?, ?)").run(a.id, b.id),
        () =>
          raw
            .prepare(
              'UPDATE appointments SET starts_at = starts_at + 86400000, ends_at = ends_at + 86400000 WHERE id = ?',
            )
            .run(a.id),
        () => raw.prepare("UPDATE appointments SET location_id = 'haarlem-schalkwijk' WHERE id = ?").run(a.id),
        () => raw.prepare("UPDATE appointments SET customer_name = 'Ander' WHERE id = ?").run(a.id),
        () => raw.prepare('DELETE FROM appointment_items WHERE appointment_id = ?').run(b.id),
        () => raw.prepare('DELETE FROM appointments WHERE id = ?').run(b.id),
      ];
      for (const change of changes) {
        const [v0, l0] = [versions(), logged()];
        writeTransaction(ctx.db, () => change());
        const [v1, l1] = [versions(), logged()];
        for (const key of new Set([...v1.keys(), ...l1.keys()]))
          expect((l1.get(key) ?? 0) - (l0.get(key) ?? 0), key).toBe((v1.get(key) ?? 0) - (v0.get(key) ?? 0));
      }
    } finally {
      await ctx.storage.close();
      ctx.db.$client.close();
    }
  });
});
