import type pg from 'pg';
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
import { queueReminders } from '../../server/scheduling/reminders.ts';
import { createPgTestDatabase, describeWithPostgres } from '../helpers/servers.ts';

/**
 * The booking use-cases on two nodes (two storages, two pools) of one PostgreSQL database with the demo seed:
 * what the appointments repository must hold across nodes (ARCHITECTURE.md#scale-out) — the per-mailbox cap
 * when the bookings go to different offices and days at once, and one reminder per appointment when the job
 * runs on every node at once. The HTTP-level cluster (capacity, Idempotency-Key after SIGKILL) is
 * tests/scale/pg-bookings.test.ts.
 */
describeWithPostgres('bookings on two PostgreSQL nodes: the mailbox cap and reminders', () => {
  let database: Awaited<ReturnType<typeof createPgTestDatabase>>;
  const pools: pg.Pool[] = [];
  const nodes: Deps[] = [];
  const now = '2026-11-23T08:00:00Z';
  const config = testConfig();

  beforeAll(async () => {
    database = await createPgTestDatabase();
    for (let n = 0; n < 2; n++) {
      const pool = openPool(database.url, { max: 6 });
      if (n === 0) await preparePgDatabase(pool, { seedDemo: true });
      pools.push(pool);
      const clock = manualClock(now);
      nodes.push({
        storage: pgStorage(pool),
        clock,
        monotonic: { nowMs: () => clock.now().getTime() },
        config,
        events: createDomainEvents(),
        log: silentLogger,
      });
    }
  });
  afterAll(async () => {
    for (const node of nodes) await node.storage.close();
    await database?.drop();
  });

  const node = (k: number) => nodes[k % nodes.length] as Deps;
  const passport = [{ code: 'passport', persons: 1 }];

  it('one mailbox booking at two offices on four days at once: exactly the cap is booked, the rest get 409', async () => {
    const cap = config.MAX_ACTIVE_BOOKINGS_PER_EMAIL;
    // Two free starts per office-day, so only the cap (not the time) can refuse a request.
    const starts: { locationId: string; start: string }[] = [];
    for (const locationId of ['haarlem-zijlsingel', 'haarlem-schalkwijk'])
      for (const date of ['2026-11-24', '2026-11-25']) {
        const free = await findAvailableStarts(node(0), { locationId, services: passport, date });
        for (const s of free.slice(0, 2)) starts.push({ locationId, start: s.iso });
      }
    expect(starts.length).toBeGreaterThan(cap);
    const results = await Promise.allSettled(
      starts.map((s, k) =>
        bookAppointment(node(k), {
          ...s,
          services: passport,
          // The cap counts the mailbox: a +tag and another case are the same resident.
          customer: { name: `Resident ${k}`, email: `Hoarder+${k}@Example.org` },
        }),
      ),
    );
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as { code?: string }] : []));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(cap);
    expect(refused.map((e) => e.code)).toEqual(starts.slice(cap).map(() => 'booking-limit-reached'));
    const [row] = (
      await (pools[0] as pg.Pool).query<{ n: number }>(
        "SELECT count(*)::int AS n FROM appointments WHERE mailbox_key = 'hoarder@example.org' AND status = 'booked'",
      )
    ).rows;
    expect(row?.n).toBe(cap);
  });

  it('the reminder job on both nodes at once queues one reminder per appointment of tomorrow', async () => {
    const results = await Promise.all([queueReminders(node(0)), queueReminders(node(1)), queueReminders(node(0))]);
    const pool = pools[0] as pg.Pool;
    const due = (
      await pool.query<{ id: number }>(
        "SELECT id FROM appointments WHERE status = 'booked' AND customer_email IS NOT NULL AND reminder_sent_at IS NOT NULL",
      )
    ).rows.map((r) => r.id);
    expect(due.length).toBeGreaterThan(0);
    expect(results.reduce((a, b) => a + b, 0)).toBe(due.length);
    const mails = (
      await pool.query<{ appointmentId: number; n: number }>(
        `SELECT appointment_id AS "appointmentId", count(*)::int AS n FROM outbox WHERE kind = 'reminder'
          GROUP BY appointment_id ORDER BY appointment_id`,
      )
    ).rows;
    expect(mails).toEqual([...due].sort((a, b) => a - b).map((appointmentId) => ({ appointmentId, n: 1 })));
    expect(await queueReminders(node(1))).toBe(0);
  });
});
