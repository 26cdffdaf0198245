import type { WaitBand } from '../contracts/queue.ts';
import { type PolicyTicket, pickNextTicket } from '../queue/call-next-policy.ts';

/**
 * Live wait prediction (pure: no I/O, no clock).
 *
 * The queue-length predictor of Ibrahim & Whitt — (people ahead + 1) × mean service ÷ counters — is the
 * best simple predictor for one queue with identical servers. An office is not that: counters have
 * different skills, appointments jump the line when they become due, a counter on a break comes back
 * later, one that is nearly finished frees up sooner, and clerks differ in speed. So we run the same
 * idea as a mean-value replay: every counter becomes free at its expected time, takes the ticket the
 * call-next order would give it, and is busy for that ticket's expected service time. For one queue
 * with s identical busy counters this reduces to the queue-length predictor; everywhere else it
 * counts only the tickets that really compete for the same counters.
 */

export type WaitBandKey = WaitBand['band'];

export interface PredictorTicket {
  id: number;
  services: { code: string; persons: number }[];
  /** When it (re)entered the waiting line. */
  queuedAt: Date;
  /** Appointment start (checked-in appointment tickets); null for walk-ins. */
  dueAt: Date | null;
  priority: number;
  /** Transferred to one counter; null = any skilled counter. */
  targetCounterId: number | null;
}

export interface PredictorCounter {
  id: number;
  skills: string[];
  state: 'open' | 'paused' | 'closed';
  /** The ticket the counter is busy with, if any. */
  current?: {
    /** Null while the called resident is still walking up. */
    startedAt: Date | null;
    /** Expected total service minutes of the current ticket. */
    expectedMinutes: number;
  } | null;
  /** A paused counter that is expected back (end of a break). Unknown: the counter does not count. */
  pausedUntil?: Date | null;
  /** Rostered breaks still ahead today: the counter calls nobody inside them. */
  breaks?: { from: Date; to: Date }[];
  /** End of the counter's rostered time today: it calls nobody after it. Null: open-ended. */
  until?: Date | null;
}

export interface PredictorInput {
  now: Date;
  tickets: PredictorTicket[];
  counters: PredictorCounter[];
  /** Mean service minutes per person per service code (configured or learned). */
  meanMinutesPerPerson: Record<string, number>;
  /** Learned speed of a clerk at a counter: multiplier on service minutes (1 = average). */
  counterSpeed?: Record<number, number>;
  /** Target wait per service (call-next weighs waits against it); default 10. */
  targetWaitMinutes?: Record<string, number>;
  /** Passed to the call-next policy (server/queue/call-next-policy.ts), which the replay runs. */
  dueEarlyMinutes?: number;
  lateGraceMinutes?: number;
  /** Services to give a "if you take a ticket now" estimate for; default: keys of meanMinutesPerPerson. */
  serviceCodes?: string[];
  /** Minutes between calling a ticket and the resident starting at the counter (default 0.5). */
  walkUpMinutes?: number;
}

export interface PredictorOutput {
  perTicket: Map<number, WaitBand>;
  perService: Record<string, WaitBand & { waiting: number }>;
}

const DEFAULT_TARGET = 10;
/** z for a central 80 % interval. */
const Z80 = 1.2816;
/** Minutes of model error we add on top of the statistical floor (tuned on development seeds only). */
const MODEL_ERROR_MINUTES = 1;
/** Mean residual of a service already running past its expected end, as a share of the expectation. */
const OVERRUN_RESIDUAL_SHARE = 0.35;
/** Beyond this horizon the replay stops: we only say "more than an hour". */
const HORIZON_MINUTES = 600;

/** Band key for a point estimate in minutes. */
export function bandKeyFor(minutes: number): WaitBandKey {
  if (minutes < 1) return 'none';
  if (minutes < 5) return 'lt5';
  if (minutes < 10) return '5-10';
  if (minutes < 20) return '10-20';
  if (minutes < 30) return '20-30';
  if (minutes < 60) return '30-60';
  return 'gt60';
}

/**
 * A band around a point estimate. Even a perfect predictor cannot beat the spread of the sum of the
 * n+1 service completions ahead: about 1/√(n+1) of the mean (FACTS.md).
 */
export function waitBand(minutes: number, ahead: number): WaitBand {
  const m = Math.max(0, minutes);
  const sd = m / Math.sqrt(ahead + 1) + (m > 0 ? MODEL_ERROR_MINUTES : 0);
  return {
    minutes: round1(m),
    low: round1(Math.max(0, m - Z80 * sd)),
    high: round1(m + Z80 * sd),
    band: bandKeyFor(m),
  };
}

/** A ticket nobody can serve now (no open counter has its skills): we can only say "more than an hour". */
function unservedBand(): WaitBand {
  return { minutes: 60, low: 60, high: 120, band: 'gt60' };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

interface SimTicket {
  ticket: PredictorTicket;
  /** The same ticket in the call-next policy's shape. */
  policy: PolicyTicket;
  codes: string[];
  /** Minutes (relative to now, negative = in the past) it entered the line. */
  queued: number;
  minutes: number;
}

interface SimCounter {
  id: number;
  skills: Set<string>;
  freeAt: number;
  speed: number;
  breaks: [number, number][];
  until: number;
}

/** Moves a free time out of any break; Infinity when past the counter's end of day. */
function nextWorkingTime(c: SimCounter, at: number): number {
  let t = at;
  for (const [from, to] of c.breaks) if (t >= from && t < to) t = to;
  return t >= c.until ? Number.POSITIVE_INFINITY : t;
}

function minutesBetween(from: Date, to: Date): number {
  return (to.getTime() - from.getTime()) / 60_000;
}

function ticketMinutes(t: PredictorTicket, mean: Record<string, number>): number {
  let sum = 0;
  for (const s of t.services) sum += (mean[s.code] ?? DEFAULT_TARGET) * s.persons;
  return sum;
}

function canServe(counter: SimCounter, t: SimTicket): boolean {
  if (t.ticket.targetCounterId !== null && t.ticket.targetCounterId !== counter.id) return false;
  for (const code of t.codes) if (!counter.skills.has(code)) return false;
  return true;
}

/** Counters that take part: open ones now, paused ones from their expected return. */
function buildCounters(input: PredictorInput): SimCounter[] {
  const out: SimCounter[] = [];
  for (const c of input.counters) {
    const speed = input.counterSpeed?.[c.id] ?? 1;
    let freeAt: number;
    if (c.state === 'closed') continue;
    if (c.state === 'paused') {
      if (!c.pausedUntil) continue;
      freeAt = Math.max(0, minutesBetween(input.now, c.pausedUntil));
    } else {
      freeAt = 0;
    }
    if (c.current) {
      const expected = c.current.expectedMinutes * speed;
      const walkUp = input.walkUpMinutes ?? 0.5;
      const residual =
        c.current.startedAt === null
          ? walkUp + expected
          : Math.max(expected - minutesBetween(c.current.startedAt, input.now), OVERRUN_RESIDUAL_SHARE * expected);
      freeAt = Math.max(freeAt, residual);
    }
    const breaks = (c.breaks ?? [])
      .map((b): [number, number] => [minutesBetween(input.now, b.from), minutesBetween(input.now, b.to)])
      .filter(([, to]) => to > 0)
      .sort((a, b) => a[0] - b[0]);
    const until = c.until ? minutesBetween(input.now, c.until) : Number.POSITIVE_INFINITY;
    const counter: SimCounter = { id: c.id, skills: new Set(c.skills), freeAt, speed, breaks, until };
    counter.freeAt = nextWorkingTime(counter, freeAt);
    if (Number.isFinite(counter.freeAt)) out.push(counter);
  }
  return out;
}

interface Replay {
  callAt: Map<number, number>;
  ahead: Map<number, number>;
}

/** Mean-value replay of call-next over the counters; returns each ticket's expected call time. */
function replay(input: PredictorInput, tickets: SimTicket[], counters: SimCounter[]): Replay {
  const options = {
    targetWaitMinutes: input.targetWaitMinutes,
    dueEarlyMinutes: input.dueEarlyMinutes,
    lateGraceMinutes: input.lateGraceMinutes,
  };
  const nowMs = input.now.getTime();
  const bySim = new Map(tickets.map((t) => [t.policy, t]));
  const callAt = new Map<number, number>();
  const ahead = new Map<number, number>();
  const remaining = new Set(tickets);
  const active = counters.map((c) => ({ ...c }));
  let calls = 0;

  while (remaining.size > 0 && active.length > 0) {
    // The counter that is free first (ties: lowest id, so the replay is deterministic).
    let ci = 0;
    for (let i = 1; i < active.length; i++) {
      const a = active[i];
      const b = active[ci];
      if (a && b && (a.freeAt < b.freeAt || (a.freeAt === b.freeAt && a.id < b.id))) ci = i;
    }
    const counter = active[ci];
    if (!counter) break;
    const at = counter.freeAt;
    if (at > HORIZON_MINUTES) break;
    const candidates = [...remaining].filter((t) => canServe(counter, t)).map((t) => t.policy);
    const picked = pickNextTicket(
      candidates,
      { id: counter.id, skills: [...counter.skills] },
      new Date(nowMs + at * 60_000),
      options,
    );
    const best = picked ? bySim.get(picked) : undefined;
    if (!best) {
      active.splice(ci, 1);
      continue;
    }
    remaining.delete(best);
    callAt.set(best.ticket.id, at);
    ahead.set(best.ticket.id, calls);
    calls++;
    counter.freeAt = nextWorkingTime(counter, at + (input.walkUpMinutes ?? 0.5) + best.minutes * counter.speed);
    if (!Number.isFinite(counter.freeAt)) active.splice(ci, 1);
  }
  return { callAt, ahead };
}

function toSimTicket(input: PredictorInput, t: PredictorTicket): SimTicket {
  return {
    ticket: t,
    policy: { ...t },
    codes: [...new Set(t.services.map((s) => s.code))],
    queued: minutesBetween(input.now, t.queuedAt),
    minutes: ticketMinutes(t, input.meanMinutesPerPerson),
  };
}

/**
 * Expected wait of every waiting ticket, and of a new one-person walk-in per service
 * ("if you take a ticket now"), as bands.
 */
export function predictWaits(input: PredictorInput): PredictorOutput {
  const counters = buildCounters(input);
  const simTickets = input.tickets.map((t) => toSimTicket(input, t));
  const base = replay(input, simTickets, counters);

  const perTicket = new Map<number, WaitBand>();
  for (const t of simTickets) {
    const at = base.callAt.get(t.ticket.id);
    if (at === undefined) {
      perTicket.set(t.ticket.id, unservedBand());
      continue;
    }
    // Calls before this ticket made by counters it could use are the "people ahead" that matter.
    perTicket.set(t.ticket.id, waitBand(at, aheadFor(t, base, simTickets, counters)));
  }

  const perService: Record<string, WaitBand & { waiting: number }> = {};
  const codes = input.serviceCodes ?? Object.keys(input.meanMinutesPerPerson);
  for (const code of codes) {
    const waiting = input.tickets.filter((t) => t.services.some((s) => s.code === code)).length;
    const probe: PredictorTicket = {
      id: Number.MIN_SAFE_INTEGER,
      services: [{ code, persons: 1 }],
      queuedAt: input.now,
      dueAt: null,
      priority: 0,
      targetCounterId: null,
    };
    const probeSim = toSimTicket(input, probe);
    const all = [...simTickets, probeSim];
    const r = replay(input, all, counters);
    const at = r.callAt.get(probe.id);
    const band = at === undefined ? unservedBand() : waitBand(at, aheadFor(probeSim, r, all, counters));
    perService[code] = { ...band, waiting };
  }
  return { perTicket, perService };
}

/** Tickets called before `t` that could have gone to one of t's counters. */
function aheadFor(t: SimTicket, r: Replay, all: SimTicket[], counters: SimCounter[]): number {
  const at = r.callAt.get(t.ticket.id);
  if (at === undefined) return 0;
  const mine = counters.filter((c) => canServe(c, t));
  let n = 0;
  for (const other of all) {
    if (other === t) continue;
    const oat = r.callAt.get(other.ticket.id);
    if (
      oat === undefined ||
      oat > at ||
      (oat === at && (r.ahead.get(other.ticket.id) ?? 0) > (r.ahead.get(t.ticket.id) ?? 0))
    )
      continue;
    if (mine.some((c) => canServe(c, other))) n++;
  }
  return n;
}

/** Plain queue-length predictor (Ibrahim & Whitt) for one queue: the benchmark's reference baseline. */
export function queueLengthMinutes(ahead: number, meanMinutes: number, serving: number): number {
  if (serving <= 0) return Number.POSITIVE_INFINITY;
  return ((ahead + 1) * meanMinutes) / serving;
}
