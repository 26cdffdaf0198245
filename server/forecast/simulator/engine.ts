import { DateTime } from 'luxon';
import type { WaitBand } from '../../contracts/queue.ts';
import { learnPatience } from '../../queue/patience.ts';
import {
  normalCdf,
  normalQuantile,
  type PredictorCounter,
  type PredictorInput,
  type PredictorTicket,
  predictWaits,
} from '../../queue/predictor.ts';
import { learnServiceTimes, type ServiceSample } from '../../queue/service-times.ts';
import { createRandom, type Random } from '../../random.ts';
import { type CallNextPolicy, type PolicyTicket, productionPolicy } from './policy.ts';
import { type Scenario, type ScenarioCounter, type ScenarioService, wallMinutes } from './scenario.ts';

/**
 * Discrete-event simulation of office days under virtual time. It runs the real call-next policy and
 * the real predictor, and writes the same ticket-event log as production (ticket_events rows), so
 * statistics, the forecaster and the benchmark read simulated and real days the same way.
 */

export type SimEventType = 'issued' | 'called' | 'started' | 'finished' | 'cancelled';

export interface SimTicketEvent {
  ticketId: number;
  type: SimEventType;
  at: Date;
  counterId: number | null;
  data: Record<string, unknown> | null;
}

export interface SimTicket {
  id: number;
  serviceDate: string;
  number: string;
  source: 'kiosk' | 'check-in';
  services: { code: string; persons: number }[];
  issuedAt: Date;
  dueAt: Date | null;
  calledAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  counterId: number | null;
  status: 'waiting' | 'serving' | 'done' | 'cancelled';
  /** Minutes predicted at issue, per predictor name (walk-ins only). */
  predicted: Record<string, number>;
  band: WaitBand | null;
  /** Realised wait from issue to first call (minutes); null if the resident gave up. */
  waitMinutes: number | null;
}

export interface SimAppointment {
  serviceDate: string;
  code: string;
  startsAt: Date;
  status: 'served' | 'no-show';
  ticketId: number | null;
}

export interface SimHour {
  serviceDate: string;
  hour: number;
  walkIns: number;
  withinNorm: number;
  abandoned: number;
  serviceLevel: number | null;
}

export interface SimResult {
  scenario: string;
  tickets: SimTicket[];
  events: SimTicketEvent[];
  appointments: SimAppointment[];
  hours: SimHour[];
}

/** Extra predictors scored at every walk-in issue (the benchmark's baselines). */
export type IssuePredictor = (ctx: IssueContext) => number;

export interface IssueContext {
  now: Date;
  ticket: PredictorTicket;
  input: PredictorInput;
  /** Realised waits of earlier walk-ins (all days so far), oldest first. */
  history: { code: string; minutes: number; calledAt: Date }[];
  configuredMinutes: Record<string, number>;
  /** Forward simulation of the rest of the day with the true parameters: mean call time of this ticket. */
  reference: (reps: number) => number;
}

export interface SimOptions {
  policy?: CallNextPolicy;
  predictors?: Record<string, IssuePredictor>;
  /** Learn service times from the simulated log as it grows (what production does); default true. */
  learn?: boolean;
  /** Skip the predictor entirely (fast bulk history generation). */
  predict?: boolean;
}

interface Counter {
  def: ScenarioCounter;
  shifts: [number, number][];
  breaks: [number, number][];
  current: number | null;
  currentStarted: number | null;
  currentExpected: number;
  finishAt: number | null;
}

type Ev =
  | { t: number; seq: number; kind: 'walk-in'; code: string; persons: number }
  | { t: number; seq: number; kind: 'appointment'; index: number }
  | { t: number; seq: number; kind: 'finish'; counter: number }
  | { t: number; seq: number; kind: 'wake' }
  | { t: number; seq: number; kind: 'abandon'; ticket: number };

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

class Heap {
  items: Ev[] = [];
  push(e: Ev): void {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(a[i] as Ev, a[p] as Ev)) {
        [a[i], a[p]] = [a[p] as Ev, a[i] as Ev];
        i = p;
      } else break;
    }
  }
  pop(): Ev | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l] as Ev, a[m] as Ev)) m = l;
        if (r < a.length && less(a[r] as Ev, a[m] as Ev)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m] as Ev, a[i] as Ev];
        i = m;
      }
    }
    return top;
  }
  get size(): number {
    return this.items.length;
  }
}
function less(a: Ev, b: Ev): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}

interface Booked {
  code: string;
  persons: number;
  start: number;
}

interface DayTicket {
  id: number;
  codes: { code: string; persons: number }[];
  source: 'kiosk' | 'check-in';
  issued: number;
  due: number | null;
  called: number | null;
  status: 'waiting' | 'serving' | 'done' | 'cancelled';
  /** The same ticket in the policy's shape, built once. */
  policy?: PolicyTicket;
}

/** One office day; cloneable so that the reference predictor can replay the rest of the day. */
class Day {
  heap = new Heap();
  seq = 0;
  t = 0;
  waiting: DayTicket[] = [];
  tickets = new Map<number, DayTicket>();
  counters: Counter[];
  arrived = new Set<number>();
  stopAt: number | null = null;
  stopCalledAt: number | null = null;

  constructor(
    readonly sc: Scenario,
    readonly rng: Random,
    readonly busyness: number,
    readonly booked: Booked[],
    readonly hooks: {
      policy: CallNextPolicy;
      instant: (m: number) => Date;
      onIssue?: (day: Day, t: DayTicket) => void;
      onEvent?: (
        ticket: DayTicket,
        type: SimEventType,
        at: number,
        counter: number | null,
        data?: Record<string, unknown>,
      ) => void;
      nextId: () => number;
    },
  ) {
    this.targets = Object.fromEntries(sc.services.map((s) => [s.code, s.targetWaitMinutes]));
    this.counters = sc.counters.map((def) => ({
      def,
      shifts: def.shifts.map(([a, b]) => [wallMinutes(a), wallMinutes(b)] as [number, number]),
      breaks: def.breaks.map(([a, b]) => [wallMinutes(a), wallMinutes(b)] as [number, number]),
      current: null,
      currentStarted: null,
      currentExpected: 0,
      finishAt: null,
    }));
  }

  push(e: DistributiveOmit<Ev, 'seq'>): void {
    this.heap.push({ ...(e as Ev), seq: this.seq++ });
  }

  service(code: string) {
    const s = this.sc.services.find((x) => x.code === code);
    if (!s) throw new Error(`unknown service ${code}`);
    return s;
  }

  /** Walk-in arrivals from `from` to the end of the walk-in window: non-homogeneous Poisson by thinning-free hourly pieces. */
  scheduleWalkIns(from: number, withCrowd: boolean): void {
    const start = wallMinutes(this.sc.walkInFrom);
    const end = wallMinutes(this.sc.walkInTo);
    for (const s of this.sc.services) {
      for (let h = Math.floor(start / 60); h * 60 < end; h++) {
        const rate = (s.walkInPerHour[String(h)] ?? 0) * this.busyness;
        const a = Math.max(h * 60, start, from);
        const b = Math.min(h * 60 + 60, end);
        if (b <= a || rate <= 0) continue;
        const n = this.rng.poisson((rate * (b - a)) / 60);
        for (let i = 0; i < n; i++) {
          this.push({
            t: a + this.rng.next() * (b - a),
            kind: 'walk-in',
            code: s.code,
            persons: this.persons(s.twoPersonShare),
          });
        }
      }
    }
    if (withCrowd && this.sc.doorCrowd.mean > 0) {
      const n = this.rng.poisson(this.sc.doorCrowd.mean * this.busyness);
      const firstHour = Math.floor(start / 60);
      const mix = this.sc.doorCrowd.services;
      const weights = this.sc.services.map((s) => (mix ? mix[s.code] : s.walkInPerHour[String(firstHour)]) ?? 0);
      const total = weights.reduce((x, y) => x + y, 0);
      for (let i = 0; i < n && total > 0; i++) {
        let u = this.rng.next() * total;
        let k = 0;
        while (k < weights.length - 1 && u > (weights[k] ?? 0)) u -= weights[k++] ?? 0;
        const s = this.sc.services[k];
        if (!s) continue;
        this.push({
          t: start + this.rng.next() * this.sc.doorCrowd.spreadMinutes,
          kind: 'walk-in',
          code: s.code,
          persons: this.persons(s.twoPersonShare),
        });
      }
    }
  }

  persons(twoShare: number): number {
    return this.rng.next() < twoShare ? 2 : 1;
  }

  scheduleAppointment(index: number, notBefore: number): void {
    const b = this.booked[index];
    if (!b) return;
    const cfg = this.sc.appointments;
    if (this.rng.next() < cfg.noShowRate) return;
    const at = Math.max(notBefore, b.start + cfg.arrivalMeanMinutes + cfg.arrivalSdMinutes * this.rng.normal());
    this.push({ t: at, kind: 'appointment', index });
  }

  available(c: Counter, t: number): boolean {
    const close = wallMinutes(this.sc.closesAt);
    if (c.breaks.some(([a, b]) => t >= a && t < b)) return false;
    // A counter rostered until closing keeps serving until the waiting room is empty.
    return c.shifts.some(([a, b]) => t >= a && (t < b || b >= close));
  }

  drawService(codes: { code: string; persons: number }[], c: Counter): number {
    let sum = 0;
    for (const x of codes) {
      const s = this.service(x.code);
      for (let p = 0; p < x.persons; p++)
        sum +=
          s.distribution === 'exponential'
            ? this.rng.exponential(1 / s.meanMinutes)
            : this.rng.lognormal(s.meanMinutes, s.cv);
    }
    return sum * c.def.speed;
  }

  /**
   * A service time drawn given that it is longer than `elapsed` (a service still running). One person: exactly,
   * from the distribution's tail (exponential: elapsed + a fresh draw; lognormal: the inverse CDF above F(elapsed)).
   * Otherwise by rejection. Cutting rejection off after a few dozen tries and ending the service now (as before)
   * made a long-running service at an exponential counter "finish now" about one time in five past three means,
   * which biased the reference's waits low.
   */
  drawServiceBeyond(codes: { code: string; persons: number }[], c: Counter, elapsed: number): number {
    const only = codes[0];
    if (elapsed <= 0) return this.drawService(codes, c);
    if (codes.length === 1 && only && only.persons === 1) {
      const exact = serviceTimeBeyond(this.service(only.code), c.def.speed, elapsed, this.rng);
      if (exact !== null) return exact;
    }
    for (let k = 0; k < 10_000; k++) {
      const duration = this.drawService(codes, c);
      if (duration > elapsed) return duration;
    }
    // Far beyond anything the distribution gives: a fresh service on top.
    return elapsed + this.drawService(codes, c);
  }

  expectedService(codes: { code: string; persons: number }[], c: Counter): number {
    let sum = 0;
    for (const x of codes) sum += this.service(x.code).meanMinutes * x.persons;
    return sum * c.def.speed;
  }

  issue(codes: { code: string; persons: number }[], source: 'kiosk' | 'check-in', due: number | null): DayTicket {
    const ticket: DayTicket = {
      id: this.hooks.nextId(),
      codes,
      source,
      issued: this.t,
      due,
      called: null,
      status: 'waiting',
    };
    this.tickets.set(ticket.id, ticket);
    this.hooks.onEvent?.(ticket, 'issued', this.t, null, { source, services: codes });
    // The ticket is in the line when predicted, as at a kiosk that answers after issuing.
    this.waiting.push(ticket);
    if (source === 'kiosk') this.hooks.onIssue?.(this, ticket);
    if (source === 'kiosk' && this.sc.patienceMinutes > 0) {
      this.push({ t: this.t + this.rng.exponential(1 / this.sc.patienceMinutes), kind: 'abandon', ticket: ticket.id });
    }
    if (due !== null) this.push({ t: Math.max(this.t, due - this.sc.dueEarlyMinutes), kind: 'wake' });
    return ticket;
  }

  policyTickets(): PolicyTicket[] {
    return this.waiting.map((w) => {
      if (!w.policy) {
        w.policy = {
          id: w.id,
          services: w.codes,
          queuedAt: this.hooks.instant(w.issued),
          dueAt: w.due === null ? null : this.hooks.instant(w.due),
          priority: 0,
          targetCounterId: null,
        };
      }
      return w.policy;
    });
  }

  targets: Record<string, number> = {};

  tryCall(): void {
    let list: PolicyTicket[] | null = null;
    let now: Date | null = null;
    for (const c of this.counters) {
      if (c.current !== null || this.waiting.length === 0 || !this.available(c, this.t)) continue;
      list ??= this.policyTickets();
      now ??= this.hooks.instant(this.t);
      const id = this.hooks.policy({
        now,
        counter: { id: c.def.id, skills: c.def.skills },
        tickets: list,
        targetWaitMinutes: this.targets,
        dueEarlyMinutes: this.sc.dueEarlyMinutes,
        lateGraceMinutes: this.sc.lateGraceMinutes,
      });
      if (id === null) continue;
      const ticket = this.tickets.get(id);
      if (ticket?.status !== 'waiting') continue;
      this.waiting = this.waiting.filter((w) => w.id !== id);
      list = list.filter((p) => p.id !== id);
      ticket.called = this.t;
      ticket.status = 'serving';
      if (this.stopAt === id) {
        this.stopCalledAt = this.t;
        return;
      }
      this.hooks.onEvent?.(ticket, 'called', this.t, c.def.id);
      const start = this.t + this.sc.walkUpMinutes;
      this.hooks.onEvent?.(ticket, 'started', start, c.def.id);
      const duration = this.drawService(ticket.codes, c);
      c.current = id;
      c.currentStarted = start;
      c.currentExpected = this.expectedService(ticket.codes, c);
      c.finishAt = start + duration;
      this.push({ t: c.finishAt, kind: 'finish', counter: c.def.id });
    }
  }

  /** Wake-ups at shift starts and break ends. */
  scheduleWakes(): void {
    for (const c of this.counters) {
      for (const [a] of c.shifts) this.push({ t: a, kind: 'wake' });
      for (const [, b] of c.breaks) this.push({ t: b, kind: 'wake' });
    }
  }

  run(): void {
    while (this.heap.size > 0) {
      const e = this.heap.pop();
      if (!e) break;
      this.t = e.t;
      switch (e.kind) {
        case 'walk-in':
          this.issue([{ code: e.code, persons: e.persons }], 'kiosk', null);
          break;
        case 'appointment': {
          const b = this.booked[e.index];
          if (!b) break;
          this.arrived.add(e.index);
          this.issue([{ code: b.code, persons: b.persons }], 'check-in', b.start);
          break;
        }
        case 'finish': {
          const c = this.counters.find((x) => x.def.id === e.counter);
          if (!c || c.current === null || c.finishAt !== e.t) break;
          const ticket = this.tickets.get(c.current);
          if (ticket) {
            ticket.status = 'done';
            this.hooks.onEvent?.(ticket, 'finished', this.t, c.def.id);
          }
          c.current = null;
          c.currentStarted = null;
          c.finishAt = null;
          break;
        }
        case 'abandon': {
          const ticket = this.tickets.get(e.ticket);
          if (ticket?.status !== 'waiting') break;
          ticket.status = 'cancelled';
          this.waiting = this.waiting.filter((w) => w.id !== ticket.id);
          this.hooks.onEvent?.(ticket, 'cancelled', this.t, null, { reason: 'abandoned' });
          break;
        }
        case 'wake':
          break;
      }
      this.tryCall();
      if (this.stopCalledAt !== null) return;
    }
  }

  /** The state a kiosk and the live estimate see now, in the predictor's input shape. */
  predictorInput(
    meanMinutes: Record<string, number>,
    counterSpeed: Record<number, number>,
    serviceCv: Record<string, number>,
    patienceMinutes: number | null = null,
  ): PredictorInput {
    const instant = this.hooks.instant;
    const counters: PredictorCounter[] = [];
    for (const c of this.counters) {
      const breaks = c.breaks.filter(([, b]) => b > this.t).map(([a, b]) => ({ from: instant(a), to: instant(b) }));
      const close = wallMinutes(this.sc.closesAt);
      const lastEnd = Math.max(...c.shifts.map(([, b]) => b));
      const until = lastEnd >= close ? null : instant(lastEnd);
      const nextShift = c.shifts.find(([a, b]) => b > this.t && a > this.t);
      const onShift = this.available(c, this.t);
      const onBreak = c.breaks.find(([a, b]) => this.t >= a && this.t < b);
      const state: PredictorCounter['state'] = onShift ? 'open' : onBreak || nextShift ? 'paused' : 'closed';
      const pausedUntil = onBreak ? instant(onBreak[1]) : nextShift && !onShift ? instant(nextShift[0]) : null;
      const current =
        c.current !== null && c.currentStarted !== null
          ? {
              startedAt: c.currentStarted <= this.t ? instant(c.currentStarted) : null,
              expectedMinutes: this.expectedFromTicket(c.current, meanMinutes),
              cv: serviceCv[this.tickets.get(c.current)?.codes[0]?.code ?? ''] ?? 0.5,
            }
          : null;
      counters.push({ id: c.def.id, skills: c.def.skills, state, current, pausedUntil, breaks, until });
    }
    return {
      now: instant(this.t),
      tickets: this.policyTickets(),
      counters,
      meanMinutesPerPerson: meanMinutes,
      counterSpeed,
      serviceCv,
      // Only the tickets' own estimates are needed here, not "if you take a ticket now".
      serviceCodes: [],
      targetWaitMinutes: Object.fromEntries(this.sc.services.map((s) => [s.code, s.targetWaitMinutes])),
      dueEarlyMinutes: this.sc.dueEarlyMinutes,
      lateGraceMinutes: this.sc.lateGraceMinutes,
      walkUpMinutes: this.sc.walkUpMinutes,
      patienceMinutes,
    };
  }

  expectedFromTicket(id: number, meanMinutes: Record<string, number>): number {
    const t = this.tickets.get(id);
    if (!t) return 0;
    return t.codes.reduce((sum, x) => sum + (meanMinutes[x.code] ?? 10) * x.persons, 0);
  }

  /**
   * A copy of this day from now on, with everything not yet known redrawn from the true parameters:
   * future walk-ins, the arrival of booked appointments, the remaining service of busy counters and
   * residents' patience. Used by the forward-simulation reference.
   */
  replica(rng: Random, stopAt: number): Day {
    const d = new Day(this.sc, rng, this.busyness, this.booked, {
      ...this.hooks,
      onIssue: undefined,
      onEvent: undefined,
    });
    d.t = this.t;
    d.stopAt = stopAt;
    let nextId = 1_000_000_000;
    d.hooks.nextId = () => nextId++;
    for (const [id, t] of this.tickets) d.tickets.set(id, { ...t });
    d.waiting = this.waiting.map((w) => d.tickets.get(w.id) as DayTicket);
    d.arrived = new Set(this.arrived);
    d.counters = this.counters.map((c) => ({ ...c }));
    for (const c of d.counters) {
      if (c.current === null || c.currentStarted === null || c.finishAt === null) continue;
      const ticket = d.tickets.get(c.current);
      if (!ticket) continue;
      // Remaining service conditional on what has elapsed.
      const elapsed = Math.max(0, this.t - c.currentStarted);
      c.finishAt = Math.max(this.t, c.currentStarted + d.drawServiceBeyond(ticket.codes, c, elapsed));
      d.push({ t: c.finishAt, kind: 'finish', counter: c.def.id });
    }
    d.scheduleWalkIns(this.t, false);
    for (let i = 0; i < this.booked.length; i++) {
      if (!this.arrived.has(i) && (this.booked[i]?.start ?? 0) + 30 > this.t) d.scheduleAppointment(i, this.t);
    }
    if (this.sc.patienceMinutes > 0) {
      for (const w of d.waiting) {
        // The tagged ticket is followed until it is called: its own patience does not count.
        if (w.source === 'kiosk' && w.id !== stopAt)
          d.push({ t: this.t + rng.exponential(1 / this.sc.patienceMinutes), kind: 'abandon', ticket: w.id });
      }
    }
    for (const w of d.waiting)
      if (w.due !== null) d.push({ t: Math.max(this.t, w.due - this.sc.dueEarlyMinutes), kind: 'wake' });
    for (const c of d.counters) {
      for (const [a] of c.shifts) if (a > this.t) d.push({ t: a, kind: 'wake' });
      for (const [, b] of c.breaks) if (b > this.t) d.push({ t: b, kind: 'wake' });
    }
    d.push({ t: this.t, kind: 'wake' });
    return d;
  }
}

/**
 * One person's service time at a counter of this speed, drawn given that it has run `elapsed` minutes already:
 * exponential, elapsed plus a fresh draw (memoryless); lognormal, the inverse CDF above F(elapsed). Null where
 * the tail is beyond the normal approximation's reach.
 */
export function serviceTimeBeyond(s: ScenarioService, speed: number, elapsed: number, rng: Random): number | null {
  const mean = s.meanMinutes * speed;
  if (s.distribution === 'exponential') return Math.max(0, elapsed) + rng.exponential(1 / mean);
  if (elapsed <= 0) return rng.lognormal(mean, s.cv);
  if (s.cv <= 0) return Math.max(mean, elapsed);
  const sigma2 = Math.log(1 + s.cv * s.cv);
  const mu = Math.log(mean) - sigma2 / 2;
  const sigma = Math.sqrt(sigma2);
  const fe = normalCdf((Math.log(elapsed) - mu) / sigma);
  if (fe >= 1 - 1e-12) return null;
  const u = fe + rng.next() * (1 - fe);
  return Math.max(elapsed, Math.exp(mu + sigma * normalQuantile(Math.min(u, 1 - 1e-15))));
}

/** Weekdays from the start date, `days` of them. */
function serviceDates(sc: Scenario): string[] {
  const out: string[] = [];
  let d = DateTime.fromISO(sc.startDate, { zone: sc.timeZone });
  while (out.length < sc.days) {
    const iso = d.toISODate() ?? '';
    if (d.weekday <= 5 && !sc.closedDates.includes(iso)) out.push(iso);
    d = d.plus({ days: 1 });
  }
  return out;
}

function bookedAppointments(sc: Scenario): Booked[] {
  const out: Booked[] = [];
  for (const s of sc.services) {
    for (const [hour, count] of Object.entries(s.appointmentsPerHour)) {
      const n = Math.round(count);
      for (let i = 0; i < n; i++)
        out.push({ code: s.code, persons: 1, start: Number(hour) * 60 + Math.floor((i * 60) / n) });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** How often the predictor's learned service times and patience are refreshed from the log (as the production cache). */
const RELEARN_MS = 5 * 60_000;

/** Run a scenario. Deterministic for a given scenario (seed included) and options. */
export function simulate(sc: Scenario, options: SimOptions = {}): SimResult {
  const policy = options.policy ?? productionPolicy;
  const rng = createRandom(sc.seed);
  const configured = Object.fromEntries(sc.services.map((s) => [s.code, s.configuredMinutes ?? s.meanMinutes]));
  const tickets: SimTicket[] = [];
  const events: SimTicketEvent[] = [];
  const appointments: SimAppointment[] = [];
  const history: IssueContext['history'] = [];
  const samples: ServiceSample[] = [];
  let learned = {
    meanMinutesPerPerson: configured,
    counterSpeed: {} as Record<number, number>,
    serviceCv: {} as Record<string, number>,
  };
  /**
   * Walk-in patience learned from the log (abandoned tickets). Like production (learned-times.ts: the log
   * up to now, cached for five minutes), the predictor relearns from today's log as the day goes on.
   */
  let patienceMinutes: number | null = null;
  let learnedAt = Number.NEGATIVE_INFINITY;
  const relearn = (now: Date) => {
    if (options.learn === false || now.getTime() - learnedAt < RELEARN_MS) return;
    learnedAt = now.getTime();
    learned = learnServiceTimes(samples, configured);
    patienceMinutes = learnPatience(events, now).meanMinutes;
  };
  let nextId = 1;
  const booked = bookedAppointments(sc);

  for (const serviceDate of serviceDates(sc)) {
    const midnight = DateTime.fromISO(serviceDate, { zone: sc.timeZone }).startOf('day');
    // Weekdays never contain a DST change (those fall on Sundays), so local midnight + minutes is exact.
    const base = midnight.toMillis();
    const instant = (m: number) => new Date(base + Math.round(m * 60_000));
    const cv = sc.busynessCv;
    const busyness = cv > 0 ? rng.gamma(1 / (cv * cv), cv * cv) : 1;
    const dayRng = rng.fork(nextId);
    const out = new Map<number, SimTicket>();
    const sequence: Record<string, number> = {};
    const day: Day = new Day(sc, dayRng, busyness, booked, {
      policy,
      instant,
      nextId: () => nextId++,
      onEvent: (t, type, at, counter, data) => {
        events.push({ ticketId: t.id, type, at: instant(at), counterId: counter, data: data ?? null });
        let rec = out.get(t.id);
        if (!rec) {
          const first = t.codes[0]?.code ?? 'x';
          const letter = (first[0] ?? 'X').toUpperCase();
          sequence[letter] = (sequence[letter] ?? 0) + 1;
          rec = {
            id: t.id,
            serviceDate,
            number: `${letter}${String(sequence[letter]).padStart(3, '0')}`,
            source: t.source,
            services: t.codes,
            issuedAt: instant(t.issued),
            dueAt: t.due === null ? null : instant(t.due),
            calledAt: null,
            startedAt: null,
            finishedAt: null,
            counterId: null,
            status: 'waiting',
            predicted: {},
            band: null,
            waitMinutes: null,
          };
          out.set(t.id, rec);
          tickets.push(rec);
        }
        if (type === 'called') {
          rec.calledAt = instant(at);
          rec.counterId = counter;
          rec.waitMinutes = at - t.issued;
          if (t.source === 'kiosk')
            history.push({ code: t.codes[0]?.code ?? '', minutes: at - t.issued, calledAt: instant(at) });
        }
        if (type === 'started') {
          rec.startedAt = instant(at);
          rec.status = 'serving';
        }
        if (type === 'finished') {
          rec.finishedAt = instant(at);
          rec.status = 'done';
          if (rec.startedAt)
            samples.push({
              services: t.codes,
              counterId: counter,
              minutes: (rec.finishedAt.getTime() - rec.startedAt.getTime()) / 60_000,
            });
        }
        if (type === 'cancelled') rec.status = 'cancelled';
      },
      onIssue:
        options.predict === false
          ? undefined
          : (d, t) => {
              const rec = out.get(t.id);
              if (!rec) return;
              relearn(instant(d.t));
              const input = d.predictorInput(
                learned.meanMinutesPerPerson,
                learned.counterSpeed,
                learned.serviceCv,
                patienceMinutes,
              );
              const result = predictWaits(input);
              const band = result.perTicket.get(t.id) ?? null;
              rec.band = band;
              rec.predicted.ours = band?.minutes ?? 0;
              if (!options.predictors) return;
              const ticket = input.tickets.find((x) => x.id === t.id) as PredictorTicket;
              const ctx: IssueContext = {
                now: instant(d.t),
                ticket,
                input,
                history,
                configuredMinutes: configured,
                reference: (reps) => {
                  let sum = 0;
                  for (let r = 0; r < reps; r++) {
                    const replica = d.replica(dayRng.fork(t.id * 131 + r), t.id);
                    replica.run();
                    sum += (replica.stopCalledAt ?? replica.t) - d.t;
                  }
                  return sum / reps;
                },
              };
              for (const [name, fn] of Object.entries(options.predictors)) rec.predicted[name] = fn(ctx);
            },
    });
    day.scheduleWalkIns(0, true);
    for (let i = 0; i < booked.length; i++) day.scheduleAppointment(i, 0);
    day.scheduleWakes();
    day.run();
    for (let i = 0; i < booked.length; i++) {
      const b = booked[i] as Booked;
      const ticket = [...day.tickets.values()].find(
        (t) => t.source === 'check-in' && t.due === b.start && day.arrived.has(i),
      );
      appointments.push({
        serviceDate,
        code: b.code,
        startsAt: instant(b.start),
        status: day.arrived.has(i) ? 'served' : 'no-show',
        ticketId: ticket?.id ?? null,
      });
    }
    if (options.learn !== false) learned = learnServiceTimes(samples, configured);
  }
  return { scenario: sc.name, tickets, events, appointments, hours: hourlyServiceLevels(sc, tickets) };
}

/** Per service day and hour of issue: share of walk-ins called within the norm (giving up counts as missed). */
export function hourlyServiceLevels(sc: Scenario, tickets: SimTicket[]): SimHour[] {
  const map = new Map<string, SimHour>();
  const offsets = new Map<string, number>();
  for (const t of tickets) {
    if (t.source !== 'kiosk') continue;
    // One zone lookup per service day: the offset does not change within a weekday.
    let offset = offsets.get(t.serviceDate);
    if (offset === undefined) {
      offset = DateTime.fromJSDate(t.issuedAt, { zone: sc.timeZone }).offset;
      offsets.set(t.serviceDate, offset);
    }
    const hour = new Date(t.issuedAt.getTime() + offset * 60_000).getUTCHours();
    const key = `${t.serviceDate}|${hour}`;
    let h = map.get(key);
    if (!h) {
      h = { serviceDate: t.serviceDate, hour, walkIns: 0, withinNorm: 0, abandoned: 0, serviceLevel: null };
      map.set(key, h);
    }
    h.walkIns++;
    if (t.waitMinutes === null) h.abandoned++;
    else if (t.waitMinutes <= sc.normMinutes) h.withinNorm++;
  }
  const hours = [...map.values()].sort((a, b) =>
    (a.serviceDate + String(a.hour).padStart(2, '0')).localeCompare(b.serviceDate + String(b.hour).padStart(2, '0')),
  );
  for (const h of hours) h.serviceLevel = h.walkIns > 0 ? h.withinNorm / h.walkIns : null;
  return hours;
}
