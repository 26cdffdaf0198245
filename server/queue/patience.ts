/**
 * Patience of walk-ins, learned from the ticket-event log (pure: plain event records in, a number out).
 *
 * A walk-in is "at risk" of giving up from its issue until its first call. What the log shows of it:
 * - cancelled with `{ reason: 'abandoned' }` while waiting (someone told staff they are leaving): the patience
 *   itself, exactly;
 * - called and then marked no-show (after any recalls) and never returned to the line: the resident had given up
 *   at some unknown moment before the call — how a resident who leaves silently shows in a real office. That is
 *   not a "no" to the counter but an abandonment of the waiting line, only interval-censored: the patience was
 *   shorter than the wait until the call, by how much is unknown;
 * - called and served, a no-show who turned up and was returned to the line (or had been served before), or
 *   cancelled for any other reason:
 *   the patience was longer than the wait so far (right-censored);
 * - still waiting (with `now`): patient at least until now (right-censored).
 * For exponential patience with rate λ the log-likelihood is then
 *   a·ln λ − λ·R + Σ ln(1 − e^(−λ·w_j))
 * (a exact abandonments, R minutes at risk of the exact and right-censored ones, w_j the waits of the no-shows),
 * maximised by bisection (its derivative falls in λ); with no no-shows it is the familiar minutes at risk ÷
 * residents who gave up. Exponential patience is memoryless, so the predictor can draw a waiting resident's
 * remaining patience without knowing how long they have waited already. A prior of PRIOR_ABANDONED
 * pseudo-abandonments at PRIOR_MEAN_MINUTES keeps a handful of early cancellations from making the office look
 * impatient.
 */

export interface PatienceEvent {
  ticketId: number;
  type: string;
  at: Date;
  /** `issued` carries `{ source: 'kiosk' | … }`; `cancelled` by abandonment `{ reason: 'abandoned' }`. */
  data: Record<string, unknown> | null;
}

export interface LearnedPatience {
  /** Mean patience in minutes (exponential); null when nobody gave up (nobody is expected to). */
  meanMinutes: number | null;
  /** Cancelled as abandoned while waiting (patience known). */
  abandoned: number;
  /** Called, then no-show and never returned: gave up before the call (patience shorter than that wait). */
  noShows: number;
  /** Walk-ins whose wait was observed to its end (called or cancelled). */
  observed: number;
  /** Minutes at risk of the exact and right-censored waits (the no-shows' waits are not in it). */
  minutesAtRisk: number;
}

const PRIOR_ABANDONED = 2;
const PRIOR_MEAN_MINUTES = 120;
/** A ticket still open this long after its issue is a leftover of an earlier day, not a waiting resident. */
const STALE_MS = 12 * 3_600_000;

interface Walk {
  issued: number;
  /** First call or cancellation. */
  end?: { at: number; type: 'called' | 'cancelled'; abandoned: boolean };
  /** Last no-show and last return (a no-show who turned up goes back in the line); first start at a counter. */
  noShowAt?: number;
  returnedAt?: number;
  startedAt?: number;
}

/**
 * Learns walk-in patience from events of any order; tickets without an `issued` event are ignored.
 * With `now`, walk-ins still waiting count as at risk until now (without it they are left out, which
 * would leave out exactly the long waits of a busy morning and make the office look impatient).
 */
export function learnPatience(events: readonly PatienceEvent[], now?: Date): LearnedPatience {
  const walks = new Map<number, Walk>();
  const issuedAt = new Map<number, number>();
  for (const e of events) {
    // Appointments checked in at the kiosk wait for their time, not in line: only walk-ins count.
    if (e.type !== 'issued' || e.data?.source !== 'kiosk') continue;
    const at = e.at.getTime();
    const prev = issuedAt.get(e.ticketId);
    if (prev === undefined || at < prev) issuedAt.set(e.ticketId, at);
  }
  for (const [id, issued] of issuedAt) walks.set(id, { issued });
  for (const e of events) {
    const w = walks.get(e.ticketId);
    if (!w) continue;
    const at = e.at.getTime();
    if (e.type === 'called' || e.type === 'cancelled') {
      if (at >= w.issued && (w.end === undefined || at < w.end.at))
        w.end = { at, type: e.type, abandoned: e.type === 'cancelled' && e.data?.reason === 'abandoned' };
    } else if (e.type === 'no-show') {
      if (w.noShowAt === undefined || at > w.noShowAt) w.noShowAt = at;
    } else if (e.type === 'returned') {
      if (w.returnedAt === undefined || at > w.returnedAt) w.returnedAt = at;
    } else if (e.type === 'started') {
      if (w.startedAt === undefined || at < w.startedAt) w.startedAt = at;
    }
  }
  let abandoned = 0;
  let observed = 0;
  let minutesAtRisk = 0;
  const noShowWaits: number[] = [];
  for (const w of walks.values()) {
    const end = w.end;
    if (!end) {
      // Still waiting: patient at least until now.
      const open = now ? now.getTime() - w.issued : -1;
      if (open > 0 && open < STALE_MS) minutesAtRisk += open / 60_000;
      continue;
    }
    observed++;
    const waited = (end.at - w.issued) / 60_000;
    const gone =
      end.type === 'called' &&
      w.noShowAt !== undefined &&
      w.noShowAt >= end.at &&
      // Served before (then parked or transferred): they were there when called.
      (w.startedAt === undefined || w.startedAt > w.noShowAt) &&
      (w.returnedAt === undefined || w.returnedAt < w.noShowAt);
    if (gone && waited > 0) {
      noShowWaits.push(waited);
      continue;
    }
    minutesAtRisk += waited;
    if (end.abandoned) abandoned++;
  }
  const meanMinutes =
    abandoned + noShowWaits.length === 0
      ? null
      : 1 /
        maximumLikelihoodRate(
          abandoned + PRIOR_ABANDONED,
          minutesAtRisk + PRIOR_ABANDONED * PRIOR_MEAN_MINUTES,
          noShowWaits,
        );
  return { meanMinutes, abandoned, noShows: noShowWaits.length, observed, minutesAtRisk };
}

/**
 * The λ maximising a·ln λ − λ·R + Σ ln(1 − e^(−λ·w_j)): where a/λ − R + Σ w_j / (e^(λ·w_j) − 1) = 0, a
 * function falling from +∞ to −R, by bisection on ln λ. Without interval-censored waits, a ÷ R.
 */
function maximumLikelihoodRate(a: number, r: number, waits: readonly number[]): number {
  if (waits.length === 0) return a / r;
  const slope = (rate: number) => {
    let s = a / rate - r;
    for (const w of waits) s += w / Math.expm1(rate * w);
    return s;
  };
  // Per minute: from one in a million minutes to ten a minute.
  let lo = Math.log(1e-6);
  let hi = Math.log(10);
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (slope(Math.exp(mid)) > 0) lo = mid;
    else hi = mid;
  }
  return Math.exp((lo + hi) / 2);
}
