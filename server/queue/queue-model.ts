import { DateTime } from 'luxon';
import { POLICY_DEFAULTS, type PolicyOptions, type PolicyTicket } from './call-next-policy.ts';
import type { LearnedServiceTimes } from './service-times.ts';

/**
 * The queue's records and read model as plain types (no ORM types): what the queue repository
 * (queue-store.ts) returns, and one location's live queue (today's active tickets, counters, services)
 * as queue-state.ts assembles it; queue-dto.ts maps it to the contracts' DTOs.
 */
export type TicketStatus = 'waiting' | 'called' | 'serving' | 'done' | 'no-show' | 'cancelled';
export type TicketSource = 'kiosk' | 'check-in' | 'remote' | 'counter';
export type TicketEventType =
  | 'issued'
  | 'called'
  | 'recalled'
  | 'started'
  | 'finished'
  | 'no-show'
  | 'transferred'
  | 'parked'
  | 'returned'
  | 'cancelled';

/** A visit in the queue of one location on one service day. */
export interface TicketRow {
  id: number;
  municipalityId: string;
  locationId: string;
  /** Local date (YYYY-MM-DD) in the location's zone. */
  serviceDate: string;
  number: string;
  letter: string;
  sequence: number;
  /** Unguessable id for the resident's phone status page. */
  publicId: string;
  source: TicketSource;
  status: TicketStatus;
  priority: number;
  appointmentId: number | null;
  /** When an appointment ticket becomes due (its start); null for walk-ins. */
  dueAt: Date | null;
  /** Set by a transfer or a park to one counter; null: any skilled counter. */
  targetCounterId: number | null;
  counterId: number | null;
  agentId: number | null;
  callCount: number;
  /** The wait predicted at issue, for measuring the predictor. */
  predictedWaitSeconds: number | null;
  /** The Idempotency-Key of the request that issued it, and the SHA-256 of that request's body. */
  requestKey: string | null;
  requestFingerprint: string | null;
  language: 'nl' | 'en';
  issuedAt: Date;
  /** When it (re)entered the waiting line; transfers and returns keep fairness from here. */
  queuedAt: Date;
  calledAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** What the queue needs of a location (its settings; the set-up is the scheduling module's). */
export interface LocationRow {
  id: string;
  municipalityId: string;
  name: string;
  city: string;
  timeZone: string;
  checkInEarlyMinutes: number;
  checkInLateGraceMinutes: number;
  serviceNormShare: number;
  serviceNormMinutes: number;
  tickerText: string;
  /** "Call and start": service counts from the call; the next press finishes it. */
  callAndStart: boolean;
}

/** A desk at a location; `state` is its live console state. */
export interface CounterRow {
  id: number;
  locationId: string;
  name: string;
  active: boolean;
  state: 'closed' | 'open' | 'paused';
  agentId: number | null;
  stateSince: Date | null;
}

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

/** A counter as the queue's screens see it: with its agent's name and its skills (service codes). */
export interface CounterInfo {
  id: number;
  name: string;
  active: boolean;
  state: 'closed' | 'open' | 'paused';
  agentId: number | null;
  agentName: string | null;
  skills: string[];
}

export interface CounterState extends CounterInfo {
  currentTicketId: number | null;
}

export interface ActiveTicket {
  row: TicketRow;
  services: { code: string; persons: number }[];
  appointmentReference: string | null;
}

/**
 * A ticket of the day's line as call-next ranks and answers it: only the columns the policy, the counter's current
 * ticket and the answer need (call-next reads every active ticket in its transaction; the full rows cost most of it).
 */
export interface LineTicket {
  row: Pick<
    TicketRow,
    'id' | 'status' | 'number' | 'counterId' | 'queuedAt' | 'dueAt' | 'priority' | 'targetCounterId' | 'calledAt'
  >;
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
  /** Today's walk-in hours (epoch ms), for "no counter open — opens at …" and "walk-in closed"; absent: unknown. */
  walkInHours?: WalkInHoursToday;
}

/**
 * `hours`: the office's walk-in hours; `byService`: per service code, when a kiosk issues a walk-in ticket
 * for that service alone (the office's walk-in hours plus counters rostered for walk-ins with the skill),
 * the spans the kiosk's gate (`provideWalkInGate`) uses.
 */
export interface WalkInHoursToday {
  hours: { start: number; end: number }[];
  byService: Record<string, { start: number; end: number }[]>;
}

/** Ticket number: the first service's letter and the next sequence of that letter today, e.g. `P007`. */
export function formatTicketNumber(letter: string, sequence: number): string {
  return `${letter}${String(sequence).padStart(3, '0')}`;
}

/**
 * Per time zone, the last local day asked for and the instants it spans: the hub and call-next ask several times per
 * change, and luxon's zone arithmetic was about 2 % of the CPU of a call (bench:scale's call-next row).
 */
const lastDays = new Map<string, { date: string; fromMs: number; toMs: number }>();

export function serviceDateOf(now: Date, timeZone: string): string {
  const ms = now.getTime();
  const last = lastDays.get(timeZone);
  if (last && ms >= last.fromMs && ms < last.toMs) return last.date;
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  const date = local.toISODate();
  if (date === null) return now.toISOString().slice(0, 10); // an unknown zone: UTC's date, never kept
  lastDays.set(timeZone, {
    date,
    fromMs: local.startOf('day').toMillis(),
    toMs: local.startOf('day').plus({ days: 1 }).toMillis(),
  });
  return date;
}

export function policyOptions(state: Pick<QueueState, 'location' | 'services'>): PolicyOptions {
  return {
    targetWaitMinutes: Object.fromEntries(state.services.map((s) => [s.code, s.targetWaitMinutes])),
    lateGraceMinutes: state.location.checkInLateGraceMinutes,
    dueEarlyMinutes: POLICY_DEFAULTS.dueEarlyMinutes,
  };
}

/** A waiting ticket as the call-next policy and the predictor see it. */
export function toPolicyTicket(t: Pick<LineTicket, 'row' | 'services'>): PolicyTicket {
  return {
    id: t.row.id,
    services: t.services,
    queuedAt: t.row.queuedAt,
    dueAt: t.row.dueAt,
    priority: t.row.priority,
    targetCounterId: t.row.targetCounterId,
  };
}
