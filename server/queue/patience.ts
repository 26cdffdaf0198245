/**
 * Patience of walk-ins, learned from the ticket-event log (pure: plain event records in, a number out).
 *
 * A walk-in is "at risk" of giving up from its issue until its first call. Tickets cancelled with
 * `{ reason: 'abandoned' }` while waiting show a patience; tickets called first (or cancelled for any
 * other reason) only show that the patience was longer than their wait (right-censored). For
 * exponential patience the maximum-likelihood mean is then total minutes at risk ÷ number who gave up
 * (the usual estimator for exponential lifetimes under right-censoring). Exponential patience is memoryless, so the predictor can draw a
 * waiting resident's remaining patience without knowing how long they have waited already.
 * A prior of PRIOR_ABANDONED pseudo-abandonments at PRIOR_MEAN_MINUTES keeps a handful of early
 * cancellations from making the office look impatient.
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
  abandoned: number;
  /** Walk-ins whose wait was observed to its end (called or cancelled). */
  observed: number;
  minutesAtRisk: number;
}

const PRIOR_ABANDONED = 2;
const PRIOR_MEAN_MINUTES = 120;
/** A ticket still open this long after its issue is a leftover of an earlier day, not a waiting resident. */
const STALE_MS = 12 * 3_600_000;

/**
 * Learns walk-in patience from events of any order; tickets without an `issued` event are ignored.
 * With `now`, walk-ins still waiting count as at risk until now (without it they are left out, which
 * would leave out exactly the long waits of a busy morning and make the office look impatient).
 */
export function learnPatience(events: readonly PatienceEvent[], now?: Date): LearnedPatience {
  const issued = new Map<number, number>();
  const ended = new Map<number, { at: number; abandoned: boolean }>();
  for (const e of events) {
    const at = e.at.getTime();
    if (e.type === 'issued') {
      // Appointments checked in at the kiosk wait for their time, not in line: only walk-ins count.
      if (e.data?.source !== 'kiosk') continue;
      const prev = issued.get(e.ticketId);
      if (prev === undefined || at < prev) issued.set(e.ticketId, at);
    } else if (e.type === 'called' || e.type === 'cancelled') {
      const prev = ended.get(e.ticketId);
      if (prev === undefined || at < prev.at)
        ended.set(e.ticketId, { at, abandoned: e.type === 'cancelled' && e.data?.reason === 'abandoned' });
    }
  }
  let abandoned = 0;
  let observed = 0;
  let minutesAtRisk = 0;
  for (const [id, from] of issued) {
    const end = ended.get(id);
    if (!end || end.at < from) {
      // Still waiting: patient at least until now.
      const open = now ? now.getTime() - from : -1;
      if (open > 0 && open < STALE_MS) minutesAtRisk += open / 60_000;
      continue;
    }
    observed++;
    minutesAtRisk += (end.at - from) / 60_000;
    if (end.abandoned) abandoned++;
  }
  const meanMinutes =
    abandoned === 0 ? null : (minutesAtRisk + PRIOR_ABANDONED * PRIOR_MEAN_MINUTES) / (abandoned + PRIOR_ABANDONED);
  return { meanMinutes, abandoned, observed, minutesAtRisk };
}
