/**
 * What the booking's write transaction costs, in process, on both engines (issue 9 item 7: "write less inside
 * the booking transaction"). Books `ROUNDS` appointments with the use-case (`bookAppointment`) and measures the
 * write transaction alone (wall time from the start of `storage.write` to its commit, and this process's CPU
 * meanwhile), and the appointment mail's part of it (`queueAppointmentMail` for one record, in a transaction).
 * Ratios within one run; the machine is shared, so state its load.
 * Run: `npx tsx bench/scale/booking-transaction.ts` (PostgreSQL on LOKET_TEST_DATABASE_URL or 127.0.0.1:5432;
 * SQLite only with `--sqlite-only`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { planDemoAccess } from '../../db/demo-access.ts';
import { openPool } from '../../db/pg/client.ts';
import { preparePgDatabase } from '../../db/pg/migrate.ts';
import { pgStorage } from '../../db/pg/storage.ts';
import { manualClock } from '../../server/clock.ts';
import { testConfig } from '../../server/config.ts';
import type { Deps } from '../../server/deps.ts';
import { createDomainEvents } from '../../server/events.ts';
import { silentLogger } from '../../server/logger.ts';
import { queueAppointmentMail } from '../../server/scheduling/appointment-mails.ts';
import { findAvailableDays, findAvailableTimes } from '../../server/scheduling/availability.ts';
import { bookAppointment } from '../../server/scheduling/book-appointment.ts';
import type { Storage } from '../../server/storage.ts';
import { createTestContext } from '../../tests/helpers/context.ts';
import { createPgTestDatabase } from '../../tests/helpers/servers.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 300);
const MAIL_ROUNDS = 500;
const LOCATION = 'haarlem-zijlsingel';
const NOW = '2026-11-23T08:00:00Z';

interface Measured {
  engine: string;
  bookings: number;
  txWallMs: number;
  txCpuMs: number;
  useCaseCpuMs: number;
  mailQueueUs: number;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** The storage with its `write` timed: wall and CPU from the transaction's start to its commit. */
function timed(storage: Storage, totals: { wall: number; cpu: number; count: number }): Storage {
  return new Proxy(storage, {
    get(target, prop, receiver) {
      if (prop !== 'write') return Reflect.get(target, prop, receiver);
      return async (...args: Parameters<Storage['write']>) => {
        const wall = performance.now();
        const cpu = cpuMs();
        try {
          return await target.write(...args);
        } finally {
          totals.wall += performance.now() - wall;
          totals.cpu += cpuMs() - cpu;
          totals.count++;
        }
      };
    },
  });
}

async function measure(engine: string, base: Deps): Promise<Measured> {
  const starts: string[] = [];
  const days = await findAvailableDays(base, { locationId: LOCATION, services: [{ code: 'passport', persons: 1 }] });
  for (const date of days) {
    if (starts.length >= ROUNDS + 40) break;
    starts.push(
      ...(await findAvailableTimes(base, { locationId: LOCATION, services: [{ code: 'passport', persons: 1 }], date })),
    );
  }
  const totals = { wall: 0, cpu: 0, count: 0 };
  const deps: Deps = { ...base, storage: timed(base.storage, totals) };
  let n = 0;
  const book = async (start: string) => {
    n++;
    await bookAppointment(deps, {
      locationId: LOCATION,
      services: [{ code: 'passport', persons: 1 }],
      start,
      customer: { name: `Bench ${n}`, email: `bench${n}@example.nl`, phone: null },
    });
  };
  for (const start of starts.slice(0, 40)) await book(start); // warm-up
  Object.assign(totals, { wall: 0, cpu: 0, count: 0 });
  const measured = starts.slice(40, 40 + ROUNDS);
  const useCaseCpu = cpuMs();
  for (const start of measured) await book(start);
  const useCaseCpuMs = (cpuMs() - useCaseCpu) / measured.length;

  // The mail part alone: one confirmation for a booked record, queued in a transaction of its own.
  const record = await base.storage.read.appointments.byId(1);
  if (!record) throw new Error('no appointment to mail about');
  const mailTotals = { wall: 0, cpu: 0, count: 0 };
  const mailStorage = timed(base.storage, mailTotals);
  const now = base.clock.now();
  const inTx = () =>
    mailStorage.write((tx) => queueAppointmentMail(tx, record, 'confirmation', now, 'https://loket.example/a'));
  for (let i = 0; i < 50; i++) await inTx();
  const emptyTotals = { wall: 0, cpu: 0, count: 0 };
  const emptyStorage = timed(base.storage, emptyTotals);
  for (let i = 0; i < 50; i++) await emptyStorage.write(async () => {});
  Object.assign(mailTotals, { wall: 0, cpu: 0, count: 0 });
  Object.assign(emptyTotals, { wall: 0, cpu: 0, count: 0 });
  for (let i = 0; i < MAIL_ROUNDS; i++) {
    await inTx();
    await emptyStorage.write(async () => {});
  }
  return {
    engine,
    bookings: totals.count,
    txWallMs: totals.wall / totals.count,
    txCpuMs: totals.cpu / totals.count,
    useCaseCpuMs,
    mailQueueUs: ((mailTotals.cpu - emptyTotals.cpu) / MAIL_ROUNDS) * 1000,
  };
}

const results: Measured[] = [];
const dir = mkdtempSync(join(tmpdir(), 'loket-bench-booking-tx-'));
try {
  const ctx = createTestContext({ dbPath: join(dir, 'bench.db'), now: NOW });
  results.push(await measure('sqlite (file, FULL)', ctx));
  ctx.db.$client.close();
  if (!process.argv.includes('--sqlite-only')) {
    const database = await createPgTestDatabase();
    const pool = openPool(database.url, { max: 4 });
    try {
      const config = testConfig();
      await preparePgDatabase(pool, { seedDemo: true, demoAccess: planDemoAccess(config, new Date(NOW)).rows });
      const clock = manualClock(NOW);
      const deps: Deps = {
        storage: pgStorage(pool),
        clock,
        monotonic: { nowMs: () => clock.now().getTime() },
        config,
        events: createDomainEvents(),
        log: silentLogger,
      };
      results.push(await measure('postgresql', deps));
      await pool.end();
    } finally {
      await database.drop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, ${ROUNDS} bookings per engine`,
);
for (const r of results)
  console.log(
    `${r.engine}: booking transaction ${r.txWallMs.toFixed(3)} ms wall, ${r.txCpuMs.toFixed(3)} ms CPU; ` +
      `use-case CPU ${r.useCaseCpuMs.toFixed(3)} ms per booking; queueing its confirmation mail ` +
      `${r.mailQueueUs.toFixed(0)} µs CPU (over an empty transaction)`,
  );
