import type { WaitBand, WaitStatus } from '../contracts/queue.ts';

/**
 * What a screen may honestly say about a wait (pure: no I/O, no clock).
 *
 * A wait band only means something while someone is serving: with no open counter for a service the
 * predictor can only say "more than an hour", which is wrong at 08:55 with nobody in line and wrong at
 * 09:01 when the first clerk logs in. So: no open counter with the skill → "no counter open" (with the
 * next start of walk-in hours today, when there is one); counters open but no walk-ins for the service
 * now (the kiosk would refuse the ticket) → "walk-in closed" (with its next start today); nobody who
 * could be called first and a free open counter → "no wait"; otherwise the predictor's band.
 */

export interface StatusCounter {
  id: number;
  state: 'open' | 'paused' | 'closed';
  skills: readonly string[];
  /** True while the counter has a called or serving ticket. */
  busy: boolean;
}

export interface StatusTicket {
  id: number;
  codes: readonly string[];
  targetCounterId: number | null;
}

export interface ServiceWaitStatus {
  status: WaitStatus;
  estimatedWait: WaitBand | null;
  opensAt: Date | null;
}

const NO_WAIT: WaitBand = { minutes: 0, low: 0, high: 0, band: 'none' };

function canServe(counter: StatusCounter, codes: readonly string[], target: number | null): boolean {
  if (target !== null && target !== counter.id) return false;
  return codes.every((c) => counter.skills.includes(c));
}

/** The open counters that could call a ticket for these services. */
export function servingCounters(
  counters: readonly StatusCounter[],
  codes: readonly string[],
  target: number | null = null,
): StatusCounter[] {
  return counters.filter((c) => c.state === 'open' && canServe(c, codes, target));
}

/** The next start of walk-in hours after `now` (intervals in epoch ms), or null. */
export function nextWalkInStart(now: Date, walkInHours: readonly { start: number; end: number }[]): Date | null {
  const t = now.getTime();
  let best: number | null = null;
  for (const i of walkInHours) if (i.start > t && (best === null || i.start < best)) best = i.start;
  return best === null ? null : new Date(best);
}

/** Status of "if you take a ticket now" for one service. */
export function serviceWaitStatus(input: {
  code: string;
  now: Date;
  counters: readonly StatusCounter[];
  /** Tickets waiting now (any service). */
  waiting: readonly StatusTicket[];
  /** The predictor's band for a new one-person ticket. */
  band: WaitBand | undefined;
  /** Today's walk-in hours (epoch ms). */
  walkInHours: readonly { start: number; end: number }[];
  /** Today's walk-in hours of this service (the kiosk's gate), when known. */
  serviceWalkInHours?: readonly { start: number; end: number }[];
}): ServiceWaitStatus {
  const hours = input.serviceWalkInHours ?? input.walkInHours;
  const servers = servingCounters(input.counters, [input.code]);
  if (servers.length === 0) {
    return { status: 'no-counter-open', estimatedWait: null, opensAt: nextWalkInStart(input.now, hours) };
  }
  // Counters serve it (appointments), but a kiosk would not issue a walk-in ticket for it now.
  const t = input.now.getTime();
  if (input.serviceWalkInHours && !input.serviceWalkInHours.some((i) => i.start <= t && t < i.end)) {
    return { status: 'walk-in-closed', estimatedWait: null, opensAt: nextWalkInStart(input.now, hours) };
  }
  // Anyone waiting whom one of these counters could call would be called before a newcomer.
  const ahead = input.waiting.some((t) => servers.some((c) => canServe(c, t.codes, t.targetCounterId)));
  if (!ahead && servers.some((c) => !c.busy)) return { status: 'no-wait', estimatedWait: NO_WAIT, opensAt: null };
  return { status: 'wait', estimatedWait: input.band ?? NO_WAIT, opensAt: null };
}
