import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { writeTransaction } from '../../db/client.ts';
import { cachedOccupancy } from '../../db/sqlite/occupancy-cache.ts';
import { createTestContext } from '../helpers/context.ts';

// db/sqlite/occupancy-cache.ts#catchUpAfterWrite: when a write settles, the process's change log is drained and the
// kept days it touched are brought up to date, so a burst of bookings with no read between them does not leave
// each booking's transaction to patch its day with an ever longer list of changes.
describe('occupancy kept in memory across writes with no read between (SQLite)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const location = 'haarlem-zijlsingel';
  // The local day of 2026-11-24 in Amsterdam: the two UTC days its occupancy reads.
  const from = Date.parse('2026-11-23T23:00:00Z');
  const to = Date.parse('2026-11-24T23:00:00Z');

  /** A process on a database file of its own; `book` posts a passport booking, `truth` the day's active ids. */
  function onDisk() {
    const dir = mkdtempSync(join(tmpdir(), 'loket-occupancy-'));
    dirs.push(dir);
    const dbPath = join(dir, 'loket.db');
    const ctx = createTestContext({ dbPath, now: '2026-11-23T08:00:00Z' });
    const truth = () =>
      ctx.db.$client
        .prepare(
          "SELECT id FROM appointments WHERE location_id = ? AND starts_at >= ? AND starts_at < ? AND status IN ('booked', 'checked-in') ORDER BY id",
        )
        .pluck()
        .all(location, from, to) as number[];
    let n = 0;
    const book = (start: string) =>
      ctx.app.request('/api/v1/appointments', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          locationId: location,
          services: [{ code: 'passport', persons: 1 }],
          start,
          customer: { name: 'Bewoner', email: `bewoner${++n}@example.nl` },
        }),
      });
    return { ctx, dbPath, truth, book };
  }

  it('drains the change log after every write and answers what the database holds, also after another process wrote', async () => {
    const { ctx, dbPath, truth, book } = onDisk();
    const other = new Database(dbPath);
    try {
      const list = await ctx.app.request(
        `/api/v1/locations/${location}/available-times?services=passport:1&date=2026-11-24`,
      );
      const { times } = (await list.json()) as { times: string[] };
      expect(times.length).toBeGreaterThan(12);
      const now = ctx.clock.now();
      const logRows = () =>
        ctx.db.$client.prepare('SELECT count(*) FROM temp.loket_occupancy_changes').pluck().get() as number;
      const inTransaction = () =>
        ctx.storage.write(async (tx) =>
          (await tx.appointments.occupancy(location, from, to, now)).map((r) => r.id).sort((a, b) => a - b),
        );
      // Six at once (one group), then three one after the other: no read outside a transaction between them.
      const together = await Promise.all(times.slice(0, 6).map(book));
      expect(together.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
      expect(logRows()).toBe(0);
      for (const start of times.slice(6, 9)) {
        expect((await book(start)).status).toBe(201);
        expect(logRows()).toBe(0);
        expect(await inTransaction()).toEqual(truth());
      }
      // Another process cancels one and books nothing: its change is in no log of this process.
      other.prepare("UPDATE appointments SET status = 'cancelled' WHERE id = ?").run(truth()[0]);
      expect(await inTransaction()).toEqual(truth());
      expect((await book(times[9] as string)).status).toBe(201);
      expect(await inTransaction()).toEqual(truth());
      expect(truth()).toHaveLength(9);
    } finally {
      other.close();
      await ctx.storage.close();
      ctx.db.$client.close();
    }
  });

  it('keeps the day a booking read in full once it has committed, so the next booking on it finds it kept', async () => {
    const { ctx, truth, book } = onDisk();
    const now = ctx.clock.now();
    const kept = () => writeTransaction(ctx.db, () => cachedOccupancy(ctx.db.$client, location, from, to, now));
    // The day's times, listed by another process (this one's cache must not see the day read).
    const lister = createTestContext({ now: '2026-11-23T08:00:00Z' });
    const list = await lister.app.request(
      `/api/v1/locations/${location}/available-times?services=passport:1&date=2026-11-24`,
    );
    const { times } = (await list.json()) as { times: string[] };
    lister.db.$client.close();
    try {
      // No availability read here: nothing of the day is kept before the first booking.
      expect(kept()).toBeNull();
      expect((await book(times[0] as string)).status).toBe(201);
      expect(kept()?.map((r) => r.id)).toEqual(truth());
      expect((await book(times[1] as string)).status).toBe(201);
      expect(kept()?.map((r) => r.id)).toEqual(truth());
      expect(truth()).toHaveLength(2);
    } finally {
      await ctx.storage.close();
      ctx.db.$client.close();
    }
  });
});
