/**
 * The opening hour with a crowd at the door (pure).
 *
 * Stationary Erlang — even on the modified offered load — treats the crowd as a rate, and an exponential
 * time-dependent model drains it too fast: when every counter starts a visit at the same moment, the first
 * ones end together about one service time later, not a fraction of it (visits vary less than an
 * exponential). So the opening hour is a Markov chain whose visit time is Erlang with k phases
 * (k ≈ 1/cv², so its variability matches the visits'): the state is the number of busy counters in each
 * phase plus the queue. The crowd (Poisson) is there at opening, walk-ins arrive at the hour's rate, first
 * come first served; a resident is called within the norm when enough visits end before the norm passes.
 * The hour's service level is that share over the crowd and the hour's walk-ins together, as the
 * simulator (what-if, benchmark) counts it.
 */

import { createRandom } from '../random.ts';

export interface OpeningHourInput {
  /** Expected people waiting at the door when it opens (Poisson). */
  crowd: number;
  /** Walk-in arrivals during the opening hour. */
  arrivalsPerHour: number;
  servers: number;
  /** Minutes a counter is taken per visit (including the walk from the call to the counter). */
  meanServiceMinutes: number;
  /** Coefficient of variation of a visit (default 1: exponential). */
  serviceCv?: number;
  withinMinutes: number;
}

interface Chain {
  k: number;
  configs: number;
  /** Busy counters per phase, config-major. */
  phases: Int32Array;
  full: Uint8Array;
  /** Config after phase i of config c ends (i < k − 1: moves on; i = k − 1: the visit ends). */
  after: Int32Array;
  /** Config after a visit ends and the next in the queue starts. */
  endAndStart: Int32Array;
  /** Config after a walk-in starts at a free counter. */
  start: Int32Array;
  /** Config with n counters busy in phase 1 (n = 0 … s). */
  fresh: Int32Array;
}

/** a[i] += v (typed arrays start at 0; the index is always in range). */
function add(a: Float64Array, i: number, v: number): void {
  a[i] = (a[i] ?? 0) + v;
}

function buildChain(s: number, k: number): Chain {
  const list: number[][] = [];
  const build = (prefix: number[], left: number) => {
    if (prefix.length === k) list.push(prefix);
    else for (let x = 0; x <= left; x++) build([...prefix, x], left - x);
  };
  build([], s);
  const index = new Map(list.map((c, i) => [c.join(','), i]));
  const find = (c: number[]) => index.get(c.join(',')) ?? -1;
  const n = list.length;
  const phases = new Int32Array(n * k);
  const full = new Uint8Array(n);
  const after = new Int32Array(n * k).fill(-1);
  const endAndStart = new Int32Array(n).fill(-1);
  const start = new Int32Array(n).fill(-1);
  const fresh = new Int32Array(s + 1);
  list.forEach((c, ci) => {
    const busy = c.reduce((a, b) => a + b, 0);
    full[ci] = busy === s ? 1 : 0;
    for (let i = 0; i < k; i++) {
      phases[ci * k + i] = c[i] ?? 0;
      if ((c[i] ?? 0) === 0) continue;
      const next = [...c];
      next[i] = (next[i] ?? 0) - 1;
      if (i < k - 1) next[i + 1] = (next[i + 1] ?? 0) + 1;
      after[ci * k + i] = find(next);
      if (i === k - 1) {
        next[0] = (next[0] ?? 0) + 1;
        endAndStart[ci] = find(next);
      }
    }
    if (busy < s) start[ci] = find([(c[0] ?? 0) + 1, ...c.slice(1)]);
  });
  for (let b = 0; b <= s; b++) fresh[b] = find([b, ...new Array(k - 1).fill(0)]);
  return { k, configs: n, phases, full, after, endAndStart, start, fresh };
}

/** Results of the chain by input: a plan asks the same opening hour for several counter numbers and days. */
const memo = new Map<string, number>();

/** Share of the crowd and the opening hour's walk-ins called within `withinMinutes` (memoised). */
export function openingHourServiceLevel(input: OpeningHourInput): number {
  return drain(openingHourServiceLevelSteps(input));
}

/** Runs a computation that yields between its slices to the end, without pausing. */
export function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `openingHourServiceLevel` in slices: it yields after every step of the chain's uniformisation (a cold
 * solve is 0.1–0.4 s of CPU at ten counters), so a caller on the event loop can pause in between.
 */
export function* openingHourServiceLevelSteps(input: OpeningHourInput): Generator<void, number> {
  const key = [
    input.crowd,
    input.arrivalsPerHour,
    input.servers,
    input.meanServiceMinutes,
    input.serviceCv ?? 1,
    input.withinMinutes,
  ].join('|');
  const known = memo.get(key);
  if (known !== undefined) return known;
  const value = yield* solveOpeningHour(input);
  if (memo.size >= 20_000) memo.clear();
  memo.set(key, value);
  return value;
}

function* solveOpeningHour(input: OpeningHourInput): Generator<void, number> {
  const s = input.servers;
  const lambda = input.arrivalsPerHour / 60;
  const crowd = Math.max(0, input.crowd);
  const total = crowd + lambda * 60;
  if (total <= 0) return 1;
  if (s <= 0) return 0;
  const k = phasesFor(input.serviceCv ?? 1);
  const nu = k / input.meanServiceMinutes;
  const chain = buildChain(s, k);
  const Q = Math.min(400, Math.ceil(crowd + 6 * Math.sqrt(crowd + 1) + lambda * 60 + 20));
  const width = Q + 1;
  const within = yield* calledWithin(chain, s * nu, nu, Q, input.withinMinutes);
  const initial = chain.fresh[s] as number;

  // The crowd: the first s are called at opening, the (s + j + 1)-th waits with j ahead in the queue.
  const p = new Float64Array(chain.configs * width);
  let crowdWithin = 0;
  let pn = Math.exp(-crowd);
  let cumulative = 0;
  let prefix = 0;
  for (let n = 0; n <= Q + s; n++) {
    if (n > s) prefix += within[initial * width + (n - s - 1)] ?? 0;
    crowdWithin += pn * (Math.min(n, s) + prefix);
    cumulative += pn;
    if (n <= s) add(p, (chain.fresh[n] as number) * width, pn);
    else add(p, initial * width + (n - s), pn);
    pn = (pn * crowd) / (n + 1);
    if (n > crowd && 1 - cumulative < 1e-10) break;
  }

  // The hour's walk-ins, uniformised at Λ = λ + s·ν: the expected time spent in each state over the hour
  // is Σ_m P(N(60) > m) · π_m / Λ, with N the uniformising Poisson process and π_m the m-th jump's law.
  const rate = lambda + s * nu;
  const lt = rate * 60;
  const maxSteps = Math.ceil(lt + 12 * Math.sqrt(lt + 1) + 20);
  let logP = -lt;
  let cdf = 0;
  let arrivalsWithin = 0;
  let cur = p;
  let next = new Float64Array(p.length);
  for (let m = 0; m <= maxSteps; m++) {
    cdf += Math.exp(logP);
    const stay = Math.max(0, 1 - cdf);
    if (stay < 1e-12 && m > lt) break;
    let seen = 0;
    for (let ci = 0; ci < chain.configs; ci++) {
      const base = ci * width;
      if (!chain.full[ci]) seen += cur[base] ?? 0;
      else for (let q = 0; q < width; q++) seen += (cur[base + q] ?? 0) * (within[base + q] ?? 0);
    }
    arrivalsWithin += (lambda * stay * seen) / rate;
    next.fill(0);
    for (let ci = 0; ci < chain.configs; ci++) {
      const base = ci * width;
      const isFull = chain.full[ci] === 1;
      for (let q = 0; q < width; q++) {
        const mass = cur[base + q] ?? 0;
        if (mass === 0) continue;
        let out = 0;
        if (!isFull) {
          add(next, (chain.start[ci] as number) * width, (mass * lambda) / rate);
          out += lambda;
        } else if (q < Q) {
          add(next, base + q + 1, (mass * lambda) / rate);
          out += lambda;
        }
        for (let i = 0; i < k; i++) {
          const r = (chain.phases[ci * k + i] as number) * nu;
          if (r === 0) continue;
          out += r;
          const share = (mass * r) / rate;
          if (i < k - 1) add(next, (chain.after[ci * k + i] as number) * width + q, share);
          else if (q > 0) add(next, (chain.endAndStart[ci] as number) * width + q - 1, share);
          else add(next, (chain.after[ci * k + i] as number) * width, share);
        }
        add(next, base + q, (mass * (rate - out)) / rate);
      }
    }
    [cur, next] = [next, cur];
    logP += Math.log(lt) - Math.log(m + 1);
    yield;
  }
  return Math.min(1, (crowdWithin + arrivalsWithin) / total);
}

/**
 * P(called within t) for a resident with j people ahead while every counter is busy (config-major, j
 * minor): a visit end lets the next one in, and at j = 0 calls the resident. Uniformised at s·ν, the total
 * phase rate of a full set of counters; the Poisson tail beyond the last term is left out (conservative).
 */
function* calledWithin(chain: Chain, uniform: number, nu: number, Q: number, t: number): Generator<void, Float64Array> {
  const width = Q + 1;
  const k = chain.k;
  let u = new Float64Array(chain.configs * width);
  let next = new Float64Array(u.length);
  const result = new Float64Array(u.length);
  const lt = uniform * t;
  let logP = -lt;
  const maxSteps = Math.ceil(lt + 12 * Math.sqrt(lt + 1) + 20);
  for (let m = 0; m <= maxSteps; m++) {
    const weight = Math.exp(logP);
    for (let x = 0; x < u.length; x++) add(result, x, weight * (u[x] ?? 0));
    for (let ci = 0; ci < chain.configs; ci++) {
      if (!chain.full[ci]) continue;
      const base = ci * width;
      for (let j = 0; j < width; j++) {
        let v = 0;
        for (let i = 0; i < k; i++) {
          const pr = ((chain.phases[ci * k + i] as number) * nu) / uniform;
          if (pr === 0) continue;
          if (i < k - 1) v += pr * (u[(chain.after[ci * k + i] as number) * width + j] ?? 0);
          else if (j === 0) v += pr;
          else v += pr * (u[(chain.endAndStart[ci] as number) * width + j - 1] ?? 0);
        }
        next[base + j] = v;
      }
    }
    [u, next] = [next, u];
    logP += Math.log(lt) - Math.log(m + 1);
    yield;
  }
  return result;
}

/** Phases of the Erlang visit time the opening-hour models use (k ≈ 1/cv², 1 … 4). */
export function phasesFor(cv: number): number {
  return Math.min(4, Math.max(1, Math.round(1 / Math.max(0.0625, cv * cv))));
}

/** Seeded days of the opening hour per crowd, rate and phases: arrival minutes and visits (in mean visits). */
interface SampledDays {
  /** Per day: arrival minutes (the crowd at 0 first, then the hour's walk-ins in order). */
  arrivals: Float64Array[];
  visits: Float64Array[];
  customers: number;
}

/** Days the sampled opening hour is averaged over: a service level within about ±0.5 % of the chain's. */
const SAMPLED_DAYS = 1000;
/** One fixed seed: every input and every counter number sees the same random numbers (common random numbers). */
const SAMPLED_SEED = 0x0e11;
const sampledDays = new Map<string, SampledDays>();
const sampledMemo = new Map<string, number>();

function sampleDays(crowd: number, arrivalsPerHour: number, k: number): SampledDays {
  const random = createRandom(SAMPLED_SEED);
  const arrivals: Float64Array[] = [];
  const visits: Float64Array[] = [];
  let customers = 0;
  // Visits of mean 1, scaled by the visit minutes when a counter number is tried: one set of days serves
  // every visit length.
  const phaseRate = k;
  const lambda = arrivalsPerHour / 60;
  for (let d = 0; d < SAMPLED_DAYS; d++) {
    const times: number[] = [];
    const n = random.poisson(crowd);
    for (let i = 0; i < n; i++) times.push(0);
    if (lambda > 0) for (let t = random.exponential(lambda); t < 60; t += random.exponential(lambda)) times.push(t);
    const v = new Float64Array(times.length);
    for (let i = 0; i < v.length; i++) {
      let x = 0;
      for (let j = 0; j < k; j++) x += random.exponential(phaseRate);
      v[i] = x;
    }
    arrivals.push(Float64Array.from(times));
    visits.push(v);
    customers += times.length;
  }
  return { arrivals, visits, customers };
}

/**
 * The opening hour's service level by sampling the same model as `openingHourServiceLevel` — the crowd
 * (Poisson) at the door, the hour's walk-ins (Poisson), Erlang visits with the chain's phases, first come
 * first served — over SAMPLED_DAYS seeded days instead of solving the chain: microseconds per day rather
 * than the chain's 0.1–30 s at twenty counters, so the months-ahead forecast can size every opening hour
 * with it (the chain stays for the coming weeks' roster). The same seed for every counter number makes
 * the level never fall when a counter is added (first come first served, same visits), so the search for
 * the counters needed stays monotone. Agrees with the chain within one counter (tests/forecast).
 */
export function openingHourServiceLevelSampled(input: OpeningHourInput): number {
  const s = input.servers;
  const crowd = Math.max(0, input.crowd);
  if (crowd + input.arrivalsPerHour <= 0) return 1;
  if (s <= 0) return 0;
  const k = phasesFor(input.serviceCv ?? 1);
  const daysKey = [crowd, input.arrivalsPerHour, k].join('|');
  // Visit minutes rounded up to a tenth: the months ahead's days differ in their service mix by fractions of a
  // minute, and share their results this way (at most 0.1 minute longer visits: never fewer counters).
  const tau = Math.ceil(input.meanServiceMinutes * 10 - 1e-9) / 10;
  const key = `${daysKey}|${tau}|${s}|${input.withinMinutes}`;
  const known = sampledMemo.get(key);
  if (known !== undefined) return known;
  let days = sampledDays.get(daysKey);
  if (!days) {
    days = sampleDays(crowd, input.arrivalsPerHour, k);
    if (sampledDays.size >= 200) sampledDays.clear();
    sampledDays.set(daysKey, days);
  }
  const free = new Float64Array(s);
  let within = 0;
  for (let d = 0; d < days.arrivals.length; d++) {
    const arrivals = days.arrivals[d] as Float64Array;
    const visits = days.visits[d] as Float64Array;
    free.fill(0);
    for (let i = 0; i < arrivals.length; i++) {
      let c = 0;
      for (let j = 1; j < s; j++) if ((free[j] as number) < (free[c] as number)) c = j;
      const arrival = arrivals[i] as number;
      const start = Math.max(arrival, free[c] as number);
      if (start - arrival <= input.withinMinutes) within++;
      free[c] = start + tau * (visits[i] as number);
    }
  }
  const value = days.customers > 0 ? within / days.customers : 1;
  if (sampledMemo.size >= 20_000) sampledMemo.clear();
  sampledMemo.set(key, value);
  return value;
}

/** Minutes after the walk-in opening in which the crowd at the door takes its tickets. */
export const CROWD_WINDOW_MINUTES = 10;

/**
 * The share of the opening hour's walk-ins who were a crowd at the door, from past days' issue times
 * (minutes after the walk-in opening; negative = before it). The crowd takes its tickets in the first
 * minutes; the hour's own walk-ins arrive at the rate seen in the rest of the hour. So over all days
 * together: crowd = tickets before `window` − (tickets in [window, 60)) × window ÷ (60 − window), never
 * below zero, as a share of the opening hour's tickets (the forecast's opening-hour count splits by it
 * into a crowd at opening and a rate for the hour). Pooled over the days rather than per day, so quiet
 * days' noise does not add up to a crowd that is not there.
 */
export function openingCrowdShare(days: readonly (readonly number[])[], window = CROWD_WINDOW_MINUTES): number {
  let early = 0;
  let rest = 0;
  for (const minutes of days)
    for (const t of minutes) {
      if (t < window) early++;
      else if (t < 60) rest++;
    }
  if (early + rest === 0) return 0;
  const crowd = Math.max(0, early - (rest * window) / (60 - window));
  return Math.min(1, crowd / (early + rest));
}
