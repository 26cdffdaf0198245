/**
 * Part 4, database growth (issue 9's growth table, second half): does a request at one office cost more when the
 * database holds 1, 10 or 100 offices with a year of history each? Every office: 4 counters rostered 09:00–17:00
 * on weekdays since a year before "now", half of its 10-minute slots booked from then until 8 weeks ahead, and a
 * year of served walk-in tickets with their events. The requests are measured at one office in this process (CPU
 * of the use-cases on the embedded engine, median after warm-up); a flat row-to-row ratio means the indexes keep
 * each office's requests independent of the others' rows and of the past.
 */
import { DateTime } from 'luxon';
import { type Db, openDatabase, writeTransaction } from '../../db/client.ts';
import { runMigrations } from '../../db/migrate.ts';
import { DEMO_MUNICIPALITY, seedDemo } from '../../db/seed.ts';
import type { StaffPrincipal } from '../../server/auth/principal.ts';
import { callNext } from '../../server/queue/call-next.ts';
import { issueTicket } from '../../server/queue/issue-ticket.ts';
import { getQueueSnapshot } from '../../server/queue/queue-read.ts';
import { findAvailableDays, findAvailableStarts } from '../../server/scheduling/availability.ts';
import { bookAppointment } from '../../server/scheduling/book-appointment.ts';
import { round } from '../shared.ts';
import { addOffice, FROM, fill, inProcessDeps, NOW, TO } from './costs.ts';

const ZONE = 'Europe/Amsterdam';
const COUNTERS = 4;
const FILL = 0.5;
const TICKETS_PER_DAY = 40;
/** A year before "now": rules and rosters start here, history is filled from here. */
const HISTORY_FROM = DateTime.fromISO(FROM, { zone: ZONE }).minus({ years: 1 }).toISODate() as string;

export interface DatabaseGrowthRow {
  offices: number;
  appointments: number;
  tickets: number;
  ticketEvents: number;
  fillSeconds: number;
  /** CPU ms (median) of each request at the measured office. */
  availableDaysMs: number;
  availableTimesMs: number;
  bookMs: number;
  issueTicketMs: number;
  callNextMs: number;
  queueSnapshotMs: number;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** A year of served walk-in tickets per office and weekday, each with its issued/called/started/finished events. */
function fillTicketHistory(db: Db, locationId: string, counterIds: number[], passportId: number): number {
  let n = 0;
  writeTransaction(db, (tx) => {
    const insertT = tx.$client.prepare(
      `INSERT INTO tickets (municipality_id, location_id, service_date, number, letter, sequence, public_id, source, status, counter_id,
         call_count, issued_at, queued_at, called_at, started_at, finished_at)
       VALUES (?, ?, ?, ?, 'A', ?, ?, 'kiosk', 'done', ?, 1, ?, ?, ?, ?, ?)`,
    );
    const insertI = tx.$client.prepare('INSERT INTO ticket_items (ticket_id, service_id, persons) VALUES (?, ?, 1)');
    const insertE = tx.$client.prepare(
      'INSERT INTO ticket_events (ticket_id, location_id, type, at, counter_id) VALUES (?, ?, ?, ?, ?)',
    );
    const end = DateTime.fromISO(FROM, { zone: ZONE });
    for (let d = DateTime.fromISO(HISTORY_FROM, { zone: ZONE }); d < end; d = d.plus({ days: 1 })) {
      if (d.weekday > 5) continue;
      const date = d.toISODate() as string;
      const opens = d.set({ hour: 9 }).toMillis();
      for (let k = 1; k <= TICKETS_PER_DAY; k++) {
        const issued = opens + k * 11 * 60_000;
        const called = issued + 8 * 60_000;
        const finished = called + 9 * 60_000;
        const counterId = counterIds[k % counterIds.length] as number;
        const r = insertT.run(
          DEMO_MUNICIPALITY,
          locationId,
          date,
          `A${String(k).padStart(3, '0')}`,
          k,
          `p-${locationId}-${date}-${k}`,
          counterId,
          issued,
          issued,
          called,
          called,
          finished,
        );
        insertI.run(r.lastInsertRowid, passportId);
        for (const [type, at] of [
          ['issued', issued],
          ['called', called],
          ['started', called],
          ['finished', finished],
        ] as const)
          insertE.run(r.lastInsertRowid, locationId, type, at, type === 'issued' ? null : counterId);
        n++;
      }
    }
  });
  return n;
}

function counterIdsOf(db: Db, locationId: string): number[] {
  return (
    db.$client.prepare('SELECT id FROM counters WHERE location_id = ? ORDER BY id').all(locationId) as { id: number }[]
  ).map((c) => c.id);
}

/**
 * Copies `table`'s rows selected by `where` with new ids (old id + the table's current maximum), the columns in
 * `replace` set to SQL expressions over the old row `o`.
 */
function copyRows(db: Db, table: string, where: string, replace: Record<string, string>, params: unknown[]): void {
  const columns = (db.$client.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
  const select = columns.map((c) => replace[c] ?? `o.${c}`).join(', ');
  db.$client
    .prepare(`INSERT INTO ${table} (${columns.join(', ')}) SELECT ${select} FROM ${table} o WHERE ${where}`)
    .run(...params);
}

/** Gives office `to` (same counters, empty) a copy of office `from`'s appointments and tickets with their children. */
function copyOfficeRows(db: Db, from: string, to: string): void {
  const max = (table: string) =>
    (db.$client.prepare(`SELECT coalesce(max(id), 0) AS m FROM ${table}`).get() as { m: number }).m;
  const a = max('appointments');
  const t = max('tickets');
  const fromCounters = counterIdsOf(db, from);
  const toCounters = counterIdsOf(db, to);
  const counter = (col: string) =>
    `CASE o.${col} ${fromCounters.map((c, k) => `WHEN ${c} THEN ${toCounters[k]}`).join(' ')} ELSE NULL END`;
  writeTransaction(db, () => {
    copyRows(
      db,
      'appointments',
      'o.location_id = ?',
      { id: `o.id + ${a}`, location_id: '?', counter_id: counter('counter_id'), reference: "o.reference || '-' || ?" },
      [to, to, from],
    );
    copyRows(
      db,
      'appointment_items',
      'o.appointment_id IN (SELECT id FROM appointments WHERE location_id = ?)',
      { id: `o.id + ${max('appointment_items')}`, appointment_id: `o.appointment_id + ${a}` },
      [from],
    );
    copyRows(
      db,
      'tickets',
      'o.location_id = ?',
      { id: `o.id + ${t}`, location_id: '?', counter_id: counter('counter_id'), public_id: "o.public_id || '-' || ?" },
      [to, to, from],
    );
    copyRows(
      db,
      'ticket_items',
      'o.ticket_id IN (SELECT id FROM tickets WHERE location_id = ?)',
      { id: `o.id + ${max('ticket_items')}`, ticket_id: `o.ticket_id + ${t}` },
      [from],
    );
    copyRows(
      db,
      'ticket_events',
      'o.location_id = ?',
      {
        id: `o.id + ${max('ticket_events')}`,
        ticket_id: `o.ticket_id + ${t}`,
        location_id: '?',
        counter_id: counter('counter_id'),
      },
      [to, from],
    );
  });
}

function count(db: Db, table: string): number {
  return (db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

export async function databaseGrowth(officeCounts: number[], runs: number): Promise<DatabaseGrowthRow[]> {
  const out: DatabaseGrowthRow[] = [];
  for (const offices of officeCounts) {
    const db = openDatabase(':memory:');
    try {
      runMigrations(db);
      seedDemo(db);
      const t0 = performance.now();
      const ids: string[] = [];
      for (let k = 0; k < offices; k++) {
        const id = `growth-office-${String(k).padStart(3, '0')}`;
        ids.push(id);
        addOffice(db, id, COUNTERS);
      }
      db.$client
        .prepare('UPDATE schedule_rules SET starts_on = ? WHERE location_id LIKE ?')
        .run(HISTORY_FROM, 'growth-office-%');
      db.$client
        .prepare('UPDATE roster_rules SET starts_on = ? WHERE location_id LIKE ?')
        .run(HISTORY_FROM, 'growth-office-%');
      const passport = (
        db.$client.prepare("SELECT id FROM services WHERE code = 'passport' LIMIT 1").get() as { id: number }
      ).id;
      // The first office is filled slot by slot; the others get a copy of its rows (each office the same load,
      // 100 offices in seconds instead of minutes).
      const first = ids[0] as string;
      fill(db, first, FILL, HISTORY_FROM, TO);
      fillTicketHistory(db, first, counterIdsOf(db, first), passport);
      for (const id of ids.slice(1)) copyOfficeRows(db, first, id);
      // Past appointments were served; the future ones stay booked.
      db.$client.prepare("UPDATE appointments SET status = 'served' WHERE starts_at < ?").run(Date.parse(NOW));
      const fillSeconds = (performance.now() - t0) / 1000;

      // The measured office: the middle one, so neither the first nor the last rows of any index.
      const office = ids[Math.floor(ids.length / 2)] as string;
      db.$client.prepare("UPDATE counters SET state = 'open' WHERE location_id = ?").run(office);
      // "Call and start": each press finishes the ticket called before, so presses need no separate start.
      db.$client.prepare('UPDATE locations SET call_and_start = 1 WHERE id = ?').run(office);
      const counterId = (
        db.$client.prepare('SELECT id FROM counters WHERE location_id = ? ORDER BY id LIMIT 1').get(office) as {
          id: number;
        }
      ).id;
      const deps = inProcessDeps(db);
      const staff: StaffPrincipal = {
        kind: 'staff',
        userId: 1,
        municipalityId: (
          db.$client.prepare('SELECT municipality_id AS m FROM locations WHERE id = ?').get(office) as {
            m: string;
          }
        ).m,
        role: 'admin',
        locationIds: [office],
        displayName: 'Bench',
        sessionId: 1,
      };
      const services = [{ code: 'passport', persons: 1 }];
      const WARM = 3;
      /** Median CPU ms of `n` calls after warm-up; a call that returns a number reports its own measured part. */
      const measure = async (n: number, f: (k: number) => Promise<unknown>): Promise<number> => {
        const xs: number[] = [];
        for (let k = 0; k < n + WARM; k++) {
          const c0 = cpuMs();
          const own = await f(k);
          if (k >= WARM) xs.push(typeof own === 'number' ? own : cpuMs() - c0);
        }
        return round(median(xs), 2);
      };
      const days: string[] = [];
      const availableDaysMs = await measure(runs, async () => {
        days.splice(
          0,
          days.length,
          ...(await findAvailableDays(deps, { locationId: office, services, from: FROM, to: TO })),
        );
      });
      const day = days[Math.floor(days.length / 2)] as string;
      const availableTimesMs = await measure(runs, async () => {
        await findAvailableStarts(deps, { locationId: office, services, date: day });
      });
      // Each booking takes a start offered just before it (not measured): a booking can use up other offered starts.
      const bookMs = await measure(runs, async (k) => {
        const fresh = await findAvailableStarts(deps, { locationId: office, services, date: day });
        const start = fresh[(k * 7) % fresh.length] as { iso: string };
        const c0 = cpuMs();
        await bookAppointment(deps, {
          locationId: office,
          services,
          start: start.iso,
          customer: { name: `Inwoner ${k}`, email: `growth-${k}@example.org` },
        });
        return cpuMs() - c0;
      });
      const issueTicketMs = await measure(runs * 2, () =>
        issueTicket(deps, staff, { locationId: office, services, source: 'counter' }),
      );
      const callNextMs = await measure(runs, () => callNext(deps, staff, { counterId }));
      const queueSnapshotMs = await measure(runs, () => getQueueSnapshot(deps, staff, office));
      out.push({
        offices,
        appointments: count(db, 'appointments'),
        tickets: count(db, 'tickets'),
        ticketEvents: count(db, 'ticket_events'),
        fillSeconds: round(fillSeconds, 1),
        availableDaysMs,
        availableTimesMs,
        bookMs,
        issueTicketMs,
        callNextMs,
        queueSnapshotMs,
      });
      console.log(`  database growth: ${offices} offices measured`);
    } finally {
      db.$client.close();
    }
  }
  return out;
}
