import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { writeTransaction } from '../../db/client.ts';
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

async function actual(ctx: TestContext, now: Date) {
  const rows = await ctx.storage.read.appointments.occupancy(LOCATION, FROM, TO, now);
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
      const check = async (at = now) => expect(await actual(ctx, at)).toEqual(expected(ctx, at));
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
});
