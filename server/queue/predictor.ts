import type { WaitBand } from '../contracts/queue.ts';
import { createRandom, type Random } from '../random.ts';
import { CallOrder, type PolicyTicket } from './call-next-policy.ts';

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
  /** Seeded stochastic replays per estimate (their median: medianOfReplays); 0 = one mean-value replay (default 12). */
  replications?: number;
  /**
   * A mean-value replay's point estimate: the median of the wait it stands for (default; `meanValueBand`), as the
   * stochastic replays give, or `mean`: its call time itself (the tests of the replay's call times and its reference).
   */
  meanValuePoint?: 'median' | 'mean';
  /**
   * Mean patience of waiting walk-ins in minutes (exponential; learned by patience.ts from tickets
   * cancelled as abandoned). Null or absent: nobody gives up.
   */
  patienceMinutes?: number | null;
  /**
   * Only `perService` ("if you take a ticket now"): `perTicket` comes back empty and its replays are not run — for
   * callers that show the services' waits only. `perService` is what it is without it.
   */
  perServiceOnly?: boolean;
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
  /** Which counters may serve it: its target counter and its set of services (all that `canServe` looks at). */
  servedBy: string;
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
  /** Per ticket (by index in the replay's list): the minutes until a counter calls it; NaN: not called. */
  callAt: Float64Array;
  /** Called tickets (by index) in call order (mean-value replays: call times never decrease along it). */
  order: Int32Array;
  /** How many of `order` are set. */
  called: number;
  /** Watched newcomers (`probes`): when a counter would have called each, and the calls before it that count. */
  probes: Map<Probe, { at: number; ahead: number; ends: number }>;
}

/** A newcomer watched by a replay (see `replay`). */
interface Probe {
  ticket: SimTicket;
  servers: ServerSet;
}

/** Which counters (by index in the replay's list) may serve a ticket, as a bit set. */
interface ServerSet {
  bits: Uint32Array;
}

function serverSet(t: SimTicket, counters: readonly SimCounter[]): ServerSet {
  const bits = new Uint32Array(Math.ceil(counters.length / 32) || 1);
  for (let i = 0; i < counters.length; i++)
    if (canServe(counters[i] as SimCounter, t)) bits[i >>> 5] = (bits[i >>> 5] as number) | (1 << (i & 31));
  return { bits };
}

/** serverSet once per distinct set of services and target counter (`servedBy`), per counter list. */
const serverSetMemo = new WeakMap<readonly SimCounter[], Map<string, ServerSet>>();

function serverSetOf(t: SimTicket, counters: readonly SimCounter[]): ServerSet {
  let memo = serverSetMemo.get(counters);
  if (!memo) {
    memo = new Map();
    serverSetMemo.set(counters, memo);
  }
  let set = memo.get(t.servedBy);
  if (!set) {
    set = serverSet(t, counters);
    memo.set(t.servedBy, set);
  }
  return set;
}

function intersects(a: ServerSet, b: ServerSet): boolean {
  for (let k = 0; k < a.bits.length; k++) if (((a.bits[k] as number) & (b.bits[k] as number)) !== 0) return true;
  return false;
}

/**
 * Calls so far per set of serving counters: "how many calls before this one could have gone to one of its
 * counters" in O(distinct sets) instead of O(calls). Offices have a handful of distinct skill sets; sets are
 * told apart by identity (serverSetOf gives one object per distinct set).
 */
class CallsBySet {
  private readonly sets: ServerSet[] = [];
  private readonly counts: number[] = [];
  add(set: ServerSet): void {
    const k = this.sets.indexOf(set);
    if (k >= 0) this.counts[k] = (this.counts[k] as number) + 1;
    else {
      this.sets.push(set);
      this.counts.push(1);
    }
  }
  competing(set: ServerSet): number {
    let n = 0;
    for (let k = 0; k < this.sets.length; k++)
      if (intersects(this.sets[k] as ServerSet, set)) n += this.counts[k] as number;
    return n;
  }
}

/**
 * The tickets of a replay in lines that call-next ranks alike: walk-ins with the same serving counters (target
 * counter and services, hence the same target wait) and the same priority. Within such a line call-next's order
 * is the same at every moment — earlier queuedAt, then lower id: the longer wait has the larger (or, rounded,
 * the same) relative wait and score, and is starving first — so a counter's pick is the best of the lines'
 * first uncalled tickets, not of every ticket. Appointments (whose class moves with their start) are a line each.
 */
interface Lines {
  /** Per line, its tickets' indices in call-next order. */
  members: Int32Array[];
  /** Per ticket, its line. */
  lineOf: Int32Array;
  /** The line a walk-in not among the tickets would join (a newcomer's); -1: none. */
  lineFor: (t: SimTicket) => number;
  /** Per counter, the lines it may serve (the same for every replay of these tickets over it). */
  servable: WeakMap<SimCounter, readonly number[]>;
}

const linesMemo = new WeakMap<readonly SimTicket[], Lines>();

/** A line's order: earlier queuedAt, then lower id (negative when `a` comes first). */
function before(a: SimTicket, b: SimTicket): number {
  return a.policy.queuedAt.getTime() - b.policy.queuedAt.getTime() || a.policy.id - b.policy.id;
}

function linesOf(tickets: readonly SimTicket[]): Lines {
  const hit = linesMemo.get(tickets);
  if (hit) return hit;
  const byKey = new Map<string, Map<number, number>>();
  const groups: number[][] = [];
  for (let i = 0; i < tickets.length; i++) {
    const t = tickets[i] as SimTicket;
    let line: number | undefined;
    if (t.walkIn) {
      let byPriority = byKey.get(t.servedBy);
      if (!byPriority) {
        byPriority = new Map();
        byKey.set(t.servedBy, byPriority);
      }
      line = byPriority.get(t.policy.priority);
      if (line === undefined) {
        line = groups.push([]) - 1;
        byPriority.set(t.policy.priority, line);
      }
    } else line = groups.push([]) - 1;
    (groups[line] as number[]).push(i);
  }
  const lineOf = new Int32Array(tickets.length);
  const members = groups.map((group, line) => {
    // Usually already in order (tickets come by id, ids by issue): sorted only when not.
    let sorted = true;
    for (let k = 1; k < group.length && sorted; k++)
      sorted = before(tickets[group[k - 1] as number] as SimTicket, tickets[group[k] as number] as SimTicket) < 0;
    if (!sorted) group.sort((a, b) => before(tickets[a] as SimTicket, tickets[b] as SimTicket));
    for (const i of group) lineOf[i] = line;
    return new Int32Array(group);
  });
  const lineFor = (t: SimTicket) => (t.walkIn ? (byKey.get(t.servedBy)?.get(t.policy.priority) ?? -1) : -1);
  const lines = { members, lineOf, lineFor, servable: new WeakMap() };
  linesMemo.set(tickets, lines);
  return lines;
}

/**
 * Replay of call-next over the counters; returns each ticket's call time. Without `rng` every service
 * takes its expected time (mean-value replay); with `rng` residual and future service times are drawn
 * from lognormals, so that the replays sample the call time's distribution — which matters when several
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
  const n = tickets.length;
  const callAt = new Float64Array(n).fill(Number.NaN);
  const order = new Int32Array(n);
  let called = 0;
  const grouped = linesOf(tickets);
  const { members, lineOf } = grouped;
  /** Per line, the position of its first uncalled ticket (the line's tickets are called in its order). */
  const head = new Int32Array(members.length);
  const walkUp = input.walkUpMinutes ?? 0.5;
  const patience = input.patienceMinutes && input.patienceMinutes > 0 ? input.patienceMinutes : null;
  const givesUpAt = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  if (rng && patience !== null)
    for (let i = 0; i < n; i++) if ((tickets[i] as SimTicket).walkIn) givesUpAt[i] = rng.exponential(1 / patience);
  // Per active counter: its copy, the lines it may serve (dropped once called out) and the probes it may serve.
  const active: SimCounter[] = [];
  const activeLines: number[][] = [];
  const activeProbes: Probe[][] = [];
  for (const c of counters) {
    const copy = { ...c };
    if (rng && c.busy) copy.freeAt = nextWorkingTime(c, Math.max(c.availableFrom, drawResidual(c.busy, walkUp, rng)));
    if (!Number.isFinite(copy.freeAt)) continue;
    active.push(copy);
    let servable = grouped.servable.get(c);
    if (!servable) {
      const found: number[] = [];
      for (let line = 0; line < members.length; line++)
        if (canServe(c, tickets[(members[line] as Int32Array)[0] as number] as SimTicket)) found.push(line);
      servable = found;
      grouped.servable.set(c, servable);
    }
    activeLines.push(servable.slice());
    activeProbes.push(probes.filter((p) => canServe(c, p.ticket)));
  }
  const watched = new Set(probes);
  const probeAt = new Map<Probe, { at: number; ahead: number; ends: number }>();
  // Only needed to count the calls ahead of a watched newcomer.
  const calledBySet = new CallsBySet();
  const lineSet =
    watched.size > 0 ? members.map((m) => serverSetOf(tickets[m[0] as number] as SimTicket, counters)) : [];
  // A watched newcomer behind the first uncalled ticket of the line it would join ranks behind the pick of every
  // counter that may serve that line (the pick comes before or is that ticket): no need to rank it there.
  const probeLine = new Map(probes.map((p) => [p, grouped.lineFor(p.ticket)]));
  const behindItsLine = (p: Probe): boolean => {
    const line = probeLine.get(p) ?? -1;
    if (line < 0) return false;
    const m = members[line] as Int32Array;
    const h = head[line] as number;
    return h < m.length && before(tickets[m[h] as number] as SimTicket, p.ticket) < 0;
  };
  // The calls ahead made after now: each waited for a visit to end (a call at 0 took a counter free now).
  const laterBySet = new CallsBySet();
  const resolve = (p: Probe, at: number) => {
    probeAt.set(p, {
      at,
      ahead: calledBySet.competing(p.servers),
      ends: at > 0 ? laterBySet.competing(p.servers) + 1 : 0,
    });
    watched.delete(p);
  };
  let horizon = false;

  while (called < n && active.length > 0) {
    let ci = 0;
    for (let i = 1; i < active.length; i++) {
      const a = active[i] as SimCounter;
      const b = active[ci] as SimCounter;
      if (a.freeAt < b.freeAt || (a.freeAt === b.freeAt && a.id < b.id)) ci = i;
    }
    const counter = active[ci] as SimCounter;
    const at = counter.freeAt;
    if (at > HORIZON_MINUTES) {
      horizon = true;
      break;
    }
    // The counter's pick in call-next order (bestRanked) over the first uncalled ticket of each line it may
    // serve (see Lines); lines called out, and newcomers resolved, leave its lists as they are walked.
    const lines = activeLines[ci] as number[];
    let kept = 0;
    for (let k = 0; k < lines.length; k++) {
      const line = lines[k] as number;
      if ((head[line] as number) < (members[line] as Int32Array).length) lines[kept++] = line;
    }
    if (kept !== lines.length) lines.length = kept;
    const mine = activeProbes[ci] as Probe[];
    if (mine.length > 0) {
      let still = 0;
      for (let k = 0; k < mine.length; k++) if (watched.has(mine[k] as Probe)) mine[still++] = mine[k] as Probe;
      if (still !== mine.length) mine.length = still;
    }
    let ranking = false;
    for (let k = 0; k < mine.length && !ranking; k++) ranking = !behindItsLine(mine[k] as Probe);
    let best = -1;
    if (kept === 1 && !ranking) {
      // One line and no watched newcomer who could come first: its first ticket is the pick, nothing to rank.
      const line = lines[0] as number;
      best = (members[line] as Int32Array)[head[line] as number] as number;
    } else if (kept > 0 || mine.length > 0) {
      const pick = new CallOrder<PolicyTicket>(new Date(nowMs + at * 60_000), options);
      for (let k = 0; k < kept; k++) {
        const line = lines[k] as number;
        const i = (members[line] as Int32Array)[head[line] as number] as number;
        if (pick.offer((tickets[i] as SimTicket).policy)) best = i;
      }
      // A watched newcomer this counter may serve is called here when it ranks before the counter's pick.
      if (ranking) for (const p of mine) if (!behindItsLine(p) && pick.leads(p.ticket.policy)) resolve(p, at);
    }
    if (best < 0) {
      active.splice(ci, 1);
      activeLines.splice(ci, 1);
      activeProbes.splice(ci, 1);
      continue;
    }
    const line = lineOf[best] as number;
    head[line] = (head[line] as number) + 1;
    callAt[best] = at;
    order[called++] = best;
    if (watched.size > 0) {
      calledBySet.add(lineSet[line] as ServerSet);
      if (at > 0) laterBySet.add(lineSet[line] as ServerSet);
    }
    if ((givesUpAt[best] as number) < at) continue;
    const t = tickets[best] as SimTicket;
    const expected = t.minutes * counter.speed;
    const duration = rng ? rng.lognormal(expected, t.cv) : expected;
    const stays = !rng && patience !== null && t.walkIn ? Math.exp(-Math.max(0, at) / patience) : 1;
    counter.freeAt = nextWorkingTime(counter, at + stays * (walkUp + duration));
    if (!Number.isFinite(counter.freeAt)) {
      active.splice(ci, 1);
      activeLines.splice(ci, 1);
      activeProbes.splice(ci, 1);
    }
  }
  // Everyone else is called: a watched newcomer goes to the first counter free for it, as its own replay would.
  if (!horizon && watched.size > 0) {
    const byFree = [...active].sort((a, b) => a.freeAt - b.freeAt || a.id - b.id);
    for (const p of watched) {
      const c = byFree.find((x) => x.freeAt > HORIZON_MINUTES || canServe(x, p.ticket));
      if (c && c.freeAt <= HORIZON_MINUTES) resolve(p, c.freeAt);
    }
  }
  return { callAt, order, called, probes: probeAt };
}

/** Per predictWaits: the codes and `servedBy` of untargeted one-service tickets, shared per service. */
type SingleServiceKeys = Map<string, { codes: string[]; servedBy: string }>;

function toSimTicket(input: PredictorInput, t: PredictorTicket, single?: SingleServiceKeys): SimTicket {
  let codes: string[];
  let servedBy: string;
  const only = t.services.length === 1 && t.targetCounterId === null ? (t.services[0] as { code: string }).code : null;
  const shared = only !== null ? single?.get(only) : undefined;
  if (shared) ({ codes, servedBy } = shared);
  else {
    codes = [...new Set(t.services.map((s) => s.code))];
    servedBy = `${t.targetCounterId ?? ''}\u0001${codes.join('\u0000')}`;
    if (only !== null) single?.set(only, { codes, servedBy });
  }
  return {
    ticket: t,
    policy: t,
    codes,
    servedBy,
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
  const single: SingleServiceKeys = new Map();
  const simTickets = input.tickets.map((t) => toSimTicket(input, t, single));
  const codes = input.serviceCodes ?? Object.keys(input.meanMinutesPerPerson);
  // The newcomer gets the highest id: a new ticket issued now ranks after those issued in the same instant. Its
  // fields come in another order than a waiting ticket's (toPolicyTicket) on purpose: objects built with the same keys
  // in the same order share a map in V8, and this id is not a small integer — sharing would turn every waiting
  // ticket's id field into a double one (a boxed number in V8: slower compares and map keys, and optimised code
  // built for the small-integer one dropped).
  const newcomer = (code: string): SimTicket =>
    toSimTicket(input, {
      services: [{ code, persons: 1 }],
      id: Number.MAX_SAFE_INTEGER,
      queuedAt: input.now,
      dueAt: null,
      priority: 0,
      targetCounterId: null,
    });
  // Waiting tickets per service, counted once for all services.
  const waiting = new Map<string, number>();
  for (const t of simTickets) for (const code of t.codes) waiting.set(code, (waiting.get(code) ?? 0) + 1);
  const waitingFor = (code: string) => waiting.get(code) ?? 0;
  const perService: Record<string, WaitBand & { waiting: number }> = {};
  if ((input.replications ?? 1) <= 0) {
    // Mean-value: one replay gives every ticket's estimate and watches a newcomer per service (see `replay`)
    // instead of one more replay per service.
    const probes = codes.map((code) => {
      const ticket = newcomer(code);
      return { ticket, servers: serverSet(ticket, counters) };
    });
    const base = replay(input, simTickets, counters, undefined, probes);
    const median = input.meanValuePoint !== 'mean';
    probes.forEach((p, k) => {
      const code = codes[k] as string;
      const hit = base.probes.get(p);
      perService[code] = {
        ...(hit ? meanValueBand(hit.at, hit.ahead, median ? hit.ends : 0) : unservedBand()),
        waiting: waitingFor(code),
      };
    });
    return {
      perTicket: input.perServiceOnly ? new Map() : meanValueBands(base, simTickets, counters, median),
      perService,
    };
  }
  const perTicket = input.perServiceOnly ? new Map<number, WaitBand>() : estimate(input, simTickets, counters);
  for (const code of codes) {
    const probe = newcomer(code);
    // No counter that takes part may serve it: no replay would call it, so none is run.
    const band = counters.some((c) => canServe(c, probe))
      ? (estimate(input, [...simTickets, probe], counters, probe.ticket.id).get(probe.ticket.id) ?? unservedBand())
      : unservedBand();
    perService[code] = { ...band, waiting: waitingFor(code) };
  }
  return { perTicket, perService };
}

/**
 * Bands of a mean-value replay: the call time (or the median it stands for, `meanValueBand`), and the calls before
 * it that could have gone to its counters.
 */
function meanValueBands(
  base: Replay,
  tickets: SimTicket[],
  counters: SimCounter[],
  median: boolean,
): Map<number, WaitBand> {
  const out = new Map<number, WaitBand>();
  const { ahead, ends } = callsAhead(base, tickets, counters);
  for (let i = 0; i < tickets.length; i++) {
    const at = base.callAt[i] as number;
    out.set(
      (tickets[i] as SimTicket).ticket.id,
      Number.isNaN(at) ? unservedBand() : meanValueBand(at, ahead[i] as number, median ? (ends[i] as number) : 0),
    );
  }
  return out;
}

/**
 * A mean-value replay's band: its call time `at` is a mean (every visit takes its expected minutes), while the
 * stochastic replays' estimate — the prediction stored at issue — is a median. So the point given is the median of
 * the gamma wait with that mean and shape the visit ends it waits for (`ends`: the calls ahead of it on its counters
 * made after now, and the one that calls it; a wait of k memoryless visit ends is exactly Erlang k), by the same
 * Wilson–Hilferty form as `medianOfReplays`, so a screen and the stored prediction say the same thing. The band is
 * the one around the mean as before (`waitBand`: the spread of the visit ends ahead and a minute); it holds the
 * median, which lies between the mean and its lower end. `ends` 0: the call time itself.
 */
function meanValueBand(at: number, ahead: number, ends: number): WaitBand {
  const band = waitBand(at, ahead);
  if (!(at > 0) || ends < 1) return band;
  const median = gammaMedian(at, (at * at) / ends);
  return { ...band, minutes: round1(median), band: bandKeyFor(median) };
}

/** Bands for every ticket (or only for `only`): mean-value replay, or the median of seeded stochastic replays. */
function estimate(
  input: PredictorInput,
  tickets: SimTicket[],
  counters: SimCounter[],
  only?: number,
): Map<number, WaitBand> {
  const out = new Map<number, WaitBand>();
  const wanted: number[] = [];
  for (let i = 0; i < tickets.length; i++)
    if (only === undefined || (tickets[i] as SimTicket).ticket.id === only) wanted.push(i);
  // A very long line costs O(n²) per replay: fewer replays keep a live update within tens of ms.
  const reps = input.replications ?? (tickets.length > 80 ? DEFAULT_REPLICATIONS / 2 : DEFAULT_REPLICATIONS);
  if (reps <= 0) {
    const bands = meanValueBands(replay(input, tickets, counters), tickets, counters, input.meanValuePoint !== 'mean');
    for (const i of wanted) {
      const id = (tickets[i] as SimTicket).ticket.id;
      out.set(id, bands.get(id) ?? unservedBand());
    }
    return out;
  }
  const plain = plainLine(input, tickets, counters);
  const exact = plain ? memorylessWaits(plain, tickets, counters) : null;
  // A plain line's replays run at the total rate the closed form takes (see memorylessWaits) too.
  const serving = plain ? pooledSpeeds(counters, input.walkUpMinutes ?? 0.5) : counters;
  // Seeded from the input size only: the same state always gives the same answer (pure).
  const rng = createRandom(0x5eed + tickets.length * 7919 + counters.length);
  // Per wanted ticket its `reps` call times, side by side.
  const samples = new Float64Array(wanted.length * reps);
  for (let r = 0; r < reps; r++) {
    const result = replay(input, tickets, serving, rng);
    for (let w = 0; w < wanted.length; w++) {
      const at = result.callAt[wanted[w] as number] as number;
      samples[w * reps + r] = Number.isNaN(at) ? Number.POSITIVE_INFINITY : at;
    }
  }
  for (let w = 0; w < wanted.length; w++) {
    const t = tickets[wanted[w] as number] as SimTicket;
    const xs = Array.from(samples.subarray(w * reps, (w + 1) * reps)).sort((a, b) => a - b);
    if (xs.length === 0 || !Number.isFinite(xs[Math.floor(xs.length / 2)] ?? Number.POSITIVE_INFINITY)) {
      out.set(t.ticket.id, unservedBand());
      continue;
    }
    const finite = xs.map((x) => (Number.isFinite(x) ? x : HORIZON_MINUTES));
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
 * The median of the wait the replays sample: what a point estimate scored by its error in minutes should be (half
 * wait less, half more; the mean lies above it, as a wait is skewed to the right). A dozen replays say little
 * about their middle two, so it is the median of the gamma distribution with the replays' mean and variance —
 * a wait is a sum of visit ends, and where the visits have no memory it is exactly a gamma (Erlang) wait, whose
 * median the closed form gives (`erlangMedian`). The mean of the replays is the steadiest thing they estimate;
 * their spread moves it only by about a third of its variance ÷ mean.
 */
export function medianOfReplays(xs: readonly number[]): number {
  const n = xs.length;
  if (n === 0) return Number.NaN;
  let mean = 0;
  for (const x of xs) mean += x;
  mean /= n;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  return gammaMedian(mean, n > 1 ? ss / (n - 1) : 0);
}

/**
 * Median of the gamma distribution with this mean and variance (shape α = mean² ÷ variance), by Wilson and
 * Hilferty's cube-root approximation: mean · (1 − 1/(9α))³ — within 1.3 % of the exact one for α ≥ 1 (one
 * exponential visit: 0.702 against ln 2 = 0.693 of its mean). No spread: the mean itself; so much spread that the
 * approximation drops below 0 (α < 1/9, mostly replays at 0 and a few far out): 0.
 */
export function gammaMedian(mean: number, variance: number): number {
  if (!(mean > 0) || !(variance > 0)) return Math.max(0, mean);
  const shape = (mean * mean) / variance;
  return mean * Math.max(0, 1 - 1 / (9 * shape)) ** 3;
}

/**
 * Per called ticket of a mean-value replay (by index): the tickets called before it that could have gone to one
 * of its counters (`ahead`), and the visit ends it waits for (`ends`: those of them called after now, and its own
 * call if after now; 0 when called now). Call times never decrease along the call order and nobody gives up in a
 * mean-value replay, so "called before" is "earlier in the order".
 */
function callsAhead(r: Replay, tickets: SimTicket[], counters: SimCounter[]): { ahead: Int32Array; ends: Int32Array } {
  const ahead = new Int32Array(tickets.length);
  const ends = new Int32Array(tickets.length);
  const { members, lineOf } = linesOf(tickets);
  const setOfLine = members.map((m) => serverSetOf(tickets[m[0] as number] as SimTicket, counters));
  const before = new CallsBySet();
  const later = new CallsBySet();
  for (let k = 0; k < r.called; k++) {
    const i = r.order[k] as number;
    const set = setOfLine[lineOf[i] as number] as ServerSet;
    ahead[i] = before.competing(set);
    before.add(set);
    if ((r.callAt[i] as number) > 0) {
      ends[i] = later.competing(set) + 1;
      later.add(set);
    }
  }
  return { ahead, ends };
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
  // By queuedAt (the same order as its minutes from now), then id.
  const order = [...tickets].sort(
    (a, b) => a.policy.queuedAt.getTime() - b.policy.queuedAt.getTime() || a.policy.id - b.policy.id,
  );
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
