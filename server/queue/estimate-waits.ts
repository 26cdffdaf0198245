import { DateTime } from 'luxon';
import type { ServiceWaitDto, WaitBand } from '../contracts/queue.ts';
import { predictWaits } from './predictor.ts';
import type { QueueState } from './queue-model.ts';
import { policyOptions, toPolicyTicket } from './queue-model.ts';
import { type StatusCounter, serviceWaitStatus, servingCounters } from './wait-status.ts';

/** Beyond this many waiting tickets the live estimate uses the predictor's cheaper mean-value mode. */
const LONG_LINE = 150;

export interface Estimates {
  /** Bands of waiting tickets that an open counter can serve (the others have no honest estimate). */
  perTicket: Map<number, WaitBand>;
  positions: Map<number, number>;
  waits: ServiceWaitDto[];
}

export interface EstimateOptions {
  /** The broadcast after a change: the predictor's one mean-value replay (see below). */
  live?: boolean;
  /**
   * Only the per-service waits: `perTicket` and `positions` come back empty. For the hub's runs when nobody on the
   * node follows a ticket — every screen then shows the services' waits only, and trimming each waiting ticket's
   * band and counting its position was about a third of a run's CPU outside the predictor on a 200-ticket line.
   */
  waitsOnly?: boolean;
  /**
   * Positions only for these tickets (ids): the hub's runs for the followed tickets alone. Every waiting ticket's
   * band is still computed — the others' order decides these positions.
   */
  positionsFor?: ReadonlySet<number>;
}

/** Live estimates for every waiting ticket and per service ("if you take a ticket now"). */
export function estimateWaits(state: QueueState, options: EstimateOptions = {}): Estimates {
  const mean =
    state.learned?.meanMinutesPerPerson ?? Object.fromEntries(state.services.map((s) => [s.code, s.minutesPerPerson]));
  const waiting = state.tickets.filter((t) => t.row.status === 'waiting');
  // The counters' current tickets only (a handful), not a map of the whole line per run.
  const currentIds = new Set<number>();
  for (const c of state.counters) if (c.active && c.currentTicketId !== null) currentIds.add(c.currentTicketId);
  const byId = new Map<number, QueueState['tickets'][number]>();
  if (currentIds.size > 0) for (const t of state.tickets) if (currentIds.has(t.row.id)) byId.set(t.row.id, t);
  const policy = policyOptions(state);
  const out = predictWaits({
    now: state.now,
    tickets: waiting.map(toPolicyTicket),
    counters: state.counters
      .filter((c) => c.active)
      .map((c) => {
        const current = c.currentTicketId !== null ? byId.get(c.currentTicketId) : undefined;
        return {
          id: c.id,
          skills: c.skills,
          state: c.state,
          current: current
            ? {
                startedAt: serviceStart(state, current),
                expectedMinutes: current.services.reduce((sum, s) => sum + (mean[s.code] ?? 10) * s.persons, 0),
              }
            : null,
        };
      }),
    meanMinutesPerPerson: mean,
    counterSpeed: state.learned?.counterSpeed,
    serviceCv: state.learned?.serviceCv,
    patienceMinutes: state.learned?.patienceMinutes,
    targetWaitMinutes: policy.targetWaitMinutes,
    lateGraceMinutes: policy.lateGraceMinutes,
    dueEarlyMinutes: policy.dueEarlyMinutes,
    serviceCodes: state.services.filter((s) => s.walkIn).map((s) => s.code),
    // Long lines: one mean-value replay instead of the stochastic ones, so an estimate never blocks the
    // event loop (and every display of the process) for hundreds of milliseconds.
    // The broadcast after every change (`live`) uses the one mean-value replay too: about a tenth of the
    // CPU, and the hub runs it for every office on every change. The wait stored at issue, which is what
    // the predictor is scored on, keeps the full estimate.
    // Both keys always there (undefined, false: the predictor's defaults), so every run hands the predictor an input
    // of one shape: spreading them in or not gave it up to four, and its optimised code was dropped ("wrong map")
    // whenever a run of another kind came.
    replications: waiting.length > LONG_LINE || options.live ? 0 : undefined,
    // Only the services' waits are wanted: the predictor skips the per-ticket bands too.
    perServiceOnly: options.waitsOnly === true,
  });
  const speed = state.learned?.counterSpeed;
  const statusCounters: StatusCounter[] = state.counters
    .filter((c) => c.active)
    .map((c) => ({
      id: c.id,
      state: c.state,
      skills: c.skills,
      busy: c.currentTicketId !== null && !idleAfterVisit(state, byId.get(c.currentTicketId), mean, speed?.[c.id] ?? 1),
    }));
  const waits = serviceWaits(state, waiting, statusCounters, out.perService);
  if (options.waitsOnly) return { perTicket: new Map(), positions: new Map(), waits };
  // No open counter can call it: the predictor's "more than an hour" is a guess, not an estimate.
  for (const t of waiting) {
    const codes = t.services.map((s) => s.code);
    if (servingCounters(statusCounters, codes, t.row.targetCounterId).length === 0) out.perTicket.delete(t.row.id);
  }
  // Position: 1 + waiting tickets sharing a service that are expected to be called earlier (by expected wait,
  // then id). Counted per distinct set of services with a binary search, not by comparing every pair.
  const minutesOf = (id: number) => out.perTicket.get(id)?.minutes ?? 0;
  const before = (a: { minutes: number; id: number }, b: { minutes: number; id: number }) =>
    a.minutes < b.minutes || (a.minutes === b.minutes && a.id < b.id);
  const groups = new Map<string, { codes: Set<string>; keys: { minutes: number; id: number }[] }>();
  for (const t of waiting) {
    const codes = [...new Set(t.services.map((s) => s.code))].sort();
    const key = codes.join('\u0000');
    let group = groups.get(key);
    if (!group) {
      group = { codes: new Set(codes), keys: [] };
      groups.set(key, group);
    }
    group.keys.push({ minutes: minutesOf(t.row.id), id: t.row.id });
  }
  for (const g of groups.values()) g.keys.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  const positions = new Map<number, number>();
  for (const t of waiting) {
    if (options.positionsFor && !options.positionsFor.has(t.row.id)) continue;
    const mine = { minutes: minutesOf(t.row.id), id: t.row.id };
    let ahead = 0;
    for (const g of groups.values()) {
      if (!t.services.some((s) => g.codes.has(s.code))) continue;
      // Keys strictly before mine (mine itself, if in this group, is not before itself).
      let lo = 0;
      let hi = g.keys.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (before(g.keys[mid] as { minutes: number; id: number }, mine)) lo = mid + 1;
        else hi = mid;
      }
      ahead += lo;
    }
    positions.set(t.row.id, ahead + 1);
  }
  return { perTicket: out.perTicket, positions, waits };
}

/**
 * When a counter's current visit started: its start, or — call-and-start, where the ticket stays "called" until the
 * next press finishes it (call-next.ts) — its call. Null: the resident is still walking up (the predictor then
 * counts the whole visit from now, which for a call-and-start ticket it did however long ago it was called).
 */
function serviceStart(state: QueueState, current: QueueState['tickets'][number]): Date | null {
  return current.row.startedAt ?? (state.location.callAndStart ? current.row.calledAt : null);
}

/**
 * Call-and-start: a visit counts from the call and ends only at the clerk's next press — which comes when someone
 * waits. With nobody waiting, the last visit stays open ("called") long after the resident left (every evening), so a
 * counter whose visit has run past its expected time (the same expectation the predictor uses, at the clerk's
 * speed) is taken as free for "no wait": the screens said a wait of the whole learned visit, or "more than an hour",
 * for an idle clerk with nobody in line. While someone is ahead the predictor's band still counts that visit's rest.
 */
function idleAfterVisit(
  state: QueueState,
  current: QueueState['tickets'][number] | undefined,
  mean: Record<string, number>,
  speed: number,
): boolean {
  if (!state.location.callAndStart || !current) return false;
  const startedAt = serviceStart(state, current);
  if (!startedAt) return false;
  const expected = current.services.reduce((sum, s) => sum + (mean[s.code] ?? 10) * s.persons, 0) * speed;
  return state.now.getTime() - startedAt.getTime() >= expected * 60_000;
}

/**
 * `opensAt` as the screens get it (ISO in the office's zone): the same few instants all day, so formatted with luxon
 * once each. Keyed by zone, then by the instant's epoch ms (numbers: no key string built per run).
 */
const opensAtTexts = new Map<string, Map<number, string | null>>();

function opensAtText(at: Date, timeZone: string): string | null {
  let byZone = opensAtTexts.get(timeZone);
  if (!byZone) {
    byZone = new Map();
    opensAtTexts.set(timeZone, byZone);
  }
  const ms = at.getTime();
  let text = byZone.get(ms);
  if (text === undefined) {
    text = DateTime.fromJSDate(at, { zone: timeZone }).toISO({ suppressMilliseconds: true }) ?? null;
    // A few instants a day per office: the bound only keeps a long-running process from keeping every past day's.
    if (byZone.size >= 1_000) byZone.clear();
    byZone.set(ms, text);
  }
  return text;
}

/** Per walk-in service: how many wait for it and its wait, or why there is none (closed, no counter, …). */
function serviceWaits(
  state: QueueState,
  waiting: QueueState['tickets'],
  statusCounters: StatusCounter[],
  perService: ReturnType<typeof predictWaits>['perService'],
): ServiceWaitDto[] {
  const waitingStatus = waiting.map((t) => ({
    id: t.row.id,
    codes: t.services.map((s) => s.code),
    targetCounterId: t.row.targetCounterId,
  }));
  return state.services
    .filter((s) => s.walkIn)
    .map((s) => {
      const p = perService[s.code];
      const status = serviceWaitStatus({
        code: s.code,
        now: state.now,
        counters: statusCounters,
        waiting: waitingStatus,
        band: p ? { minutes: p.minutes, low: p.low, high: p.high, band: p.band } : undefined,
        walkInHours: state.walkInHours?.hours ?? [],
        serviceWalkInHours: state.walkInHours?.byService[s.code],
      });
      return {
        code: s.code,
        waiting: waiting.filter((t) => t.services.some((x) => x.code === s.code)).length,
        status: status.status,
        estimatedWait: status.estimatedWait,
        opensAt: status.opensAt ? opensAtText(status.opensAt, state.location.timeZone) : null,
      };
    });
}
