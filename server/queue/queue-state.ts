import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../../db/client.ts';
import {
  appointments,
  counterSkills,
  counters,
  locationServices,
  locations,
  services,
  staffUsers,
  ticketEvents,
  ticketItems,
  tickets,
} from '../../db/schema/index.ts';
import type { CallDto, CounterDto, QueueSnapshot, ServiceWaitDto, TicketDto, WaitBand } from '../contracts/queue.ts';
import { POLICY_DEFAULTS, type PolicyOptions } from './call-next-policy.ts';
import { learnedServiceTimes } from './learned-times.ts';
import { predictWaits } from './predictor.ts';
import type { LearnedServiceTimes } from './service-times.ts';
import { type StatusCounter, serviceWaitStatus, servingCounters } from './wait-status.ts';

/**
 * Reads one location's live queue (today's active tickets, counters, services) and turns it into the
 * DTOs of server/contracts/queue.ts, with live wait estimates from the forecasting module's predictor.
 * Read-only; use-cases call it inside their transaction, the hub after a commit.
 */
export type TicketRow = typeof tickets.$inferSelect;
export type LocationRow = typeof locations.$inferSelect;

export interface ServiceInfo {
  id: number;
  code: string;
  letter: string;
  minutesPerPerson: number;
  targetWaitMinutes: number;
  maxPersons: number;
  walkIn: boolean;
  offered: boolean;
}

export interface CounterState {
  id: number;
  name: string;
  active: boolean;
  state: 'closed' | 'open' | 'paused';
  agentId: number | null;
  agentName: string | null;
  skills: string[];
  currentTicketId: number | null;
}

export interface ActiveTicket {
  row: TicketRow;
  services: { code: string; persons: number }[];
  appointmentReference: string | null;
}

export interface QueueState {
  location: LocationRow;
  now: Date;
  serviceDate: string;
  services: ServiceInfo[];
  counters: CounterState[];
  /** Today's waiting, called and serving tickets. */
  tickets: ActiveTicket[];
  /** Service times learned from recent finished tickets (forecast module); absent: configured times. */
  learned?: LearnedServiceTimes;
  /** Today's walk-in hours (epoch ms), for "no counter open — opens at …"; absent: unknown. */
  walkInHours?: { start: number; end: number }[];
}

/**
 * Today's walk-in hours of a location. Opening hours belong to the scheduling module, which sits above
 * the queue (the dependency rule), so the composition root provides them (`provideWalkInHours`); without
 * a provider the screens say "no counter open" without a time.
 */
export type WalkInHoursProvider = (db: Db, locationId: string, serviceDate: string) => { start: number; end: number }[];
let walkInHoursProvider: WalkInHoursProvider | null = null;

export function provideWalkInHours(provider: WalkInHoursProvider): void {
  walkInHoursProvider = provider;
}

export function serviceDateOf(now: Date, timeZone: string): string {
  return DateTime.fromJSDate(now, { zone: timeZone }).toISODate() ?? now.toISOString().slice(0, 10);
}

/**
 * The hub reads the same few queries several times per call (call, start, broadcast, estimates).
 * Building each with drizzle and preparing it in SQLite cost more CPU than running it (profile of
 * bench:hub), so the hot ones are built and prepared once per database and reused with placeholders.
 * Variable id lists go in as one JSON array (`json_each`), so one statement serves every length.
 */
function buildStatements(db: Db) {
  return {
    ticketById: db
      .select()
      .from(tickets)
      .where(eq(tickets.id, sql.placeholder('id')))
      .prepare(),
    counterById: db
      .select()
      .from(counters)
      .where(eq(counters.id, sql.placeholder('id')))
      .prepare(),
    ticketsByIds: db
      .select()
      .from(tickets)
      .where(inArray(tickets.id, sql`(select value from json_each(${sql.placeholder('ids')}))`))
      .prepare(),
    activeTickets: db
      .select()
      .from(tickets)
      .where(
        and(
          eq(tickets.locationId, sql.placeholder('locationId')),
          eq(tickets.serviceDate, sql.placeholder('serviceDate')),
          inArray(tickets.status, ['waiting', 'called', 'serving']),
        ),
      )
      .orderBy(tickets.id)
      .prepare(),
    counters: db
      .select({ counter: counters, agentName: staffUsers.displayName })
      .from(counters)
      .leftJoin(staffUsers, eq(staffUsers.id, counters.agentId))
      .where(eq(counters.locationId, sql.placeholder('locationId')))
      .orderBy(counters.id)
      .prepare(),
    items: db
      .select({ ticketId: ticketItems.ticketId, code: services.code, persons: ticketItems.persons })
      .from(ticketItems)
      .innerJoin(services, eq(services.id, ticketItems.serviceId))
      .where(inArray(ticketItems.ticketId, sql`(select value from json_each(${sql.placeholder('ids')}))`))
      .orderBy(ticketItems.id)
      .prepare(),
  };
}
const statementCache = new WeakMap<Db, ReturnType<typeof buildStatements>>();

function statements(db: Db): ReturnType<typeof buildStatements> {
  let s = statementCache.get(db);
  if (!s) {
    s = buildStatements(db);
    statementCache.set(db, s);
  }
  return s;
}

/** One counter row by id (prepared once per database; see buildStatements). */
export function loadCounterRow(db: Db, counterId: number): typeof counters.$inferSelect | undefined {
  return statements(db).counterById.get({ id: counterId });
}

/** Ticket rows by id, in no particular order (prepared once per database; see buildStatements). */
export function loadTicketRows(db: Db, ticketIds: readonly number[]): TicketRow[] {
  return ticketIds.length === 0 ? [] : statements(db).ticketsByIds.all({ ids: JSON.stringify(ticketIds) });
}

/** One ticket row by id (prepared once per database; see buildStatements). */
export function loadTicketRow(db: Db, ticketId: number): TicketRow | undefined {
  return statements(db).ticketById.get({ id: ticketId });
}

/**
 * Services, location rows and counter skills change rarely; the scheduling module's triggers bump
 * `scheduling_config_version` on every change to them (by any process). Each queue read costs one tiny
 * query for the version instead of five for the configuration — the hub does several reads per call.
 * Counter state, agent and name are always read fresh.
 */
interface ConfigCache {
  version: number;
  locations: Map<string, LocationRow>;
  services: Map<string, ServiceInfo[]>;
  skills: Map<string, Map<number, string[]>>;
}
const configCaches = new WeakMap<Db['$client'], { stmt: { get(): unknown }; cache: ConfigCache }>();

function configCache(db: Db): ConfigCache {
  let entry = configCaches.get(db.$client);
  if (!entry) {
    const prepared = db.$client.prepare('SELECT version FROM scheduling_config_version WHERE id = 1').pluck();
    entry = {
      stmt: { get: () => prepared.get() },
      cache: { version: -1, locations: new Map(), services: new Map(), skills: new Map() },
    };
    configCaches.set(db.$client, entry);
  }
  const version = Number(entry.stmt.get() ?? 0);
  if (version !== entry.cache.version) {
    entry.cache = { version, locations: new Map(), services: new Map(), skills: new Map() };
  }
  return entry.cache;
}

export function loadServices(db: Db, location: LocationRow): ServiceInfo[] {
  const cache = configCache(db);
  const hit = cache.services.get(location.id);
  if (hit) return hit;
  const value = readServices(db, location);
  cache.services.set(location.id, value);
  return value;
}

function readServices(db: Db, location: LocationRow): ServiceInfo[] {
  const offered = new Map(
    db
      .select()
      .from(locationServices)
      .where(eq(locationServices.locationId, location.id))
      .all()
      .map((l) => [l.serviceId, l]),
  );
  return db
    .select()
    .from(services)
    .where(eq(services.municipalityId, location.municipalityId))
    .orderBy(services.sortOrder)
    .all()
    .map((s) => ({
      id: s.id,
      code: s.code,
      letter: s.ticketLetter,
      minutesPerPerson: s.minutesPerPerson,
      targetWaitMinutes: s.targetWaitMinutes,
      maxPersons: s.maxPersons,
      walkIn: offered.get(s.id)?.walkIn ?? false,
      offered: offered.has(s.id),
    }));
}

export function loadCounters(db: Db, locationId: string, active: ActiveTicket[] = []): CounterState[] {
  const rows = statements(db).counters.all({ locationId });
  const cache = configCache(db);
  let skills = cache.skills.get(locationId);
  if (!skills) {
    skills = new Map<number, string[]>();
    const ids = rows.map((r) => r.counter.id);
    if (ids.length > 0) {
      for (const s of db
        .select({ counterId: counterSkills.counterId, code: services.code })
        .from(counterSkills)
        .innerJoin(services, eq(services.id, counterSkills.serviceId))
        .where(inArray(counterSkills.counterId, ids))
        .all()) {
        skills.set(s.counterId, [...(skills.get(s.counterId) ?? []), s.code]);
      }
    }
    cache.skills.set(locationId, skills);
  }
  const skillsOf = skills;
  return rows.map(({ counter, agentName }) => ({
    id: counter.id,
    name: counter.name,
    active: counter.active,
    state: counter.state,
    agentId: counter.agentId,
    agentName: agentName ?? null,
    skills: skillsOf.get(counter.id) ?? [],
    currentTicketId:
      active.find((t) => t.row.counterId === counter.id && (t.row.status === 'called' || t.row.status === 'serving'))
        ?.row.id ?? null,
  }));
}

/** Items and appointment references for a set of ticket rows. */
export function withDetails(db: Db, rows: TicketRow[]): ActiveTicket[] {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const items = new Map<number, { code: string; persons: number }[]>();
  for (const i of statements(db).items.all({ ids: JSON.stringify(ids) })) {
    items.set(i.ticketId, [...(items.get(i.ticketId) ?? []), { code: i.code, persons: i.persons }]);
  }
  const apptIds = rows.map((r) => r.appointmentId).filter((id): id is number => id !== null);
  const refs = new Map<number, string>();
  if (apptIds.length > 0) {
    for (const a of db
      .select({ id: appointments.id, reference: appointments.reference })
      .from(appointments)
      .where(inArray(appointments.id, apptIds))
      .all())
      refs.set(a.id, a.reference);
  }
  return rows.map((row) => ({
    row,
    services: items.get(row.id) ?? [],
    appointmentReference: row.appointmentId !== null ? (refs.get(row.appointmentId) ?? null) : null,
  }));
}

export function loadLocation(db: Db, locationId: string): LocationRow | undefined {
  const cache = configCache(db);
  const hit = cache.locations.get(locationId);
  if (hit) return hit;
  const row = db.select().from(locations).where(eq(locations.id, locationId)).get();
  if (row) cache.locations.set(locationId, row);
  return row;
}

export function loadQueueState(db: Db, location: LocationRow, now: Date): QueueState {
  const serviceDate = serviceDateOf(now, location.timeZone);
  const rows = statements(db).activeTickets.all({ locationId: location.id, serviceDate });
  const active = withDetails(db, rows);
  const services = loadServices(db, location);
  const configured = Object.fromEntries(services.map((s) => [s.code, s.minutesPerPerson]));
  return {
    location,
    now,
    serviceDate,
    services,
    counters: loadCounters(db, location.id, active),
    tickets: active,
    learned: learnedServiceTimes(db, location.id, now, configured),
    walkInHours: walkInHoursProvider?.(db, location.id, serviceDate),
  };
}

export function policyOptions(state: Pick<QueueState, 'location' | 'services'>): PolicyOptions {
  return {
    targetWaitMinutes: Object.fromEntries(state.services.map((s) => [s.code, s.targetWaitMinutes])),
    lateGraceMinutes: state.location.checkInLateGraceMinutes,
    dueEarlyMinutes: POLICY_DEFAULTS.dueEarlyMinutes,
  };
}

/** Beyond this many waiting tickets the live estimate uses the predictor's cheaper mean-value mode. */
const LONG_LINE = 150;

export interface Estimates {
  /** Bands of waiting tickets that an open counter can serve (the others have no honest estimate). */
  perTicket: Map<number, WaitBand>;
  positions: Map<number, number>;
  waits: ServiceWaitDto[];
}

/** Live estimates for every waiting ticket and per service ("if you take a ticket now"). */
export function estimateWaits(state: QueueState, options: { live?: boolean } = {}): Estimates {
  const mean =
    state.learned?.meanMinutesPerPerson ?? Object.fromEntries(state.services.map((s) => [s.code, s.minutesPerPerson]));
  const waiting = state.tickets.filter((t) => t.row.status === 'waiting');
  const byId = new Map(state.tickets.map((t) => [t.row.id, t]));
  const policy = policyOptions(state);
  const out = predictWaits({
    now: state.now,
    tickets: waiting.map((t) => ({
      id: t.row.id,
      services: t.services,
      queuedAt: t.row.queuedAt,
      dueAt: t.row.dueAt,
      priority: t.row.priority,
      targetCounterId: t.row.targetCounterId,
    })),
    counters: state.counters
      .filter((c) => c.active)
      .map((c) => {
        const current = c.currentTicketId !== null ? byId.get(c.currentTicketId) : undefined;
        return {
          id: c.id,
          skills: c.skills,
          state: c.state,
          current: current
            ? {
                startedAt: current.row.startedAt,
                expectedMinutes: current.services.reduce((sum, s) => sum + (mean[s.code] ?? 10) * s.persons, 0),
              }
            : null,
        };
      }),
    meanMinutesPerPerson: mean,
    counterSpeed: state.learned?.counterSpeed,
    serviceCv: state.learned?.serviceCv,
    targetWaitMinutes: policy.targetWaitMinutes,
    lateGraceMinutes: policy.lateGraceMinutes,
    dueEarlyMinutes: policy.dueEarlyMinutes,
    serviceCodes: state.services.filter((s) => s.walkIn).map((s) => s.code),
    // Long lines: one mean-value replay instead of the stochastic ones, so an estimate never blocks the
    // event loop (and every display of the process) for hundreds of milliseconds.
    // The broadcast after every change (`live`) uses the one mean-value replay too: about a tenth of the
    // CPU, and the hub runs it for every office on every change. The wait stored at issue, which is what
    // the predictor is scored on, keeps the full estimate.
    ...(waiting.length > LONG_LINE || options.live ? { replications: 0 } : {}),
  });
  const statusCounters: StatusCounter[] = state.counters
    .filter((c) => c.active)
    .map((c) => ({ id: c.id, state: c.state, skills: c.skills, busy: c.currentTicketId !== null }));
  // No open counter can call it: the predictor's "more than an hour" is a guess, not an estimate.
  for (const t of waiting) {
    const codes = t.services.map((s) => s.code);
    if (servingCounters(statusCounters, codes, t.row.targetCounterId).length === 0) out.perTicket.delete(t.row.id);
  }
  // Position: 1 + waiting tickets sharing a service that are expected to be called earlier.
  const positions = new Map<number, number>();
  for (const t of waiting) {
    const mine = out.perTicket.get(t.row.id)?.minutes ?? 0;
    const codes = new Set(t.services.map((s) => s.code));
    let ahead = 0;
    for (const o of waiting) {
      if (o === t || !o.services.some((s) => codes.has(s.code))) continue;
      const theirs = out.perTicket.get(o.row.id)?.minutes ?? 0;
      if (theirs < mine || (theirs === mine && o.row.id < t.row.id)) ahead++;
    }
    positions.set(t.row.id, ahead + 1);
  }
  const waitingStatus = waiting.map((t) => ({
    id: t.row.id,
    codes: t.services.map((s) => s.code),
    targetCounterId: t.row.targetCounterId,
  }));
  const waits: ServiceWaitDto[] = state.services
    .filter((s) => s.walkIn)
    .map((s) => {
      const p = out.perService[s.code];
      const status = serviceWaitStatus({
        code: s.code,
        now: state.now,
        counters: statusCounters,
        waiting: waitingStatus,
        band: p ? { minutes: p.minutes, low: p.low, high: p.high, band: p.band } : undefined,
        walkInHours: state.walkInHours ?? [],
      });
      return {
        code: s.code,
        waiting: waiting.filter((t) => t.services.some((x) => x.code === s.code)).length,
        status: status.status,
        estimatedWait: status.estimatedWait,
        opensAt: status.opensAt
          ? (DateTime.fromJSDate(status.opensAt, { zone: state.location.timeZone }).toISO({
              suppressMilliseconds: true,
            }) ?? null)
          : null,
      };
    });
  return { perTicket: out.perTicket, positions, waits };
}

export function toTicketDto(
  t: ActiveTicket,
  counterNames: Map<number, string>,
  estimates?: Pick<Estimates, 'perTicket' | 'positions'>,
): TicketDto {
  const r = t.row;
  return {
    id: r.id,
    publicId: r.publicId,
    locationId: r.locationId,
    serviceDate: r.serviceDate,
    number: r.number,
    status: r.status,
    source: r.source,
    priority: r.priority,
    services: t.services,
    appointmentReference: t.appointmentReference,
    dueAt: r.dueAt?.toISOString() ?? null,
    counterId: r.counterId,
    counterName: r.counterId !== null ? (counterNames.get(r.counterId) ?? null) : null,
    callCount: r.callCount,
    issuedAt: r.issuedAt.toISOString(),
    calledAt: r.calledAt?.toISOString() ?? null,
    startedAt: r.startedAt?.toISOString() ?? null,
    position: r.status === 'waiting' ? (estimates?.positions.get(r.id) ?? null) : null,
    estimatedWait: r.status === 'waiting' ? (estimates?.perTicket.get(r.id) ?? null) : null,
    waitStatus:
      r.status !== 'waiting' || !estimates ? null : estimates.perTicket.has(r.id) ? 'wait' : 'no-counter-open',
  };
}

export function toCounterDto(c: CounterState, locationId: string): CounterDto {
  return {
    id: c.id,
    locationId,
    name: c.name,
    state: c.state,
    agentName: c.agentName,
    skills: c.skills,
    currentTicketId: c.currentTicketId,
  };
}

export function counterNamesOf(state: Pick<QueueState, 'counters'>): Map<number, string> {
  return new Map(state.counters.map((c) => [c.id, c.name]));
}

/** The last calls of the day, newest first, for the waiting-room display. */
export function recentCalls(db: Db, state: QueueState, limit = 8): CallDto[] {
  const names = counterNamesOf(state);
  const rows = db
    .select({ event: ticketEvents, number: tickets.number })
    .from(ticketEvents)
    .innerJoin(tickets, eq(tickets.id, ticketEvents.ticketId))
    .where(
      and(
        eq(ticketEvents.locationId, state.location.id),
        inArray(ticketEvents.type, ['called', 'recalled']),
        eq(tickets.serviceDate, state.serviceDate),
      ),
    )
    .orderBy(desc(ticketEvents.id))
    .limit(limit)
    .all();
  return rows
    .filter((r) => r.event.counterId !== null)
    .map((r) => ({
      ticketId: r.event.ticketId,
      number: r.number,
      counterId: r.event.counterId as number,
      counterName: names.get(r.event.counterId as number) ?? '',
      calledAt: r.event.at.toISOString(),
      recall: r.event.type === 'recalled',
    }));
}

export function buildSnapshot(db: Db, state: QueueState): QueueSnapshot {
  const estimates = estimateWaits(state);
  const names = counterNamesOf(state);
  return {
    locationId: state.location.id,
    serviceDate: state.serviceDate,
    at: state.now.toISOString(),
    tickets: state.tickets.map((t) => toTicketDto(t, names, estimates)),
    counters: state.counters.filter((c) => c.active).map((c) => toCounterDto(c, state.location.id)),
    recentCalls: recentCalls(db, state),
    waits: estimates.waits,
    tickerText: state.location.tickerText,
  };
}
