import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Deps } from '../deps.ts';
import { createRandom, type Random } from '../random.ts';
import { allocatorFor, closedSet, dayBounds, engineAppointments, planDay } from '../scheduling/day-plans.ts';
import { getOffice, type Office } from '../scheduling/office-cache.ts';
import { expandDates } from '../scheduling/recurrence.ts';
import { generateManageToken, generateReference, hashToken } from '../scheduling/tokens.ts';
import type { CapacityRecord } from './appointment-capacity.ts';
import { addDaysIso, type RegistryRow, renewalIndex, weekdayOfDate } from './demand.ts';
import type { DemoAppointmentRow, DemoEventRow, DemoTicketRow } from './demo-history-store.ts';
import { demoRegistry, HAARLEM_POPULATION } from './demo-registry.ts';
import { noteHistoryWritten } from './forecast-cache.ts';
import { simulate } from './simulator/engine.ts';
import { parseScenario, type ScenarioInput } from './simulator/scenario.ts';

/**
 * A year of simulated history for the demo offices, so that statistics, open data and the forecast show
 * something at first start. It is the office simulator run day by day on each office's own counters,
 * skills, roster and hours. Demand follows a realistic registry of issued documents for Haarlem
 * (`demo-registry.ts`, stored too): the renewals it predicts for each month set that month's level, so the
 * renewal wave in the history is the one the forecast reads from the registry. Appointments are real rows
 * with the date they were booked (a lead time that grows when it is busy), served or no-show, linked to
 * their check-in tickets; the coming weeks get the book as it would stand today (only bookings already
 * made, placed by the real allocator, so capacity is never exceeded). No personal data is written: the
 * appointments look as they do after the retention period. Runs once: offices with past tickets are skipped.
 */

/** Days before today whose walk-ins get the live predictor's estimate stored (it costs CPU). */
const PREDICTED_DAYS = 28;

/** Summer and Christmas are quiet; the spring peak comes from the registry's renewals. */
const MONTH_FACTOR = [1.0, 1.0, 1.0, 1.0, 1.05, 1.05, 0.88, 0.85, 1.0, 1.0, 0.97, 0.82];
/** Appointment demand by weekday (Monday = 1); Thursday's evening opening draws more. */
const WEEKDAY_APPOINTMENTS = [0, 1.05, 1.0, 0.95, 1.15, 0.85];
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

/** Counters rostered on a date, per hour, for walk-ins and for appointments. */
function rosterOf(office: Office, day: string) {
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
  return { shifts, walkInCounters, apptCounters };
}

/**
 * Expected appointments per service and hour on a date: about 75 % of the rostered appointment capacity
 * at a normal level, × the day's demand factor and weekday; never more than the counters can take.
 */
function appointmentRates(office: Office, day: string, factor: number): Map<string, Map<number, number>> {
  const { apptCounters } = rosterOf(office, day);
  const bookable = [...office.services.values()].filter((s) => s.bookableOnline);
  const total = bookable.reduce((a, x) => a + (SHARE[x.code] ?? 0.05), 0);
  const wd = WEEKDAY_APPOINTMENTS[weekdayOfDate(day)] ?? 1;
  const out = new Map<string, Map<number, number>>();
  for (const s of bookable) {
    const m = new Map<number, number>();
    for (const [h, n] of apptCounters) m.set(h, n * 4.5 * ((SHARE[s.code] ?? 0.05) / total) * factor * wd);
    out.set(s.code, m);
  }
  return out;
}

/** Draws one day's appointments per service and hour, capped at what the counters can serve. */
function drawAppointments(
  office: Office,
  day: string,
  rates: Map<string, Map<number, number>>,
  rng: Random,
): Map<string, Map<number, number>> {
  const { apptCounters } = rosterOf(office, day);
  const out = new Map<string, Map<number, number>>();
  const perHour = new Map<number, number>();
  for (const [code, byHour] of rates) {
    const m = new Map<number, number>();
    for (const [h, rate] of byHour) {
      const cap = Math.floor((apptCounters.get(h) ?? 0) * 5.5);
      const n = Math.min(rng.poisson(rate), Math.max(0, cap - (perHour.get(h) ?? 0)));
      perHour.set(h, (perHour.get(h) ?? 0) + n);
      if (n > 0) m.set(h, n);
    }
    out.set(code, m);
  }
  return out;
}

/**
 * The appointment capacity of a simulated day per bookable service: what was drawn for it plus the
 * appointments the day's cap (`drawAppointments`) still had room for in its hours.
 */
function demoCapacity(office: Office, day: string, booked: Map<string, Map<number, number>>): CapacityRecord[] {
  const { apptCounters } = rosterOf(office, day);
  const perHour = new Map<number, number>();
  for (const byHour of booked.values()) for (const [h, n] of byHour) perHour.set(h, (perHour.get(h) ?? 0) + n);
  let free = 0;
  for (const [h, counters] of apptCounters) free += Math.max(0, Math.floor(counters * 5.5) - (perHour.get(h) ?? 0));
  return [...office.services.values()]
    .filter((s) => s.bookableOnline)
    .map((s) => {
      const drawn = [...(booked.get(s.code) ?? new Map<number, number>()).values()].reduce((a, b) => a + b, 0);
      return { serviceCode: s.code, date: day, capacity: drawn + free };
    })
    .filter((r) => r.capacity > 0);
}

/** Scenario for one day of an office: its counters, shifts and hours that day, its drawn appointments. */
function scenarioFor(
  office: Office,
  day: string,
  factor: number,
  appointmentsByHour: Map<string, Map<number, number>>,
  seed: number,
): ScenarioInput | null {
  const zone = office.location.timeZone;
  const codeById = new Map([...office.services.values()].map((s) => [s.id, s.code]));
  const { shifts, walkInCounters } = rosterOf(office, day);
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
      for (let h = Math.floor(wallHour(walkInRule.opensAt)); h < wallHour(walkInRule.closesAt); h++) {
        // About 70 % of the walk-in counters' capacity at an average 8 minutes a visit.
        if (s.walkIn) walkInPerHour[String(h)] = (walkInCounters.get(h) ?? 0) * 5 * factor * walkShare;
      }
      for (const [h, n] of appointmentsByHour.get(s.code) ?? []) appointmentsPerHour[String(h)] = n;
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
    name: `${office.location.id}-${day}`,
    startDate: day,
    days: 1,
    closedDates: [],
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

/** Days between booking and appointment: a fifth within two days, the rest further ahead when busy. */
function drawLeadDays(rng: Random, factor: number, maxDaysAhead: number): number {
  if (rng.next() < 0.2) return Math.floor(rng.next() * 3);
  const mean = 8 * Math.max(0.6, factor) ** 2;
  return Math.min(maxDaysAhead, 3 + Math.floor(rng.exponential(1 / mean)));
}

/**
 * Demand level per month from the registry: renewals due that month relative to their mean over the
 * history, half of demand following them (the rest is first documents, lost ones, driving licences …).
 */
function demandLevel(registry: readonly RegistryRow[], first: string, today: string): (date: string) => number {
  const index = renewalIndex(registry);
  const perMonth = (month: string) => {
    let sum = 0;
    for (const byMonth of index.values()) sum += byMonth.get(month) ?? 0;
    return sum;
  };
  let sum = 0;
  let n = 0;
  for (let d = `${first.slice(0, 7)}-01`; d < today; d = addDaysIso(d, 31).slice(0, 7).concat('-01')) {
    sum += perMonth(d.slice(0, 7));
    n++;
  }
  const mean = n > 0 && sum > 0 ? sum / n : 1;
  return (date: string) =>
    (MONTH_FACTOR[Number(date.slice(5, 7)) - 1] ?? 1) * (0.5 + (0.5 * perMonth(date.slice(0, 7))) / mean);
}

/**
 * Generates the history one office-day at a time, each in its own write transaction (one repository call
 * per day), calling `between` after each so that a caller can give the event loop room or stop.
 */
async function fillHistory(
  deps: Deps,
  options: { days?: number; predictedDays?: number },
  between: () => Promise<boolean>,
): Promise<{ tickets: number; events: number; appointments: number }> {
  const totals = { tickets: 0, events: 0, appointments: 0 };
  const now = deps.clock.now();
  for (const { id: locationId } of await deps.storage.read.openData.offices()) {
    const office = await getOffice(deps.storage.read, locationId);
    if (!office) continue;
    const { location } = office;
    const zone = location.timeZone;
    const today = DateTime.fromJSDate(now, { zone }).toISODate() as string;
    if (await deps.storage.read.demoHistory.hasTicketsBefore(location.id, today)) continue;
    const registry = await storeRegistry(deps, location.municipalityId, today);
    const first = addDaysIso(today, -(options.days ?? 365));
    const level = demandLevel(registry, first, today);
    const closed = closedSet(office, first, addDaysIso(today, location.maxDaysAhead + 1));
    const letterOf = new Map([...office.services.values()].map((s) => [s.code, s.ticketLetter]));
    const idOf = new Map([...office.services.values()].map((s) => [s.code, s.id]));
    const rng = createRandom(location.id.length * 7919 + 17);
    let seed = location.id.length * 1000;
    for (let day = first; day < today; day = addDaysIso(day, 1)) {
      if (weekdayOfDate(day) > 5 || closed.has(day)) continue;
      const factor = level(day);
      const booked = drawAppointments(office, day, appointmentRates(office, day, factor), rng);
      const input = scenarioFor(office, day, factor, booked, seed++);
      if (!input) continue;
      // The last four weeks carry the live predictor's estimate at issue, as production stores it, so the
      // published accuracy (stats/prediction-accuracy.ts) has something to show.
      const predict = day >= addDaysIso(today, -(options.predictedDays ?? PREDICTED_DAYS));
      const result = simulate(parseScenario(input), { predict, learn: false });
      const rows = dayRows(deps, office, result, today, letterOf, idOf, (code) => {
        const lead = drawLeadDays(rng, factor, location.maxDaysAhead);
        return { lead, hours: rng.next() * 10, channel: channelOf(rng), serviceId: idOf.get(code) ?? null };
      });
      // The capacity the day offered, recorded as the live job records it on the day (censoring of full days).
      const capacity = demoCapacity(office, day, booked);
      await deps.storage.write(async (tx) => {
        await tx.demoHistory.insertDay(rows);
        await tx.forecastHistory.recordCapacity(location.id, capacity, now);
      });
      noteHistoryWritten(deps, location.id);
      totals.appointments += rows.appointments.length;
      totals.tickets += rows.tickets.length;
      totals.events += rows.events.length;
      if (!(await between())) return totals;
    }
    totals.appointments += await insertFutureBook(deps, office, today, level, closed, rng);
    noteHistoryWritten(deps, location.id);
    if (!(await between())) return totals;
  }
  return totals;
}

function channelOf(rng: Random): 'online' | 'phone' | 'counter' {
  const u = rng.next();
  return u < 0.85 ? 'online' : u < 0.95 ? 'phone' : 'counter';
}

interface BookingDraw {
  lead: number;
  hours: number;
  channel: 'online' | 'phone' | 'counter';
  serviceId: number | null;
}

/** One simulated day as rows: its appointments (linked to their check-ins), tickets and the event log. */
function dayRows(
  deps: Deps,
  office: Office,
  result: ReturnType<typeof simulate>,
  today: string,
  letterOf: Map<string, string>,
  idOf: Map<string, number>,
  draw: (code: string) => BookingDraw,
): { appointments: DemoAppointmentRow[]; tickets: DemoTicketRow[]; events: DemoEventRow[] } {
  const location = office.location;
  const ms = (d: Date | null) => (d ? d.getTime() : null);
  const erasedAt = deps.clock.now().getTime();
  const grid = location.slotGridMinutes;
  const skilled = (code: string) => office.counters.find((c) => c.skills.has(idOf.get(code) ?? -1))?.id ?? null;
  const ticketById = new Map(result.tickets.map((t) => [t.id, t]));
  // Appointments first, so that their check-in tickets can point at them.
  const appointments: DemoAppointmentRow[] = [];
  const appointmentOfTicket = new Map<number, number>();
  for (const a of result.appointments) {
    if (a.serviceDate >= today) continue;
    const d = draw(a.code);
    const ticket = a.ticketId !== null ? ticketById.get(a.ticketId) : undefined;
    const counterId = ticket?.counterId ?? skilled(a.code);
    if (counterId === null || d.serviceId === null) continue;
    const minutes = Math.ceil((office.services.get(a.code)?.minutesPerPerson ?? 10) / grid) * grid;
    const start = a.startsAt.getTime();
    const key = appointments.length;
    appointments.push({
      key,
      municipalityId: location.municipalityId,
      locationId: location.id,
      reference: generateReference(),
      manageTokenHash: hashToken(generateManageToken()),
      startsAt: start,
      endsAt: start + minutes * 60_000,
      counterId,
      channel: d.channel,
      status: a.status === 'served' ? 'served' : 'no-show',
      createdAt: Math.min(start - 3_600_000, start - d.lead * 86_400_000 - d.hours * 3_600_000),
      personalDataErasedAt: erasedAt,
      serviceId: d.serviceId,
    });
    if (a.ticketId !== null) appointmentOfTicket.set(a.ticketId, key);
  }
  const tickets: DemoTicketRow[] = [];
  const sequence = new Map<string, number>();
  for (const t of result.tickets) {
    if (t.serviceDate >= today) continue;
    const code = t.services[0]?.code ?? '';
    const letter = letterOf.get(code) ?? 'X';
    const key = `${t.serviceDate}|${letter}`;
    const seq = (sequence.get(key) ?? 0) + 1;
    sequence.set(key, seq);
    tickets.push({
      key: t.id,
      municipalityId: location.municipalityId,
      locationId: location.id,
      serviceDate: t.serviceDate,
      number: `${letter}${String(seq).padStart(3, '0')}`,
      letter,
      sequence: seq,
      publicId: randomBytes(12).toString('base64url'),
      source: t.source,
      status: t.status === 'cancelled' ? 'cancelled' : 'done',
      dueAt: ms(t.dueAt),
      counterId: t.counterId,
      callCount: t.calledAt ? 1 : 0,
      issuedAt: t.issuedAt.getTime(),
      calledAt: ms(t.calledAt),
      startedAt: ms(t.startedAt),
      finishedAt: ms(t.finishedAt),
      appointmentKey: appointmentOfTicket.get(t.id) ?? null,
      predictedWaitSeconds: t.source === 'kiosk' && t.band ? Math.round(t.band.minutes * 60) : null,
      items: t.services.map((s) => ({ serviceId: idOf.get(s.code) ?? null, persons: s.persons })),
    });
  }
  const written = new Set(tickets.map((t) => t.key));
  const events: DemoEventRow[] = result.events
    .filter((e) => written.has(e.ticketId))
    .map((e) => ({
      ticketKey: e.ticketId,
      locationId: location.id,
      type: e.type,
      at: e.at.getTime(),
      counterId: e.counterId,
      data: e.data ? JSON.stringify(e.data) : null,
    }));
  return { appointments, tickets, events };
}

/**
 * The book as it would stand today for the coming weeks: each future day's appointments are drawn like
 * the history's, and those whose booking date lies before today are placed by the real allocator (so no
 * counter is double-booked and the walk-in share is kept); a day that is full turns the rest away.
 * Returns the number of appointments written.
 */
async function insertFutureBook(
  deps: Deps,
  office: Office,
  today: string,
  level: (date: string) => number,
  closed: Set<string>,
  rng: Random,
): Promise<number> {
  const location = office.location;
  const now = deps.clock.now();
  const grid = location.slotGridMinutes;
  const idOf = new Map([...office.services.values()].map((s) => [s.code, s.id]));
  const erasedAt = now.getTime();
  let written = 0;
  for (let day = today; day <= addDaysIso(today, location.maxDaysAhead); day = addDaysIso(day, 1)) {
    if (weekdayOfDate(day) > 5 || closed.has(day)) continue;
    const plan = planDay(office, day);
    if (!plan || plan.closed) continue;
    const factor = level(day);
    const drawn = drawAppointments(office, day, appointmentRates(office, day, factor), rng);
    const ahead = Math.round((Date.parse(`${day}T12:00:00Z`) - Date.parse(`${today}T12:00:00Z`)) / 86_400_000);
    const requests: { code: string; start: number; end: number; created: number; channel: BookingDraw['channel'] }[] =
      [];
    for (const [code, byHour] of drawn) {
      const minutes = Math.ceil((office.services.get(code)?.minutesPerPerson ?? 10) / grid) * grid;
      for (const [hour, n] of byHour) {
        for (let i = 0; i < n; i++) {
          const lead = drawLeadDays(rng, factor, location.maxDaysAhead);
          if (lead <= ahead) continue; // not booked yet
          const startLocal = DateTime.fromISO(day, { zone: location.timeZone }).set({
            hour,
            minute: Math.floor((rng.next() * 60) / grid) * grid,
          });
          const start = startLocal.toMillis();
          if (start <= now.getTime() + location.minNoticeMinutes * 60_000) continue; // today, already past
          const created = Math.min(now.getTime() - 3_600_000, start - lead * 86_400_000 - rng.next() * 36_000_000);
          requests.push({ code, start, end: start + minutes * 60_000, created, channel: channelOf(rng) });
        }
      }
    }
    if (requests.length === 0) continue;
    const bounds = dayBounds(plan.date, location.timeZone);
    const booked = await deps.storage.read.appointments.occupancy(location.id, bounds.start, bounds.end, now);
    const { allocator } = allocatorFor(office, plan, engineAppointments(booked, now));
    const placed: { request: (typeof requests)[number]; id: number }[] = [];
    let nextId = 1_000_000_000;
    for (const request of requests) {
      const serviceId = idOf.get(request.code);
      if (serviceId === undefined) continue;
      // The wanted time, else the nearest free grid times that day.
      for (const shift of [0, 1, -1, 2, -2, 3, -3, 4, -4, 6, -6, 8, -8]) {
        const start = request.start + shift * grid * 60_000;
        const end = request.end + shift * grid * 60_000;
        const id = nextId++;
        if (allocator.commit({ start, end, serviceIds: [serviceId] }, id)) {
          placed.push({ request: { ...request, start, end }, id });
          break;
        }
      }
    }
    const assignment = allocator.assignment();
    const rows: DemoAppointmentRow[] = [];
    for (const { request, id } of placed) {
      const counterId = assignment.get(id);
      const serviceId = idOf.get(request.code);
      if (counterId === undefined || serviceId === undefined) continue;
      rows.push({
        key: rows.length,
        municipalityId: location.municipalityId,
        locationId: location.id,
        reference: generateReference(),
        manageTokenHash: hashToken(generateManageToken()),
        startsAt: request.start,
        endsAt: request.end,
        counterId,
        channel: request.channel,
        status: 'booked',
        createdAt: request.created,
        personalDataErasedAt: erasedAt,
        serviceId,
      });
    }
    await deps.storage.write((tx) => tx.demoHistory.insertAppointments(rows));
    written += rows.length;
  }
  return written;
}

/** Stores the demo registry (once per municipality) and returns the municipality's registry. */
async function storeRegistry(deps: Deps, municipalityId: string, today: string): Promise<RegistryRow[]> {
  const rows = demoRegistry(HAARLEM_POPULATION, '2009-01', today.slice(0, 7));
  await deps.storage.write((tx) => tx.demoHistory.insertRegistryOnce(municipalityId, rows));
  return deps.storage.read.forecastHistory.registry(municipalityId);
}

/** Fills the history at once (tests, CLI). */
export function fillDemoHistory(
  deps: Deps,
  options: { days?: number; predictedDays?: number } = {},
): Promise<{ tickets: number; events: number; appointments: number }> {
  return fillHistory(deps, options, async () => true);
}

/**
 * Fills the history after the server is up, one office-day (a few milliseconds) at a time, so
 * that requests are served in between. Resolves with the totals.
 */
export function fillDemoHistoryInBackground(
  deps: Deps,
  options: { days?: number; predictedDays?: number; signal?: AbortSignal } = {},
): Promise<{ tickets: number; events: number; appointments: number }> {
  return fillHistory(deps, options, async () => {
    await new Promise((resolve) => setImmediate(resolve));
    // Shutdown: stop between office-days.
    return !options.signal?.aborted;
  });
}
