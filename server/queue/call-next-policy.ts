/**
 * The call-next order (pure: no I/O, no clock). Used by `call-next.ts` at the counter and by the
 * simulator of the forecasting module, so both run the very same policy.
 *
 * Order for one counter, over the waiting tickets it may serve (every service of the ticket is one
 * of the counter's skills, and a ticket transferred or parked to one counter goes to that counter only):
 *  1. walk-ins that have waited `starvationFactor` × their target or longer (no ticket starves,
 *     not even behind a steady stream of appointments), longest relative wait first;
 *  2. checked-in appointments that are due: from `dueEarlyMinutes` before their start until
 *     `lateGraceMinutes` after it, earliest start first;
 *  3. everything else by score = wait ÷ the service's target wait + priority × `priorityWeight`.
 *     Manual priority thus counts as having waited `priorityWeight` targets longer: a bounded head
 *     start, so priority tickets cannot starve others. Appointments late beyond grace are walk-ins here.
 *  4. appointments checked in early (not due yet) come last: an idle counter may take them.
 * Ties: earlier queuedAt, then lower id. "Wait" runs from `queuedAt`, which transfers preserve
 * (time at the counter does not count as waiting, time already waited is kept): fair transfers.
 */
export interface PolicyTicket {
  id: number;
  services: { code: string; persons: number }[];
  /** When it (re)entered the waiting line. */
  queuedAt: Date;
  /** Appointment start for checked-in appointments; null for walk-ins. */
  dueAt: Date | null;
  priority: number;
  /** Only this counter may call it (transfer to a counter, park); null: any skilled counter. */
  targetCounterId: number | null;
}

export interface PolicyCounter {
  id: number;
  skills: readonly string[];
}

export interface PolicyOptions {
  /** Target wait per service code in minutes (services.targetWaitMinutes); default 10. */
  targetWaitMinutes?: Record<string, number>;
  dueEarlyMinutes?: number;
  lateGraceMinutes?: number;
  priorityWeight?: number;
  starvationFactor?: number;
}

export const POLICY_DEFAULTS = {
  dueEarlyMinutes: 5,
  lateGraceMinutes: 10,
  priorityWeight: 1,
  starvationFactor: 3,
  targetWaitMinutes: 10,
} as const;

export type RankClass = 'starving' | 'due' | 'waiting' | 'early';
export interface RankedTicket<T extends PolicyTicket = PolicyTicket> {
  ticket: T;
  rankClass: RankClass;
  score: number;
}

const classOrder: Record<RankClass, number> = { starving: 0, due: 1, waiting: 2, early: 3 };

export function canCounterServe(counter: PolicyCounter, ticket: PolicyTicket): boolean {
  if (ticket.targetCounterId !== null && ticket.targetCounterId !== counter.id) return false;
  return ticket.services.every((s) => counter.skills.includes(s.code));
}

/** The strictest (smallest) target among the ticket's services, in minutes. */
function targetOf(ticket: PolicyTicket, options: PolicyOptions): number {
  let target = Number.POSITIVE_INFINITY;
  for (const s of ticket.services) {
    target = Math.min(target, options.targetWaitMinutes?.[s.code] ?? POLICY_DEFAULTS.targetWaitMinutes);
  }
  return Number.isFinite(target) && target > 0 ? target : POLICY_DEFAULTS.targetWaitMinutes;
}

export function classify<T extends PolicyTicket>(ticket: T, now: Date, options: PolicyOptions = {}): RankedTicket<T> {
  const early = options.dueEarlyMinutes ?? POLICY_DEFAULTS.dueEarlyMinutes;
  const grace = options.lateGraceMinutes ?? POLICY_DEFAULTS.lateGraceMinutes;
  const weight = options.priorityWeight ?? POLICY_DEFAULTS.priorityWeight;
  const starvation = options.starvationFactor ?? POLICY_DEFAULTS.starvationFactor;
  const t = now.getTime();
  const relWait = (t - ticket.queuedAt.getTime()) / 60_000 / targetOf(ticket, options);
  if (ticket.dueAt) {
    const due = ticket.dueAt.getTime();
    if (t >= due - early * 60_000 && t <= due + grace * 60_000) {
      return { ticket, rankClass: 'due', score: -due };
    }
    if (t < due - early * 60_000) return { ticket, rankClass: 'early', score: -due };
  }
  if (relWait >= starvation) return { ticket, rankClass: 'starving', score: relWait };
  return { ticket, rankClass: 'waiting', score: relWait + ticket.priority * weight };
}

/** The call-next order: negative when `a` is called before `b`. */
export function compareRanked(a: RankedTicket, b: RankedTicket): number {
  const byClass = classOrder[a.rankClass] - classOrder[b.rankClass];
  if (byClass !== 0) return byClass;
  if (a.score !== b.score) return b.score - a.score;
  const byQueued = a.ticket.queuedAt.getTime() - b.ticket.queuedAt.getTime();
  if (byQueued !== 0) return byQueued;
  return a.ticket.id - b.ticket.id;
}

/** The tickets this counter may call, best first. Does not mutate its inputs. */
export function rankForCounter<T extends PolicyTicket>(
  tickets: readonly T[],
  counter: PolicyCounter,
  now: Date,
  options: PolicyOptions = {},
): RankedTicket<T>[] {
  return tickets
    .filter((t) => canCounterServe(counter, t))
    .map((t) => classify(t, now, options))
    .sort(compareRanked);
}

/** The ticket the counter calls next, or null when it may serve none of them. */
export function pickNextTicket<T extends PolicyTicket>(
  tickets: readonly T[],
  counter: PolicyCounter,
  now: Date,
  options: PolicyOptions = {},
): T | null {
  const order = new CallOrder<T>(now, options);
  for (const t of tickets) if (canCounterServe(counter, t)) order.offer(t);
  return order.best;
}

/**
 * The first in call-next order of tickets the caller already knows the counter may serve (the predictor's
 * replay keeps a list per counter), ranked; null when there are none. The same choice as `pickNextTicket`.
 */
export function bestRanked<T extends PolicyTicket>(
  tickets: Iterable<T>,
  now: Date,
  options: PolicyOptions = {},
): RankedTicket<T> | null {
  const order = new CallOrder<T>(now, options);
  for (const t of tickets) order.offer(t);
  return order.best ? classify(order.best, now, options) : null;
}

/**
 * The best of the tickets offered, in call-next order at `now`: `classify` + `compareRanked` without an object
 * per ticket (the predictor's replay ranks every waiting ticket at every call, n² times per replay). Each
 * offer computes the same class and score as `classify` and keeps it when `compareRanked` would put it first.
 */
export class CallOrder<T extends PolicyTicket = PolicyTicket> {
  best: T | null = null;
  private bestClass = 0;
  private bestScore = 0;
  /** The last ranked ticket's class and score (`rank`). */
  private cls = 0;
  private score = 0;
  private readonly t: number;
  private readonly early: number;
  private readonly grace: number;
  private readonly weight: number;
  private readonly starvation: number;
  private readonly targets: Record<string, number> | undefined;

  constructor(now: Date, options: PolicyOptions = {}) {
    this.t = now.getTime();
    this.early = options.dueEarlyMinutes ?? POLICY_DEFAULTS.dueEarlyMinutes;
    this.grace = options.lateGraceMinutes ?? POLICY_DEFAULTS.lateGraceMinutes;
    this.weight = options.priorityWeight ?? POLICY_DEFAULTS.priorityWeight;
    this.starvation = options.starvationFactor ?? POLICY_DEFAULTS.starvationFactor;
    this.targets = options.targetWaitMinutes;
  }

  /** Offers a ticket; true when it is the best so far (and kept). */
  offer(ticket: T): boolean {
    if (!this.leads(ticket)) return false;
    this.best = ticket;
    this.bestClass = this.cls;
    this.bestScore = this.score;
    return true;
  }

  /**
   * Whether the ticket comes before the best so far (or there is none), without keeping it:
   * `compareRanked(classify(ticket), best) < 0`.
   */
  leads(ticket: PolicyTicket): boolean {
    this.rank(ticket);
    const best = this.best;
    if (best === null) return true;
    // compareRanked(ticket, best) < 0, step for step (NaN compares as "not before", as there).
    if (this.cls !== this.bestClass) return this.cls < this.bestClass;
    if (this.score !== this.bestScore) return this.bestScore - this.score < 0;
    const byQueued = ticket.queuedAt.getTime() - best.queuedAt.getTime();
    if (byQueued !== 0) return byQueued < 0;
    return ticket.id - best.id < 0;
  }

  /** classify(), step for step: its class (as classOrder) and score into `cls` and `score`. */
  private rank(ticket: PolicyTicket): void {
    const t = this.t;
    let target = Number.POSITIVE_INFINITY;
    for (const s of ticket.services)
      target = Math.min(target, this.targets?.[s.code] ?? POLICY_DEFAULTS.targetWaitMinutes);
    if (!(Number.isFinite(target) && target > 0)) target = POLICY_DEFAULTS.targetWaitMinutes;
    const relWait = (t - ticket.queuedAt.getTime()) / 60_000 / target;
    if (ticket.dueAt) {
      const due = ticket.dueAt.getTime();
      if (t >= due - this.early * 60_000 && t <= due + this.grace * 60_000) {
        this.cls = classOrder.due;
        this.score = -due;
        return;
      }
      if (t < due - this.early * 60_000) {
        this.cls = classOrder.early;
        this.score = -due;
        return;
      }
    }
    if (relWait >= this.starvation) {
      this.cls = classOrder.starving;
      this.score = relWait;
      return;
    }
    this.cls = classOrder.waiting;
    this.score = relWait + ticket.priority * this.weight;
  }
}

/**
 * queuedAt after a transfer: the ticket keeps the time it already waited, but the minutes spent at
 * the counter (since it was called) do not count as waiting.
 */
export function queuedAtAfterTransfer(queuedAt: Date, calledAt: Date | null, now: Date): Date {
  if (!calledAt) return queuedAt;
  const waited = Math.max(0, calledAt.getTime() - queuedAt.getTime());
  return new Date(now.getTime() - waited);
}
