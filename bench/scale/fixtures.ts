/**
 * The bench's database: the demo municipality plus the 20-counter office of `bench/scheduling-speed.ts`
 * (`addBenchOffice`, reused), its proof-of-work set to `always` (a release storm is when an office turns
 * it on), and the invariant checks run on the file afterwards.
 */
import { copyFileSync } from 'node:fs';
import { and, eq, inArray } from 'drizzle-orm';
import { openDatabase } from '../../db/client.ts';
import { planDemoAccess } from '../../db/demo-access.ts';
import { prepareSqliteDatabase } from '../../db/migrate.ts';
import { appointmentItems, appointments } from '../../db/schema/index.ts';
import { loadOffice } from '../../db/sqlite/office.ts';
import { loadConfig } from '../../server/config.ts';
import { findViolations } from '../../server/scheduling/allocation.ts';
import { candidateStarts, localDateOf } from '../../server/scheduling/calendar.ts';
import { engineCounters, planOffice } from '../../server/scheduling/day-plans.ts';
import { addDays } from '../../server/scheduling/recurrence.ts';
import { adminSessionToken } from '../hub/seed.ts';
import { addBenchOffice, BENCH_LOCATION } from '../scheduling-speed.ts';

export { BENCH_LOCATION };
export const ZONE = 'Europe/Amsterdam';
/** 5-minute pickups: every start time has as many places as counters with the skill. */
export const SERVICE = 'pickup';

export interface Template {
  path: string;
  /** Spread workload: start times ordered so that consecutive bookings go to different days. */
  spreadStarts: string[];
  /** Places per start time (counters with the skill). */
  perStart: number;
  /** The release-storm day (not in spreadStarts). */
  hotDay: string;
  hotCapacity: number;
  /** A staff session of demo-admin (for the hub). */
  adminToken: string;
}

export function buildTemplate(path: string, now: Date): Template {
  const config = loadConfig({
    LOKET_DB: path,
    LOG_LEVEL: 'silent',
    LOKET_DEMO_PASSWORD: 'bench-password-123',
    LOKET_DEMO_DEVICE_TOKEN: 'bench-scale-device-token-0123456789',
  });
  const db = openDatabase(path);
  try {
    prepareSqliteDatabase(db, { seedDemo: true, demoAccess: planDemoAccess(config, now).rows });
    addBenchOffice(db);
    db.$client.prepare("UPDATE locations SET challenge_mode = 'always' WHERE id = ?").run(BENCH_LOCATION);
    const adminToken = adminSessionToken(db, now, 6 * 3_600_000);
    const office = loadOffice(db, BENCH_LOCATION);
    if (!office) throw new Error('no bench office');
    const today = localDateOf(now, ZONE);
    const plans = planOffice(office, addDays(today, 1), addDays(today, office.location.maxDaysAhead));
    const pickup = office.services.get(SERVICE)?.id ?? -1;
    const perStart = office.counters.filter((c) => c.skills.has(pickup)).length;
    const byDay: { date: string; starts: string[] }[] = [];
    for (const plan of plans.values()) {
      const spans = [...plan.counterWindows.values()].flat();
      const starts = candidateStarts(plan.date, ZONE, 5, spans, 5 * 60_000).map((t) => new Date(t).toISOString());
      if (starts.length > 0) byDay.push({ date: plan.date, starts });
    }
    // The third open day is the hot one (a release storm); the rest take the spread bookings.
    const hot = byDay.splice(2, 1)[0];
    if (!hot) throw new Error('too few open days');
    const spreadStarts = Array.from({ length: Math.max(...byDay.map((d) => d.starts.length)) }, (_, k) =>
      byDay.map((d) => d.starts[k]).filter((x): x is string => x !== undefined),
    ).flat();
    return {
      path,
      spreadStarts,
      perStart,
      hotDay: hot.date,
      hotCapacity: hot.starts.length * perStart,
      adminToken,
    };
  } finally {
    db.$client.close();
  }
}

export function copyTemplate(template: Template, to: string): string {
  copyFileSync(template.path, to);
  return to;
}

export interface InvariantCheck {
  activeAppointments: number;
  violations: string[];
  /** Acknowledged (201) references missing from the database or not booked. */
  lostAcknowledged: number;
  /** Booked appointments no 201 acknowledged (a lost answer; fine, but reported). */
  unacknowledged: number;
}

/** An active appointment of the bench office as the checks need it, from either engine. */
export interface BookedRow {
  id: number;
  reference: string;
  counterId: number;
  startsAt: Date;
  endsAt: Date;
  serviceIds: number[];
}

/**
 * Invariant 1 (ARCHITECTURE.md#invariants) on what is in the file, for every day of the bench office
 * (the same check as tests/appointments/concurrency.test.ts), and invariant 2: every 201 is there.
 */
export function checkSqlite(path: string, acknowledged: Iterable<string>): InvariantCheck {
  const db = openDatabase(path);
  try {
    const rows = db
      .select()
      .from(appointments)
      .where(and(eq(appointments.locationId, BENCH_LOCATION), inArray(appointments.status, ['booked'])))
      .all();
    const ids = rows.map((r) => r.id);
    const items = ids.length
      ? db.select().from(appointmentItems).where(inArray(appointmentItems.appointmentId, ids)).all()
      : [];
    const servicesOf = new Map<number, number[]>();
    for (const i of items) servicesOf.set(i.appointmentId, [...(servicesOf.get(i.appointmentId) ?? []), i.serviceId]);
    return checkBooked(
      path,
      rows.map((r) => ({ ...r, serviceIds: servicesOf.get(r.id) ?? [] })),
      acknowledged,
    );
  } finally {
    db.$client.close();
  }
}

/**
 * The checks of checkSqlite on rows read from anywhere (bench/scale/postgres.ts reads PostgreSQL's), planned with
 * the office set-up of the SQLite file at `officePath` (the bench's bookings never change the set-up).
 */
export function checkBooked(officePath: string, rows: BookedRow[], acknowledged: Iterable<string>): InvariantCheck {
  const db = openDatabase(officePath);
  try {
    const office = loadOffice(db, BENCH_LOCATION);
    if (!office) throw new Error('no office');
    const byDate = new Map<string, BookedRow[]>();
    for (const r of rows) {
      const d = localDateOf(r.startsAt, ZONE);
      byDate.set(d, [...(byDate.get(d) ?? []), r]);
    }
    const violations: string[] = [];
    for (const [date, list] of byDate) {
      const plan = planOffice(office, date, date).get(date);
      if (!plan) {
        violations.push(`${list.length} appointments on ${date}, a day without a plan`);
        continue;
      }
      violations.push(
        ...findViolations(
          engineCounters(office, plan),
          list.map((r) => ({
            id: r.id,
            counterId: r.counterId,
            start: r.startsAt.getTime(),
            end: r.endsAt.getTime(),
            serviceIds: r.serviceIds,
            movable: false,
          })),
          office.location.walkInShare,
        ),
      );
    }
    const booked = new Set(rows.map((r) => r.reference));
    const acked = new Set(acknowledged);
    let lost = 0;
    for (const ref of acked) if (!booked.has(ref)) lost++;
    let unacknowledged = 0;
    for (const ref of booked) if (!acked.has(ref)) unacknowledged++;
    return { activeAppointments: rows.length, violations, lostAcknowledged: lost, unacknowledged };
  } finally {
    db.$client.close();
  }
}
