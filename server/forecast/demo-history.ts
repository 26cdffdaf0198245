import { randomBytes } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { writeTransaction } from '../../db/client.ts';
import { locations, registryDocuments, tickets } from '../../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import { closedSet, loadOffice, type Office } from '../scheduling/office.ts';
import { expandDates } from '../scheduling/recurrence.ts';
import { addDaysIso } from './demand.ts';
import { simulate } from './simulator/engine.ts';
import { parseScenario, type ScenarioInput } from './simulator/scenario.ts';

/**
 * A year of simulated ticket history for the demo offices, so that statistics, open data and the
 * forecast show something at first start. It is the office simulator run on each office's own
 * counters, skills, roster and hours, with a season (busier before the summer) and a rising renewal
 * wave; a matching registry of issued documents is stored too. No personal data is written: tickets
 * carry times, services and counters only. Runs once: offices that already have past tickets are skipped.
 */

const MONTH_FACTOR = [0.95, 0.95, 1.0, 1.0, 1.15, 1.25, 0.9, 0.85, 1.0, 1.0, 0.95, 0.8];
const SHARE: Record<string, number> = {
  passport: 0.3,
  'id-card': 0.25,
  'driving-licence': 0.12,
  pickup: 0.33,
  birth: 0.03,
};

function wallHour(wall: string): number {
  return Number(wall.slice(0, 2)) + Number(wall.slice(3, 5)) / 60;
}

/** Scenario for one month of an office: counters and shifts from the roster of the month's first Monday. */
function scenarioFor(
  office: Office,
  month: string,
  days: number,
  closed: string[],
  factor: number,
  seed: number,
): ScenarioInput | null {
  const zone = office.location.timeZone;
  const codeById = new Map([...office.services.values()].map((s) => [s.id, s.code]));
  const monday = DateTime.fromISO(`${month}-01`, { zone }).plus({
    days: (8 - DateTime.fromISO(`${month}-01`).weekday) % 7,
  });
  const day = monday.toISODate() as string;
  const shifts = new Map<number, [string, string][]>();
  const walkInCounters = new Map<number, number>();
  const apptCounters = new Map<number, number>();
  for (const rule of office.rosterRules) {
    if (expandDates(rule, day, day).length === 0) continue;
    shifts.set(rule.counterId, [...(shifts.get(rule.counterId) ?? []), [rule.startsAt, rule.endsAt]]);
    for (let h = Math.floor(wallHour(rule.startsAt)); h < wallHour(rule.endsAt); h++) {
      const target = rule.mode === 'appointments' ? apptCounters : walkInCounters;
      target.set(h, (target.get(h) ?? 0) + 1);
      if (rule.mode === 'both') apptCounters.set(h, (apptCounters.get(h) ?? 0) + 0.5);
    }
  }
  const counters = office.counters
    .filter((c) => shifts.has(c.id))
    .map((c) => ({
      id: c.id,
      skills: [...c.skills].map((id) => codeById.get(id) ?? ''),
      shifts: (shifts.get(c.id) ?? []).sort((a, b) => a[0].localeCompare(b[0])),
      speed: 0.85 + ((c.id * 37) % 30) / 100,
    }));
  if (counters.length === 0) return null;
  const walkIn = [...office.services.values()].filter((s) => s.walkIn);
  const bookable = [...office.services.values()].filter((s) => s.bookableOnline);
  const opening = office.scheduleRules.filter((r) => r.kind === 'opening' && expandDates(r, day, day).length > 0);
  const walkInRule = office.scheduleRules.find((r) => r.kind === 'walk-in' && expandDates(r, day, day).length > 0);
  if (opening.length === 0 || !walkInRule) return null;
  const opensAt = opening.map((r) => r.opensAt).sort()[0] as string;
  const closesAt = opening
    .map((r) => r.closesAt)
    .sort()
    .reverse()[0] as string;
  const services = [...office.services.values()]
    .filter((s) => s.walkIn || s.bookableOnline)
    .map((s) => {
      const walkInPerHour: Record<string, number> = {};
      const appointmentsPerHour: Record<string, number> = {};
      const walkShare = (SHARE[s.code] ?? 0.05) / walkIn.reduce((a, x) => a + (SHARE[x.code] ?? 0.05), 0);
      const bookShare = (SHARE[s.code] ?? 0.05) / bookable.reduce((a, x) => a + (SHARE[x.code] ?? 0.05), 0);
      for (let h = Math.floor(wallHour(walkInRule.opensAt)); h < wallHour(walkInRule.closesAt); h++) {
        // About 70 % of the walk-in counters' capacity at an average 8 minutes a visit.
        if (s.walkIn) walkInPerHour[String(h)] = (walkInCounters.get(h) ?? 0) * 5 * factor * walkShare;
      }
      for (const [h, n] of apptCounters) {
        if (s.bookableOnline) appointmentsPerHour[String(h)] = Math.round(n * 4.5 * bookShare * factor);
      }
      return {
        code: s.code,
        meanMinutes: s.minutesPerPerson * 1.05,
        configuredMinutes: s.minutesPerPerson,
        cv: 0.5,
        walkInPerHour,
        appointmentsPerHour,
        twoPersonShare: 0.1,
        targetWaitMinutes: s.targetWaitMinutes,
      };
    });
  return {
    name: `${office.location.id}-${month}`,
    startDate: `${month}-01`,
    days,
    closedDates: closed,
    timeZone: zone,
    opensAt,
    closesAt,
    walkInFrom: walkInRule.opensAt,
    walkInTo: walkInRule.closesAt,
    busynessCv: 0.15,
    doorCrowd: {
      mean: (walkInCounters.get(Math.floor(wallHour(walkInRule.opensAt))) ?? 0) * 2.5 * factor,
      spreadMinutes: 5,
    },
    patienceMinutes: 75,
    appointments: { noShowRate: 0.08, arrivalMeanMinutes: -6, arrivalSdMinutes: 6 },
    services,
    counters,
    seed,
  };
}

/**
 * Generates the history one office-month at a time, each in its own transaction, yielding in between
 * so that a caller can give the event loop room (see `fillDemoHistoryInBackground`).
 */
function* historySteps(
  deps: Deps,
  options: { days?: number },
  totals: { tickets: number; events: number },
): Generator<void> {
  const now = deps.clock.now();
  const all = deps.db.select().from(locations).all();
  for (const location of all) {
    const zone = location.timeZone;
    const today = DateTime.fromJSDate(now, { zone }).toISODate() as string;
    const existing = deps.db
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(eq(tickets.locationId, location.id), lt(tickets.serviceDate, today)))
      .limit(1)
      .get();
    if (existing) continue;
    const office = loadOffice(deps.db, location.id);
    if (!office) continue;
    const first = addDaysIso(today, -(options.days ?? 365));
    const closed = closedSet(office, first, today);
    const letterOf = new Map([...office.services.values()].map((s) => [s.code, s.ticketLetter]));
    const idOf = new Map([...office.services.values()].map((s) => [s.code, s.id]));
    let month = first.slice(0, 7);
    let seed = location.id.length * 1000;
    // The renewal wave: demand grows through the year (adult passports issued ten years ago).
    let trend = 0.85;
    while (`${month}-01` <= today) {
      const start = month === first.slice(0, 7) ? first : `${month}-01`;
      const next = DateTime.fromISO(`${month}-01`).plus({ months: 1 }).toISODate() as string;
      // Dates are ISO strings: the earlier of the two sorts first.
      const end = [next, today].sort()[0] as string;
      let weekdays = 0;
      const closedHere: string[] = [];
      for (let d = start; d < end; d = addDaysIso(d, 1)) {
        if (DateTime.fromISO(d, { zone: 'UTC' }).weekday > 5) continue;
        if (closed.has(d)) closedHere.push(d);
        else weekdays++;
      }
      const factor = (MONTH_FACTOR[Number(month.slice(5, 7)) - 1] ?? 1) * trend;
      const input = weekdays > 0 ? scenarioFor(office, month, weekdays, closedHere, factor, seed++) : null;
      if (input) {
        const result = simulate(parseScenario({ ...input, startDate: start }), { predict: false, learn: false });
        insertMonth(deps, location, result, today, letterOf, idOf, totals);
        yield;
      }
      trend += 0.015;
      month = next.slice(0, 7);
    }
    storeRegistry(deps, location.municipalityId, today);
  }
}

function insertMonth(
  deps: Deps,
  location: typeof locations.$inferSelect,
  result: ReturnType<typeof simulate>,
  today: string,
  letterOf: Map<string, string>,
  idOf: Map<string, number>,
  totals: { tickets: number; events: number },
): void {
  const client = deps.db.$client;
  const insertTicket = client.prepare(
    `INSERT INTO tickets (municipality_id, location_id, service_date, number, letter, sequence, public_id, source, status,
        priority, due_at, counter_id, call_count, language, issued_at, queued_at, called_at, started_at, finished_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, 'nl', ?, ?, ?, ?, ?)`,
  );
  const insertItem = client.prepare('INSERT INTO ticket_items (ticket_id, service_id, persons) VALUES (?, ?, ?)');
  const insertEvent = client.prepare(
    'INSERT INTO ticket_events (ticket_id, location_id, type, at, counter_id, data) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const ms = (d: Date | null) => (d ? d.getTime() : null);
  writeTransaction(deps.db, () => {
    {
      const idMap = new Map<number, number>();
      const sequence = new Map<string, number>();
      for (const t of result.tickets) {
        if (t.serviceDate >= today) continue;
        const code = t.services[0]?.code ?? '';
        const letter = letterOf.get(code) ?? 'X';
        const key = `${t.serviceDate}|${letter}`;
        const seq = (sequence.get(key) ?? 0) + 1;
        sequence.set(key, seq);
        const info = insertTicket.run(
          location.municipalityId,
          location.id,
          t.serviceDate,
          `${letter}${String(seq).padStart(3, '0')}`,
          letter,
          seq,
          randomBytes(12).toString('base64url'),
          t.source,
          t.status === 'cancelled' ? 'cancelled' : 'done',
          ms(t.dueAt),
          t.counterId,
          t.calledAt ? 1 : 0,
          ms(t.issuedAt),
          ms(t.issuedAt),
          ms(t.calledAt),
          ms(t.startedAt),
          ms(t.finishedAt),
        );
        const id = Number(info.lastInsertRowid);
        idMap.set(t.id, id);
        for (const s of t.services) insertItem.run(id, idOf.get(s.code) ?? null, s.persons);
        totals.tickets++;
      }
      for (const e of result.events) {
        const id = idMap.get(e.ticketId);
        if (id === undefined) continue;
        insertEvent.run(id, location.id, e.type, e.at.getTime(), e.counterId, e.data ? JSON.stringify(e.data) : null);
        totals.events++;
      }
    }
  });
}

/** A registry whose renewals rise through the coming year, matching the demand trend of the history. */
function storeRegistry(deps: Deps, municipalityId: string, today: string): void {
  writeTransaction(deps.db, () => {
    const existingRegistry = deps.db
      .select({ m: registryDocuments.month })
      .from(registryDocuments)
      .where(eq(registryDocuments.municipalityId, municipalityId))
      .limit(1)
      .get();
    if (!existingRegistry) {
      const startYear = Number(today.slice(0, 4)) - 12;
      for (let y = startYear; y <= startYear + 12; y++) {
        for (let m = 1; m <= 12; m++) {
          const monthKey = `${y}-${String(m).padStart(2, '0')}`;
          const wave = y >= startYear + 3 && y <= startYear + 5 ? 1 + 0.1 * (y - startYear - 2) * m : 1;
          for (const [documentType, base] of [
            ['passport', 900],
            ['id-card', 700],
            ['driving-licence', 500],
          ] as const) {
            deps.db
              .insert(registryDocuments)
              .values({
                municipalityId: municipalityId,
                month: monthKey,
                documentType,
                ageBand: 'adult',
                count: Math.round(base * wave),
              })
              .run();
            deps.db
              .insert(registryDocuments)
              .values({
                municipalityId: municipalityId,
                month: monthKey,
                documentType,
                ageBand: 'minor',
                count: Math.round(base * 0.25),
              })
              .onConflictDoNothing()
              .run();
          }
        }
      }
    }
  });
}

/** Fills the history synchronously (tests, CLI). */
export function fillDemoHistory(deps: Deps, options: { days?: number } = {}): { tickets: number; events: number } {
  const totals = { tickets: 0, events: 0 };
  for (const _ of historySteps(deps, options, totals)) {
    // one office-month per step
  }
  return totals;
}

/**
 * Fills the history after the server is up, one office-month (a fraction of a second) at a time, so
 * that requests are served in between. Resolves with the totals.
 */
export async function fillDemoHistoryInBackground(
  deps: Deps,
  options: { days?: number } = {},
): Promise<{ tickets: number; events: number }> {
  const totals = { tickets: 0, events: 0 };
  for (const _ of historySteps(deps, options, totals)) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  return totals;
}
