/**
 * The queue an hour leaves to the next (pure).
 *
 * The planner sizes each hour by the modified offered load (`staffing.ts`), whose infinite-server decay
 * m′ = λ − m/τ knows no counters: after an opening hour that could not be staffed as needed (the office
 * has fewer counters than the crowd at the door asks for) the people still waiting at its end are, to
 * the load of the next hour, as good as served. They are not: everyone of the next hour queues behind
 * them. So, as in the stationary backlog-carryover approach (Stolletz 2008), the queue at the end of an
 * hour under the counters it will have becomes the next hour's initial backlog. Here not as a mean but as
 * the state itself: seeded days of the office from its opening (the crowd at the door, Poisson walk-ins at
 * each hour's rate, Erlang visits with the phases of `opening-crowd.ts`, first come first served, every
 * counter free at opening) are carried from hour to hour — who still waits, when each counter is free — so
 * the next hour starts with busy counters and the backlog's spread, which a mean would hide.
 *
 * Common random numbers: every day draws unit-rate arrival gaps and unit-mean visits once per hour of
 * the day, scaled by the hour's rate and the visit minutes; so every counter number, rate and visit
 * length sees the same days (the search for counters stays monotone, and the months ahead's many
 * different days need no new draws).
 */

import { createRandom } from '../random.ts';
import { phasesFor } from './opening-crowd.ts';

/** Seeded days the carried hours are averaged over (a service level within about ±1 %). */
const CARRY_DAYS = 500;
const CARRY_SEED = 0xca77;

export interface CarryDayInput {
  /** Expected people at the door when the office opens (Poisson; 0: none). */
  crowd: number;
  /** Walk-in arrivals per hour from the opening. */
  arrivalsPerHour: readonly number[];
  /** Minutes a counter is taken per visit (the walk from the call included). */
  meanServiceMinutes: number;
  serviceCv?: number;
  withinMinutes: number;
}

/** The seeded days at the end of an hour: who still waits, and when each counter is free (minutes from opening). */
export interface CarryState {
  /** Hours simulated so far. */
  hours: number;
  /** Everyone still waiting, day after day: arrival minute and visit minutes; day d's are [from[d], from[d + 1]). */
  arrival: Float64Array;
  visit: Float64Array;
  from: Int32Array;
  /** Counters per day in `free`, and the minute each is free (day-major). */
  servers: number;
  free: Float64Array;
  /** The mean number still waiting at the end of the last hour. */
  queue: number;
}

export interface CarryHour {
  /** Share of the hour's walk-ins called within the norm (the counters kept on for those still waiting at its end). */
  level: number;
  /** The days at the end of the hour. */
  state: CarryState;
}

/** The office at opening: nobody waiting (the crowd comes with hour 0's draws) and every counter free. */
export function openingState(hours = 0): CarryState {
  return {
    hours,
    arrival: new Float64Array(0),
    visit: new Float64Array(0),
    from: new Int32Array(CARRY_DAYS + 1),
    servers: 0,
    free: new Float64Array(0),
    queue: 0,
  };
}

/** One hour of every seeded day in unit terms: gaps of a rate-1 Poisson process, visits of mean 1, the crowd's uniform. */
interface UnitHour {
  /** Per day `per` gaps and `per` visits (day-major). */
  gaps: Float64Array;
  visits: Float64Array;
  per: number;
  crowdU: Float64Array;
}

const units = new Map<string, UnitHour>();

/** Unit draws for an hour and phase count, with room for at least `need` arrivals a day (grown, same prefix). */
function unitHour(hour: number, k: number, need: number): UnitHour {
  const key = `${hour}|${k}`;
  const known = units.get(key);
  if (known && known.per >= need) return known;
  let per = known?.per ?? 64;
  while (per < need) per *= 2;
  const gaps = new Float64Array(CARRY_DAYS * per);
  const visits = new Float64Array(CARRY_DAYS * per);
  const crowdU = new Float64Array(CARRY_DAYS);
  for (let d = 0; d < CARRY_DAYS; d++) {
    // One stream per day and kind: a longer draw keeps the shorter one's numbers.
    const base = CARRY_SEED + hour * 1_000_003 + d * 7919;
    const g = createRandom(base);
    const v = createRandom(base + 1);
    crowdU[d] = createRandom(base + 2).next();
    for (let i = 0; i < per; i++) {
      gaps[d * per + i] = g.exponential(1);
      let x = 0;
      for (let j = 0; j < k; j++) x += v.exponential(k);
      visits[d * per + i] = x;
    }
  }
  const unit = { gaps, visits, per, crowdU };
  if (units.size >= 64) units.clear();
  units.set(key, unit);
  return unit;
}

/** The Poisson(mean) count at the given uniform (inverse CDF). */
function poissonAt(mean: number, u: number): number {
  if (mean <= 0) return 0;
  let p = Math.exp(-mean);
  let cdf = p;
  let n = 0;
  while (cdf < u && n < 10_000) {
    n++;
    p *= mean / n;
    cdf += p;
  }
  return n;
}

/** Scratch for one day's callers in order (carried, crowd, the hour's walk-ins); grown as needed. */
let scratchArrival = new Float64Array(256);
let scratchVisit = new Float64Array(256);
/** Scratch for those still waiting at the hour's end, every day's in turn; copied out at the end. */
let leftArrival = new Float64Array(1024);
let leftVisit = new Float64Array(1024);

/**
 * The next hour (`state.hours`) with `servers` counters: counter k works it when k < servers (a counter
 * added starts free at the hour, one taken away finishes its visit and calls nobody else). Its service
 * level counts only the hour's own walk-ins (the crowd with them in the opening hour, as
 * `openingHourServiceLevel` does); those still waiting at its end are called, for that level, by the next
 * hour's `nextServers` counters (default: the same) — first come first served, later arrivals do not
 * change it. Pure: the state passed in is not changed.
 */
export function carryHour(
  input: CarryDayInput,
  state: CarryState,
  servers: number,
  nextServers: number = servers,
): CarryHour {
  return simulateHour(input, state, servers, nextServers, Number.NEGATIVE_INFINITY) as CarryHour;
}

/**
 * Whether `carryHour` would give the hour a service level of at least `share`, and the days at its end — or,
 * where it would not, no days: the simulation stops as soon as the walk-ins still to come could no longer lift
 * the level to `share` (the same answer as `carryHour(…).level >= share`, at a fraction of a failing hour's cost).
 */
export function carryHourMeets(
  input: CarryDayInput,
  state: CarryState,
  servers: number,
  nextServers: number,
  share: number,
): { meets: boolean; state: CarryState | null } {
  const hour = simulateHour(input, state, servers, nextServers, share);
  return hour && hour.level >= share
    ? { meets: true, state: hour.state }
    : { meets: false, state: hour?.state ?? null };
}

/** The hour's walk-ins over all seeded days (the crowd with them in the opening hour), as `simulateHour` counts them. */
const totals = new Map<string, number>();

function hourTotal(unit: UnitHour, hour: number, k: number, perMinute: number, crowdMean: number): number {
  const key = `${hour}|${k}|${unit.per}|${perMinute}|${crowdMean}`;
  const known = totals.get(key);
  if (known !== undefined) return known;
  const start = hour * 60;
  const end = start + 60;
  let total = 0;
  for (let d = 0; d < CARRY_DAYS; d++) {
    const crowd = crowdMean > 0 ? Math.min(unit.per, poissonAt(crowdMean, unit.crowdU[d] as number)) : 0;
    let n = crowd;
    if (perMinute > 0)
      for (let i = 0, t = start; i < unit.per - crowd; i++, n++) {
        t += (unit.gaps[d * unit.per + i] as number) / perMinute;
        if (t >= end) break;
      }
    total += n;
  }
  if (totals.size >= 4_096) totals.clear();
  totals.set(key, total);
  return total;
}

/** `carryHour`; null as soon as its level can no longer reach `atLeast` (−∞: never). */
function simulateHour(
  input: CarryDayInput,
  state: CarryState,
  servers: number,
  nextServers: number,
  atLeast: number,
): CarryHour | null {
  const hour = state.hours;
  const start = hour * 60;
  const end = start + 60;
  const s = Math.max(0, Math.floor(servers));
  const next = Math.max(0, Math.floor(nextServers));
  const tau = input.meanServiceMinutes;
  const perMinute = Math.max(0, input.arrivalsPerHour[hour] ?? 0) / 60;
  const crowdMean = hour === 0 ? Math.max(0, input.crowd) : 0;
  // Room for the crowd and the hour's walk-ins on nearly every day (the rare longer day is cut there).
  const expected = perMinute * 60 + crowdMean;
  const k = phasesFor(input.serviceCv ?? 1);
  const unit = unitHour(hour, k, Math.ceil(expected + 6 * Math.sqrt(expected) + 8));
  // Deciding early needs the hour's walk-ins over every day beforehand.
  const all = atLeast > Number.NEGATIVE_INFINITY ? hourTotal(unit, hour, k, perMinute, crowdMean) : 0;
  const days = CARRY_DAYS;
  let left = 0;
  const from = new Int32Array(days + 1);
  const frees = new Float64Array(days * s);
  const free = new Float64Array(Math.max(s, next, 1));
  let within = 0;
  let total = 0;
  // Locals for the loops below (each read once, not per caller).
  const per = unit.per;
  const gaps = unit.gaps;
  const unitVisits = unit.visits;
  const norm = input.withinMinutes;
  const stateArrival = state.arrival;
  const stateVisit = state.visit;
  const stateFrom = state.from;
  const stateFree = state.free;
  const stateServers = state.servers;
  for (let d = 0; d < days; d++) {
    // The day's callers in order: those still waiting, the crowd at the door, the hour's walk-ins.
    const a = stateFrom[d] ?? 0;
    const carried = (stateFrom[d + 1] ?? 0) - a;
    const crowd = crowdMean > 0 ? Math.min(per, poissonAt(crowdMean, unit.crowdU[d] as number)) : 0;
    const room = carried + crowd + per;
    if (scratchArrival.length < room) {
      scratchArrival = new Float64Array(room * 2);
      scratchVisit = new Float64Array(room * 2);
    }
    const callerArrival = scratchArrival;
    const callerVisit = scratchVisit;
    let n = 0;
    for (let i = 0; i < carried; i++, n++) {
      callerArrival[n] = stateArrival[a + i] as number;
      callerVisit[n] = stateVisit[a + i] as number;
    }
    const own = n;
    const base = d * per;
    let c = 0;
    for (; c < crowd; c++, n++) {
      callerArrival[n] = start;
      callerVisit[n] = (unitVisits[base + c] as number) * tau;
    }
    if (perMinute > 0)
      for (let i = 0, t = start; i < per - crowd; i++, n++) {
        t += (gaps[base + i] as number) / perMinute;
        if (t >= end) break;
        callerArrival[n] = t;
        callerVisit[n] = (unitVisits[base + crowd + i] as number) * tau;
      }
    total += n - own;
    // The counters: those of the hour before stay as they come free, added ones are free at the hour.
    const kept = Math.min(s, stateServers);
    for (let j = 0; j < s; j++) free[j] = j < kept ? Math.max(start, stateFree[d * stateServers + j] as number) : start;
    let i = 0;
    // Called within the hour: these change the counters the next hour starts with.
    for (; i < n && s > 0; i++) {
      let best = 0;
      for (let j = 1; j < s; j++) if ((free[j] as number) < (free[best] as number)) best = j;
      const arrival = callerArrival[i] as number;
      const call = Math.max(arrival, free[best] as number);
      if (call >= end) break;
      if (i >= own && call - arrival <= norm) within++;
      free[best] = call + (callerVisit[i] as number);
    }
    from[d] = left;
    if (leftArrival.length < left + n - i) {
      const size = Math.max(leftArrival.length * 2, left + n - i);
      const arrival = new Float64Array(size);
      const visit = new Float64Array(size);
      arrival.set(leftArrival.subarray(0, left));
      visit.set(leftVisit.subarray(0, left));
      leftArrival = arrival;
      leftVisit = visit;
    }
    for (let j = i; j < n; j++, left++) {
      leftArrival[left] = callerArrival[j] as number;
      leftVisit[left] = callerVisit[j] as number;
    }
    for (let j = 0; j < s; j++) frees[d * s + j] = free[j] as number;
    // The hour's walk-ins still waiting at its end: called, in order, by the next hour's counters (at
    // least those it is planned with so far), the ones staying on as they come free.
    for (let j = s; j < next; j++) free[j] = end;
    for (let j = 0; j < Math.min(s, next); j++) free[j] = Math.max(end, free[j] as number);
    for (; i < n && next > 0; i++) {
      let best = 0;
      for (let j = 1; j < next; j++) if ((free[j] as number) < (free[best] as number)) best = j;
      const arrival = callerArrival[i] as number;
      const call = Math.max(arrival, free[best] as number);
      if (i >= own && call - arrival <= norm) within++;
      free[best] = call + (callerVisit[i] as number);
    }
    // Even if every walk-in of the days still to come were called within the norm, the level stays below.
    if (all > 0 && (within + (all - total)) / all < atLeast) return null;
  }
  from[days] = left;
  return {
    level: total > 0 ? within / total : 1,
    state: {
      hours: hour + 1,
      arrival: leftArrival.slice(0, left),
      visit: leftVisit.slice(0, left),
      from,
      servers: s,
      free: frees,
      queue: left / days,
    },
  };
}
