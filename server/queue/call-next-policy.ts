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
  let best: RankedTicket<T> | null = null;
  for (const t of tickets) {
    if (!canCounterServe(counter, t)) continue;
    const ranked = classify(t, now, options);
    if (!best || compareRanked(ranked, best) < 0) best = ranked;
  }
  return best?.ticket ?? null;
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
  let best: RankedTicket<T> | null = null;
  for (const t of tickets) {
    const ranked = classify(t, now, options);
    if (!best || compareRanked(ranked, best) < 0) best = ranked;
  }
  return best;
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
