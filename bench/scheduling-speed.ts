/**
 * Speed: availability for 8 weeks at a 20-counter office, and HTTP booking throughput of our
 * POST /appointments against a bare hono + better-sqlite3 insert endpoint, measured in the same run
 * with autocannon on loopback.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { type Db, openDatabase, writeTransaction } from '../db/client.ts';
import { runMigrations } from '../db/migrate.ts';
import {
  appointmentItems,
  appointments,
  counterSkills,
  counters,
  locationServices,
  locations,
  rosterRules,
  scheduleRules,
  services,
} from '../db/schema/index.ts';
import { DEMO_MUNICIPALITY, seedDemo } from '../db/seed.ts';
import { loadOffice } from '../db/sqlite/office.ts';
import { sqliteStorage } from '../db/sqlite/storage.ts';
import { createApp } from '../server/app.ts';
import { manualClock } from '../server/clock.ts';
import { testConfig } from '../server/config.ts';
import type { Deps } from '../server/deps.ts';
import { createDomainEvents } from '../server/events.ts';
import { silentLogger } from '../server/logger.ts';
import { findAvailableDays, findAvailableTimes } from '../server/scheduling/availability.ts';
import { candidateStarts } from '../server/scheduling/calendar.ts';
import { planOffice } from '../server/scheduling/day-plans.ts';

export const BENCH_LOCATION = 'bench-20';
const NOW = '2026-11-23T07:00:00Z';

/** Adds a 20-counter office (weekdays 09:00–17:00 appointments) to a seeded database. */
/**
 * Inserts an office of the demo municipality offering every service, open and bookable on weekdays
 * 09:00–17:00, still without counters; returns the services it offers.
 */
export function insertWeekdayOffice(tx: Db, id: string, name: string) {
  tx.insert(locations)
    .values({
      id,
      municipalityId: DEMO_MUNICIPALITY,
      name,
      street: 'Grote Markt 2',
      postalCode: '2011 RD',
      city: 'Haarlem',
      minNoticeMinutes: 0,
    })
    .run();
  const all = tx.select().from(services).where(eq(services.municipalityId, DEMO_MUNICIPALITY)).all();
  for (const s of all)
    tx.insert(locationServices).values({ locationId: id, serviceId: s.id, bookableOnline: true, walkIn: true }).run();
  for (const kind of ['opening', 'appointments'] as const)
    tx.insert(scheduleRules)
      .values({
        locationId: id,
        kind,
        rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
        startsOn: '2026-01-01',
        opensAt: '09:00',
        closesAt: '17:00',
      })
      .run();
  return all;
}

export function addBenchOffice(db: Db): void {
  writeTransaction(db, (tx) => {
    const all = insertWeekdayOffice(tx, BENCH_LOCATION, 'Benchmark office');
    const id = (code: string) => all.find((s) => s.code === code)?.id ?? -1;
    const profiles = [
      ['passport', 'id-card', 'driving-licence', 'pickup', 'birth'],
      ['passport', 'id-card', 'driving-licence', 'pickup'],
      ['passport', 'id-card'],
      ['driving-licence', 'pickup'],
      ['passport', 'birth'],
    ];
    for (let k = 0; k < 20; k++) {
      const c = tx
        .insert(counters)
        .values({ locationId: BENCH_LOCATION, name: `Balie ${k + 1}` })
        .returning()
        .get();
      const skills = profiles[k % profiles.length] ?? [];
      tx.insert(counterSkills)
        .values(skills.map((code) => ({ counterId: c.id, serviceId: id(code) })))
        .run();
      tx.insert(rosterRules)
        .values({
          locationId: BENCH_LOCATION,
          counterId: c.id,
          rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
          startsOn: '2026-01-01',
          startsAt: '09:00',
          endsAt: '17:00',
          mode: k % 7 === 6 ? 'both' : 'appointments',
        })
        .run();
    }
  });
}

function deps(db: Db, overrides: Partial<ReturnType<typeof testConfig>> = {}): Deps {
  return {
    storage: sqliteStorage(db),
    clock: manualClock(NOW),
    config: testConfig({
      RATE_LIMIT_BOOKINGS_PER_MINUTE: 1e9,
      RATE_LIMIT_LOOKUPS_PER_MINUTE: 1e9,
      MAX_ACTIVE_BOOKINGS_PER_EMAIL: 1e9,
      ...overrides,
    }),
    events: createDomainEvents(),
    log: silentLogger,
  };
}

/** Fills every open day to about `share` of its capacity with 10-minute appointments (direct inserts). */
function prefill(db: Db, share: number, seed: number): number {
  const office = loadOffice(db, BENCH_LOCATION);
  if (!office) throw new Error('no bench office');
  const passport = office.services.get('passport')?.id ?? -1;
  const plans = planOffice(office, '2026-11-23', '2027-01-18');
  let s = seed;
  const random = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  let n = 0;
  writeTransaction(db, (tx) => {
    for (const plan of plans.values()) {
      for (const [counterId, windows] of plan.counterWindows) {
        const skills = office.counters.find((c) => c.id === counterId)?.skills;
        if (!skills?.has(passport)) continue;
        for (const w of windows) {
          for (let t = w.start; t + 10 * 60_000 <= w.end; t += 10 * 60_000) {
            if (random() >= share) continue;
            const row = tx
              .insert(appointments)
              .values({
                municipalityId: DEMO_MUNICIPALITY,
                locationId: BENCH_LOCATION,
                reference: `F${String(n++).padStart(11, '0')}`,
                manageTokenHash: 'x',
                startsAt: new Date(t),
                endsAt: new Date(t + 10 * 60_000),
                counterId,
                channel: 'online',
                createdAt: new Date(NOW),
              })
              .returning({ id: appointments.id })
              .get();
            tx.insert(appointmentItems).values({ appointmentId: row.id, serviceId: passport, persons: 1 }).run();
          }
        }
      }
    }
  });
  return n;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

export async function availabilitySpeed(fillShare: number, runs = 5) {
  const db = openDatabase(':memory:');
  runMigrations(db);
  seedDemo(db);
  addBenchOffice(db);
  const booked = prefill(db, fillShare, 42);
  const d = deps(db);
  const services = [{ code: 'passport', persons: 2 }];
  const dayTimes: number[] = [];
  const allTimes: number[] = [];
  let days: string[] = [];
  let times = 0;
  for (let r = 0; r < runs; r++) {
    let t = performance.now();
    days = await findAvailableDays(d, { locationId: BENCH_LOCATION, services, from: '2026-11-23', to: '2027-01-17' });
    dayTimes.push(performance.now() - t);
    t = performance.now();
    times = 0;
    for (const date of days)
      times += (await findAvailableTimes(d, { locationId: BENCH_LOCATION, services, date })).length;
    allTimes.push(performance.now() - t);
  }
  db.$client.close();
  return {
    fillShare,
    prefilledAppointments: booked,
    availableDays: days.length,
    availableTimesTotal: times,
    availableDaysMs: median(dayTimes),
    availableTimesAllDaysMs: median(allTimes),
  };
}

async function listen(fetch: (req: Request) => Response | Promise<Response>) {
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

async function cannon(port: number, path: string, body: (i: number) => string, duration: number) {
  let i = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    connections: 10,
    duration,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: body(i++) }),
      },
    ],
  });
  return {
    requests: result.requests.total,
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    ok2xxPerSecond: result['2xx'] / duration,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
  };
}

/** Our POST /appointments on a fresh file database, bookings sent to `order(i)`. */
async function oursThroughput(dir: string, name: string, duration: number, pattern: 'spread' | 'packed') {
  const db = openDatabase(join(dir, `${name}.db`));
  runMigrations(db);
  seedDemo(db);
  addBenchOffice(db);
  const office = loadOffice(db, BENCH_LOCATION);
  if (!office) throw new Error('no bench office');
  const byDay: string[][] = [];
  for (const plan of planOffice(office, '2026-11-23', '2027-01-18').values()) {
    const spans = [...plan.counterWindows.values()].flat();
    const day = candidateStarts(plan.date, 'Europe/Amsterdam', 5, spans, 5 * 60_000).map((t) =>
      new Date(t).toISOString(),
    );
    if (day.length > 0) byDay.push(day);
  }
  // packed: fill one start time on every skilled counter, then the next, day after day (worst case: the
  // engine reads ever fuller days). spread: consecutive bookings go to different days, as when a
  // booking window opens to many residents at once.
  const starts =
    pattern === 'packed'
      ? byDay.flat()
      : Array.from({ length: Math.max(...byDay.map((d) => d.length)) }, (_, k) =>
          byDay.map((d) => d[k]).filter((x): x is string => x !== undefined),
        ).flat();
  const pickup = office.services.get('pickup')?.id ?? -1;
  const perStart = office.counters.filter((c) => c.skills.has(pickup)).length;
  const app = createApp(deps(db));
  const server = await listen(app.fetch);
  const result = await cannon(
    server.port,
    '/api/v1/appointments',
    (i) =>
      JSON.stringify({
        locationId: BENCH_LOCATION,
        services: [{ code: 'pickup', persons: 1 }],
        start: starts[Math.floor(i / perStart) % starts.length],
        customer: { name: `Bench ${i}`, email: `b${i}@example.nl` },
      }),
    duration,
  );
  server.server.close();
  db.$client.close();
  return { ...result, starts };
}

export async function httpThroughput(duration: number) {
  const dir = mkdtempSync(join(tmpdir(), 'loket-bench-'));
  try {
    // Ours: the real app on a file database (WAL, synchronous=FULL), booking 5-minute pickups so that
    // every request has a free counter (each start time gets as many requests as skilled counters).
    const { starts, ...oursResult } = await oursThroughput(dir, 'ours-spread', duration, 'spread');
    const { starts: _packedStarts, ...packedResult } = await oursThroughput(dir, 'ours-packed', duration, 'packed');

    // Bare: hono + better-sqlite3 inserting one row, same pragmas.
    const bare = new Database(join(dir, 'bare.db'));
    bare.pragma('journal_mode = WAL');
    bare.pragma('synchronous = FULL');
    bare.exec(
      'CREATE TABLE bookings (id INTEGER PRIMARY KEY, location_id TEXT NOT NULL, starts_at TEXT NOT NULL, name TEXT NOT NULL, email TEXT NOT NULL, created_at INTEGER NOT NULL)',
    );
    const insert = bare.prepare(
      'INSERT INTO bookings (location_id, starts_at, name, email, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    const bareApp = new Hono().post('/book', async (c) => {
      const b = (await c.req.json()) as {
        locationId: string;
        start: string;
        customer: { name: string; email: string };
      };
      const r = insert.run(b.locationId, b.start, b.customer.name, b.customer.email, Date.now());
      return c.json({ id: Number(r.lastInsertRowid) }, 201);
    });
    const bareServer = await listen(bareApp.fetch);
    const bareResult = await cannon(
      bareServer.port,
      '/book',
      (i) =>
        JSON.stringify({
          locationId: BENCH_LOCATION,
          start: starts[Math.floor(i / 20) % starts.length],
          customer: { name: `Bench ${i}`, email: `b${i}@example.nl` },
        }),
      duration,
    );
    bareServer.server.close();
    bare.close();
    return {
      ours: oursResult,
      oursPacked: packedResult,
      bare: bareResult,
      ratio: oursResult.ok2xxPerSecond / bareResult.ok2xxPerSecond,
      ratioPacked: packedResult.ok2xxPerSecond / bareResult.ok2xxPerSecond,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
