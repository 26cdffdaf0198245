/**
 * The wait predictor as of ecac829 (server/queue/predictor.ts before the replay took each counter's pick from the
 * heads of tickets that rank alike, #9 item 7), kept only so that the equivalence tests and bench/predictor-speed.ts
 * can show the faster predictor gives the very same outputs. (It replaced the copy as of ef6df74, from the rewrite
 * that ranked tickets in place: on predictor-equivalence.test.ts's offices the two gave the same outputs.) The one
 * change since: a ticket's estimate is the replays' median (`medianOfReplays`), as in the predictor.
 */
import type { WaitBand } from '../../server/contracts/queue.ts';
import { CallOrder, type PolicyTicket } from '../../server/queue/call-next-policy.ts';
import { medianOfReplays } from '../../server/queue/predictor.ts';
import { createRandom, type Random } from '../../server/random.ts';

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
 *
 * Overload: when more residents arrive than the counters serve, the line builds up and residents give up.
 * With `patienceMinutes` (learned from abandoned tickets, patience.ts) every waiting walk-in in a replay
 * draws an exponential remaining patience; one who has given up by the time a counter would call them
 * takes no counter time, so those behind move up sooner. A ticket's own estimate is the call time if
 * its holder stays (what the resident asks), so the replay records the moment the counter would have
 * called them before dropping them. The mean-value replay weighs each service by the probability that
 * the resident is still there when called.
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
    /** Coefficient of variation of its service time (default 0.5). */
    cv?: number;
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
  /** Coefficient of variation of service times per service (learned; default 0.5). */
  serviceCv?: Record<string, number>;
  /** Seeded stochastic replays averaged per estimate; 0 = a single mean-value replay (default 24). */
  replications?: number;
  /**
   * Mean patience of waiting walk-ins in minutes (exponential; learned by patience.ts from tickets
   * cancelled as abandoned). Null or absent: nobody gives up.
   */
  patienceMinutes?: number | null;
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
/** Coefficient of variation of service times when none is learned. */
const DEFAULT_CV = 0.5;
/** Stochastic replays per estimate (0 = one mean-value replay). */
const DEFAULT_REPLICATIONS = 12;
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
 * n+1 service completions ahead: about 1/√(n+1) of the mean (docs/facts.md).
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

/** Lognormal (mean m, cv c) parameters. */
function lognormalParams(mean: number, cv: number): { mu: number; sigma: number } {
  const sigma2 = Math.log(1 + cv * cv);
  return { mu: Math.log(mean) - sigma2 / 2, sigma: Math.sqrt(sigma2) };
}

/**
 * Expected remaining service of a running service, E[S − e | S > e] for lognormal S: a service running
 * past its mean is not "about to finish" — with variable service times it has a while to go.
 */
export function meanResidual(busy: { expected: number; elapsed: number | null; cv: number }, walkUp: number): number {
  if (busy.elapsed === null) return walkUp + busy.expected;
  const e = Math.max(0, busy.elapsed);
  if (busy.cv <= 0) return Math.max(0, busy.expected - e);
  if (e <= 0) return busy.expected;
  const { mu, sigma } = lognormalParams(busy.expected, busy.cv);
  const z = (Math.log(e) - mu) / sigma;
  const survival = 1 - normalCdf(z);
  if (survival < 1e-9) return 0.05 * busy.expected;
  const partial = busy.expected * (1 - normalCdf(z - sigma));
  return Math.max(0, partial / survival - e);
}

/** A draw of the remaining service given what has elapsed (inverse CDF on the conditional tail). */
function drawResidual(
  busy: { expected: number; elapsed: number | null; cv: number },
  walkUp: number,
  rng: Random,
): number {
  if (busy.elapsed === null) return walkUp + rng.lognormal(busy.expected, busy.cv);
  const e = Math.max(0, busy.elapsed);
  if (busy.cv <= 0) return Math.max(0, busy.expected - e);
  const { mu, sigma } = lognormalParams(busy.expected, busy.cv);
  const fe = e > 0 ? normalCdf((Math.log(e) - mu) / sigma) : 0;
  if (fe > 1 - 1e-9) return 0.05 * busy.expected;
  const u = fe + rng.next() * (1 - fe);
  return Math.max(0, Math.exp(mu + sigma * normalQuantile(u)) - e);
}

export function normalCdf(z: number): number {
  // Abramowitz–Stegun 7.1.26 via erf; |error| < 1.5e-7.
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Acklam's rational approximation of the standard normal quantile. */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  if (p > 1 - lo) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  );
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
  cv: number;
  /** A walk-in (no appointment time): may give up while waiting. */
  walkIn: boolean;
}

interface SimCounter {
  id: number;
  skills: Set<string>;
  freeAt: number;
  /** Free from (0, or the end of a pause), before the current service is taken into account. */
  availableFrom: number;
  /** The service in progress: expected minutes, minutes elapsed (null: resident still walking up), cv. */
  busy: { expected: number; elapsed: number | null; cv: number } | null;
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
    const availableFrom = freeAt;
    let busy: SimCounter['busy'] = null;
    if (c.current) {
      const expected = c.current.expectedMinutes * speed;
      const elapsed = c.current.startedAt === null ? null : minutesBetween(c.current.startedAt, input.now);
      busy = { expected, elapsed, cv: c.current.cv ?? DEFAULT_CV };
      freeAt = Math.max(freeAt, meanResidual(busy, input.walkUpMinutes ?? 0.5));
    }
    const breaks = (c.breaks ?? [])
      .map((b): [number, number] => [minutesBetween(input.now, b.from), minutesBetween(input.now, b.to)])
      .filter(([, to]) => to > 0)
      .sort((a, b) => a[0] - b[0]);
    const until = c.until ? minutesBetween(input.now, c.until) : Number.POSITIVE_INFINITY;
    const counter: SimCounter = {
      id: c.id,
      skills: new Set(c.skills),
      freeAt,
      availableFrom,
      busy,
      speed,
      breaks,
      until,
    };
    counter.freeAt = nextWorkingTime(counter, freeAt);
    if (Number.isFinite(counter.freeAt)) out.push(counter);
  }
  return out;
}

interface Replay {
  callAt: Map<number, number>;
  ahead: Map<number, number>;
  /** Called tickets in call order (mean-value replays: `ahead` is the index in it). */
  order: SimTicket[];
  /** Watched newcomers (`probes`): when a counter would have called each, and the calls before it that count. */
  probes: Map<Probe, { at: number; ahead: number }>;
}

/** A newcomer watched by a replay (see `replay`). */
interface Probe {
  ticket: SimTicket;
  servers: ServerSet;
}

/** Which counters (by index in the replay's list) may serve a ticket, as a key and a bit set. */
interface ServerSet {
  key: string;
  bits: Uint32Array;
}

function serverSet(t: SimTicket, counters: readonly SimCounter[]): ServerSet {
  const bits = new Uint32Array(Math.ceil(counters.length / 32) || 1);
  for (let i = 0; i < counters.length; i++)
    if (canServe(counters[i] as SimCounter, t)) bits[i >>> 5] = (bits[i >>> 5] as number) | (1 << (i & 31));
  return { key: bits.join(','), bits };
}

/** serverSet once per distinct set of services and target counter (all that `canServe` looks at), per counter list. */
const serverSetMemo = new WeakMap<readonly SimCounter[], Map<string, ServerSet>>();

function serverSetOf(t: SimTicket, counters: readonly SimCounter[]): ServerSet {
  let memo = serverSetMemo.get(counters);
  if (!memo) {
    memo = new Map();
    serverSetMemo.set(counters, memo);
  }
  const key = `${t.ticket.targetCounterId ?? ''}\u0001${t.codes.join('\u0000')}`;
  let set = memo.get(key);
  if (!set) {
    set = serverSet(t, counters);
    memo.set(key, set);
  }
  return set;
}

function intersects(a: ServerSet, b: ServerSet): boolean {
  for (let k = 0; k < a.bits.length; k++) if (((a.bits[k] as number) & (b.bits[k] as number)) !== 0) return true;
  return false;
}

/**
 * Calls so far per set of serving counters: "how many calls before this one could have gone to one of its
 * counters" in O(distinct sets) instead of O(calls). Offices have a handful of distinct skill sets.
 */
class CallsBySet {
  private readonly counts = new Map<string, { set: ServerSet; n: number }>();
  add(set: ServerSet): void {
    const hit = this.counts.get(set.key);
    if (hit) hit.n++;
    else this.counts.set(set.key, { set, n: 1 });
  }
  competing(set: ServerSet): number {
    let n = 0;
    for (const c of this.counts.values()) if (intersects(c.set, set)) n += c.n;
    return n;
  }
}

/**
 * Replay of call-next over the counters; returns each ticket's call time. Without `rng` every service
 * takes its expected time (mean-value replay); with `rng` residual and future service times are drawn
 * from lognormals, so that averaging replays gives the expected call time — which matters when several
 * counters are busy: the first of them frees up sooner than any one of them is expected to.
 *
 * `probes` (mean-value replays only): newcomers to watch without adding them. Up to the moment a counter
 * would call a newcomer, the replay with it added is this very replay (it ranks behind every pick so far, and
 * nothing else depends on it), so one replay answers "if you take a ticket now" for every service at once.
 */
function replay(
  input: PredictorInput,
  tickets: SimTicket[],
  counters: SimCounter[],
  rng?: Random,
  probes: Probe[] = [],
): Replay {
  const options = {
    targetWaitMinutes: input.targetWaitMinutes,
    dueEarlyMinutes: input.dueEarlyMinutes,
    lateGraceMinutes: input.lateGraceMinutes,
  };
  const nowMs = input.now.getTime();
  const callAt = new Map<number, number>();
  const ahead = new Map<number, number>();
  const order: SimTicket[] = [];
  const remaining = new Set(tickets);
  const eligible = new Map<number, SimTicket[]>();
  for (const c of counters)
    eligible.set(
      c.id,
      tickets.filter((t) => canServe(c, t)),
    );
  const walkUp = input.walkUpMinutes ?? 0.5;
  const patience = input.patienceMinutes && input.patienceMinutes > 0 ? input.patienceMinutes : null;
  const givesUpAt = new Map<SimTicket, number>();
  if (rng && patience !== null) for (const t of tickets) if (t.walkIn) givesUpAt.set(t, rng.exponential(1 / patience));
  const active: SimCounter[] = [];
  for (const c of counters) {
    const copy = { ...c };
    if (rng && c.busy) copy.freeAt = nextWorkingTime(c, Math.max(c.availableFrom, drawResidual(c.busy, walkUp, rng)));
    if (Number.isFinite(copy.freeAt)) active.push(copy);
  }
  const watched = new Set(probes);
  const probeAt = new Map<Probe, { at: number; ahead: number }>();
  // Only needed to count the calls ahead of a watched newcomer.
  const setOf = new Map<SimTicket, ServerSet>();
  const calledBySet = new CallsBySet();
  if (watched.size > 0) for (const t of tickets) setOf.set(t, serverSetOf(t, counters));
  const resolve = (p: Probe, at: number) => {
    probeAt.set(p, { at, ahead: calledBySet.competing(p.servers) });
    watched.delete(p);
  };
  let calls = 0;
  let horizon = false;

  while (remaining.size > 0 && active.length > 0) {
    let ci = 0;
    for (let i = 1; i < active.length; i++) {
      const a = active[i];
      const b = active[ci];
      if (a && b && (a.freeAt < b.freeAt || (a.freeAt === b.freeAt && a.id < b.id))) ci = i;
    }
    const counter = active[ci];
    if (!counter) break;
    const at = counter.freeAt;
    if (at > HORIZON_MINUTES) {
      horizon = true;
      break;
    }
    // The counter's pick in call-next order (bestRanked), ranking in place: no list or object per ticket, and
    // the tickets called meanwhile leave the counter's list as it is walked (the order of a list does not
    // change the pick: call-next's order is total).
    const pick = new CallOrder<PolicyTicket>(new Date(nowMs + at * 60_000), options);
    const list = eligible.get(counter.id) ?? [];
    let best: SimTicket | undefined;
    let kept = 0;
    for (const t of list) {
      if (!remaining.has(t)) continue;
      list[kept++] = t;
      if (pick.offer(t.policy)) best = t;
    }
    list.length = kept;
    // A watched newcomer this counter may serve is called here when it ranks before the counter's pick.
    for (const p of watched) if (canServe(counter, p.ticket) && pick.leads(p.ticket.policy)) resolve(p, at);
    if (!best) {
      active.splice(ci, 1);
      continue;
    }
    remaining.delete(best);
    callAt.set(best.ticket.id, at);
    order.push(best);
    const set = setOf.get(best);
    if (set) calledBySet.add(set);
    if ((givesUpAt.get(best) ?? Number.POSITIVE_INFINITY) < at) continue;
    ahead.set(best.ticket.id, calls);
    calls++;
    const expected = best.minutes * counter.speed;
    const duration = rng ? rng.lognormal(expected, best.cv) : expected;
    const stays = !rng && patience !== null && best.walkIn ? Math.exp(-Math.max(0, at) / patience) : 1;
    counter.freeAt = nextWorkingTime(counter, at + stays * (walkUp + duration));
    if (!Number.isFinite(counter.freeAt)) active.splice(ci, 1);
  }
  // Everyone else is called: a watched newcomer goes to the first counter free for it, as its own replay would.
  if (!horizon && watched.size > 0) {
    const byFree = [...active].sort((a, b) => a.freeAt - b.freeAt || a.id - b.id);
    for (const p of watched) {
      const c = byFree.find((x) => x.freeAt > HORIZON_MINUTES || canServe(x, p.ticket));
      if (c && c.freeAt <= HORIZON_MINUTES) resolve(p, c.freeAt);
    }
  }
  return { callAt, ahead, order, probes: probeAt };
}

function toSimTicket(input: PredictorInput, t: PredictorTicket): SimTicket {
  return {
    ticket: t,
    policy: { ...t },
    codes: [...new Set(t.services.map((s) => s.code))],
    queued: minutesBetween(input.now, t.queuedAt),
    minutes: ticketMinutes(t, input.meanMinutesPerPerson),
    cv: input.serviceCv?.[t.services[0]?.code ?? ''] ?? DEFAULT_CV,
    walkIn: t.dueAt === null,
  };
}

/**
 * Expected wait of every waiting ticket, and of a new one-person walk-in per service
 * ("if you take a ticket now"), as bands.
 */
export function predictWaits(input: PredictorInput): PredictorOutput {
  const counters = buildCounters(input);
  const simTickets = input.tickets.map((t) => toSimTicket(input, t));
  const codes = input.serviceCodes ?? Object.keys(input.meanMinutesPerPerson);
  // The newcomer gets the highest id: a new ticket issued now ranks after those issued in the same instant.
  const newcomer = (code: string): SimTicket =>
    toSimTicket(input, {
      id: Number.MAX_SAFE_INTEGER,
      services: [{ code, persons: 1 }],
      queuedAt: input.now,
      dueAt: null,
      priority: 0,
      targetCounterId: null,
    });
  const waitingFor = (code: string) => input.tickets.filter((t) => t.services.some((s) => s.code === code)).length;
  const perService: Record<string, WaitBand & { waiting: number }> = {};
  if ((input.replications ?? 1) <= 0) {
    // Mean-value: one replay gives every ticket's estimate and watches a newcomer per service (see `replay`)
    // instead of one more replay per service.
    const probes = codes.map((code) => {
      const ticket = newcomer(code);
      return { ticket, servers: serverSet(ticket, counters) };
    });
    const base = replay(input, simTickets, counters, undefined, probes);
    probes.forEach((p, k) => {
      const code = codes[k] as string;
      const hit = base.probes.get(p);
      perService[code] = { ...(hit ? waitBand(hit.at, hit.ahead) : unservedBand()), waiting: waitingFor(code) };
    });
    return { perTicket: meanValueBands(base, simTickets, counters), perService };
  }
  const perTicket = estimate(input, simTickets, counters);
  for (const code of codes) {
    const probe = newcomer(code);
    const band =
      estimate(input, [...simTickets, probe], counters, probe.ticket.id).get(probe.ticket.id) ?? unservedBand();
    perService[code] = { ...band, waiting: waitingFor(code) };
  }
  return { perTicket, perService };
}

/** Bands of a mean-value replay: the call time, and the calls before it that could have gone to its counters. */
function meanValueBands(base: Replay, tickets: SimTicket[], counters: SimCounter[]): Map<number, WaitBand> {
  const out = new Map<number, WaitBand>();
  const ahead = callsAhead(base, counters);
  for (const t of tickets) {
    const at = base.callAt.get(t.ticket.id);
    out.set(t.ticket.id, at === undefined ? unservedBand() : waitBand(at, ahead.get(t) ?? 0));
  }
  return out;
}

/** Bands for every ticket (or only for `only`): mean-value replay, or the average of seeded stochastic replays. */
function estimate(
  input: PredictorInput,
  tickets: SimTicket[],
  counters: SimCounter[],
  only?: number,
): Map<number, WaitBand> {
  const out = new Map<number, WaitBand>();
  const wanted = only === undefined ? tickets : tickets.filter((t) => t.ticket.id === only);
  // A very long line costs O(n²) per replay: fewer replays keep a live update within tens of ms.
  const reps = input.replications ?? (tickets.length > 80 ? DEFAULT_REPLICATIONS / 2 : DEFAULT_REPLICATIONS);
  if (reps <= 0) {
    const bands = meanValueBands(replay(input, tickets, counters), tickets, counters);
    for (const t of wanted) out.set(t.ticket.id, bands.get(t.ticket.id) ?? unservedBand());
    return out;
  }
  const plain = plainLine(input, tickets, counters);
  const exact = plain ? memorylessWaits(plain, tickets, counters) : null;
  // A plain line's replays run at the total rate the closed form takes (see memorylessWaits) too.
  const serving = plain ? pooledSpeeds(counters, input.walkUpMinutes ?? 0.5) : counters;
  // Seeded from the input size only: the same state always gives the same answer (pure).
  const rng = createRandom(0x5eed + tickets.length * 7919 + counters.length);
  const samples = new Map<number, number[]>();
  for (const t of wanted) samples.set(t.ticket.id, []);
  for (let r = 0; r < reps; r++) {
    const result = replay(input, tickets, serving, rng);
    for (const t of wanted) samples.get(t.ticket.id)?.push(result.callAt.get(t.ticket.id) ?? Number.POSITIVE_INFINITY);
  }
  for (const t of wanted) {
    const xs = (samples.get(t.ticket.id) ?? []).sort((a, b) => a - b);
    if (xs.length === 0 || !Number.isFinite(xs[Math.floor(xs.length / 2)] ?? Number.POSITIVE_INFINITY)) {
      out.set(t.ticket.id, unservedBand());
      continue;
    }
    const finite = xs.map((x) => (Number.isFinite(x) ? x : HORIZON_MINUTES));
    // The replays' median, as the predictor gives it since it took the median instead of the mean (#10): what the
    // replays' call times are summed up by is not what the equivalence tests compare.
    const median = exact?.get(t.ticket.id) ?? medianOfReplays(finite);
    const q = (p: number) => finite[Math.min(finite.length - 1, Math.floor(p * finite.length))] ?? median;
    const pad = median > 0 ? MODEL_ERROR_MINUTES : 0;
    out.set(t.ticket.id, {
      minutes: round1(median),
      low: round1(Math.max(0, q(0.1) - pad)),
      high: round1(q(0.9) + pad),
      band: bandKeyFor(median),
    });
  }
  return out;
}

/**
 * Per called ticket of a mean-value replay: the tickets called before it that could have gone to one of its
 * counters. Call times never decrease along the call order and nobody gives up in a mean-value replay, so
 * "called before" is "earlier in the order".
 */
function callsAhead(r: Replay, counters: SimCounter[]): Map<SimTicket, number> {
  const out = new Map<SimTicket, number>();
  const before = new CallsBySet();
  for (const t of r.order) {
    const set = serverSetOf(t, counters);
    out.set(t, before.competing(set));
    before.add(set);
  }
  return out;
}

/** Learned service-time variability from which we treat services as memoryless (exponential: cv 1). */
const MEMORYLESS_CV = 0.9;

/**
 * A plain line: one line of walk-ins (no appointments, no priorities, no transfers, one service of one mean)
 * before counters that all serve it and stay open, nobody giving up. Its first ticket, or null.
 */
function plainLine(input: PredictorInput, tickets: SimTicket[], counters: SimCounter[]): SimTicket | null {
  if (!noAbandonment(input) || tickets.length === 0 || counters.length === 0) return null;
  const first = tickets[0] as SimTicket;
  const code = first.codes[0];
  if (code === undefined) return null;
  for (const t of tickets) {
    const p = t.policy;
    if (!t.walkIn || p.priority !== 0 || p.targetCounterId !== null) return null;
    if (t.codes.length !== 1 || t.codes[0] !== code || t.minutes !== first.minutes) return null;
  }
  for (const c of counters) {
    if (!c.skills.has(code) || c.availableFrom > 0 || c.breaks.length > 0 || Number.isFinite(c.until)) return null;
    if (c.busy && Math.abs(c.busy.expected / c.speed - first.minutes) > 1e-6) return null;
  }
  return first;
}

/**
 * The expected call time in closed form, where it exists: a plain line (above) of services without memory
 * (learned cv near 1). Then what a service has already taken says nothing about what is left, every busy
 * counter ends a visit at its own rate, and the k-th in line beyond the free counters waits for k visits to
 * end: k ÷ the total rate — the queue-length formula's mean, exact (we give the median, below). The replays
 * estimate the same mean with the noise of a dozen draws, which in a plain M/M/s makes them lose to the
 * formula they reduce to; they still give the band.
 *
 * The total rate is counters ÷ the learned mean, whatever the clerks' learned speeds: the learned mean is
 * the office's visits pooled over its clerks, and where they all keep working a faster clerk does more of
 * them, so the pooled mean visit is the counters ÷ the sum of their rates — the speeds only say who ends
 * the next visit, which a memoryless line does not care about. Summing 1/(mean × speedᵢ) instead adds
 * each speed's sampling noise (on the first simulated day of `mms-stationary` the learned speeds of
 * identical clerks spread by about 0.1 and averaged 0.97–1.06, the speed learner's ratios being taken
 * against a mean shrunk toward the configured one) and turns it into an error in the total rate. Null
 * where the visits have memory.
 */
function memorylessWaits(first: SimTicket, tickets: SimTicket[], counters: SimCounter[]): Map<number, number> | null {
  if (tickets.some((t) => t.cv < MEMORYLESS_CV) || counters.some((c) => c.busy && c.busy.cv < MEMORYLESS_CV))
    return null;
  const free = counters.filter((c) => !c.busy).length;
  const rate = counters.length / first.minutes;
  // First come, first served: one service with one target, no priorities.
  const order = [...tickets].sort((a, b) => a.queued - b.queued || a.policy.id - b.policy.id);
  const out = new Map<number, number>();
  order.forEach((t, k) => {
    out.set(t.ticket.id, k < free ? 0 : erlangMedian(k - free + 1, rate));
  });
  return out;
}

/**
 * The counters of a plain line with their speeds scaled by one factor so that their rates add up to
 * counters ÷ the learned mean, as in the closed form: the clerks keep their learned differences (who ends
 * the next visit, which matters once visits have memory), the total rate comes from the pooled mean. On a
 * first day, visits with memory or not yet learned as memoryless (cv below 0.9) are replayed so.
 */
function pooledSpeeds(counters: SimCounter[], walkUp: number): SimCounter[] {
  const harmonic = counters.length / counters.reduce((sum, c) => sum + 1 / c.speed, 0);
  return counters.map((c) => {
    const speed = c.speed / harmonic;
    if (!c.busy) return { ...c, speed };
    const busy = { ...c.busy, expected: (c.busy.expected / c.speed) * speed };
    return { ...c, speed, busy, freeAt: Math.max(c.availableFrom, meanResidual(busy, walkUp)) };
  });
}

/**
 * Median of the time to the k-th of visits ending at `rate` (Erlang k): P(T ≤ t) = P(Poisson(rate·t) ≥ k),
 * by bisection. Where the wait's distribution is known we give its median, not its mean: half wait less,
 * half more, and it is the estimate with the smallest expected error in minutes (the mean of an Erlang
 * lies above its median — for one visit ahead by 44 %).
 */
export function erlangMedian(k: number, rate: number): number {
  const cdf = (t: number) => {
    const m = rate * t;
    let term = Math.exp(-m);
    let below = 0;
    for (let i = 0; i < k; i++) {
      below += term;
      term = (term * m) / (i + 1);
    }
    return 1 - below;
  };
  let lo = 0;
  let hi = (k + 10 * Math.sqrt(k) + 10) / rate;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < 0.5) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function noAbandonment(input: PredictorInput): boolean {
  return !(input.patienceMinutes && input.patienceMinutes > 0);
}

/** Plain queue-length predictor (Ibrahim & Whitt) for one queue: the benchmark's reference baseline. */
export function queueLengthMinutes(ahead: number, meanMinutes: number, serving: number): number {
  if (serving <= 0) return Number.POSITIVE_INFINITY;
  return ((ahead + 1) * meanMinutes) / serving;
}
