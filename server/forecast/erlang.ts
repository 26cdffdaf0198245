/**
 * Exact Erlang formulas for staffing (pure). Offices are small (2–15 counters), where the square-root
 * staffing approximation is visibly wrong (docs/facts.md: load 5 on 8 servers gives 0.117 approximate, 0.167
 * exact), so we compute the exact values through the numerically stable Erlang-B recursion.
 *
 * Units: offered load A = λ × mean service time (Erlang); times in the same unit as the mean service time.
 */

/** Erlang B blocking probability via B(0)=1, B(k)=A·B(k−1)/(k+A·B(k−1)). */
export function erlangB(load: number, servers: number): number {
  if (servers < 0 || !Number.isInteger(servers)) throw new RangeError('servers must be a non-negative integer');
  if (load <= 0) return servers === 0 ? 1 : 0;
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (load * b) / (k + load * b);
  return b;
}

/** Erlang C: probability that an arrival has to wait in M/M/s. 1 when the load is not below s. */
export function erlangC(load: number, servers: number): number {
  if (load <= 0) return 0;
  if (servers <= load) return 1;
  const b = erlangB(load, servers);
  return (servers * b) / (servers - load * (1 - b));
}

/** Service level of M/M/s: P(W ≤ t) = 1 − C·exp(−(s − A)·t / meanService). */
export function erlangCServiceLevel(load: number, servers: number, meanService: number, t: number): number {
  if (load <= 0) return 1;
  if (servers <= load) return 0;
  return 1 - erlangC(load, servers) * Math.exp((-(servers - load) * t) / meanService);
}

/** Mean wait in M/M/s (Infinity when unstable). */
export function erlangCMeanWait(load: number, servers: number, meanService: number): number {
  if (load <= 0) return 0;
  if (servers <= load) return Number.POSITIVE_INFINITY;
  return (erlangC(load, servers) * meanService) / (servers - load);
}

export interface ErlangAResult {
  /** Probability that an arrival finds all servers busy. */
  pWait: number;
  /** Probability that an arrival gives up before being served. */
  pAbandon: number;
  /** P(an arrival would be called within t), counting the time it would have waited had it stayed. */
  serviceLevel: number;
  /** Mean time in queue of all arrivals (abandoners up to the moment they leave). */
  meanWait: number;
}

/**
 * Erlang A (M/M/s+M): Poisson arrivals, exponential service and exponential patience (mean `patience`).
 * Exact up to truncation of the birth–death chain where the stationary mass is below 1e-12.
 * The service level uses the tagged arrival's virtual wait: with j people ahead in the queue, the line
 * in front moves at rate s·μ + j·θ (services plus abandonments of those ahead), so the wait is a sum of
 * exponential phases, evaluated by uniformisation.
 */
export function erlangA(
  load: number,
  servers: number,
  meanService: number,
  patience: number,
  t: number,
): ErlangAResult {
  const mu = 1 / meanService;
  const lambda = load * mu;
  const theta = patience > 0 && Number.isFinite(patience) ? 1 / patience : 0;
  if (lambda <= 0) return { pWait: 0, pAbandon: 0, serviceLevel: 1, meanWait: 0 };
  if (theta === 0) {
    const stable = servers > load;
    return {
      pWait: erlangC(load, servers),
      pAbandon: 0,
      serviceLevel: erlangCServiceLevel(load, servers, meanService, t),
      meanWait: stable ? erlangCMeanWait(load, servers, meanService) : Number.POSITIVE_INFINITY,
    };
  }
  // Unnormalised stationary probabilities in log space: π(n+1)/π(n) = λ / death(n+1).
  const death = (n: number) => Math.min(n, servers) * mu + Math.max(0, n - servers) * theta;
  const logPi: number[] = [0];
  let maxLog = 0;
  for (let n = 1; n < 100_000; n++) {
    const next = (logPi[n - 1] ?? 0) + Math.log(lambda / death(n));
    logPi.push(next);
    if (next > maxLog) maxLog = next;
    if (n > servers + 10 && next < maxLog - 30) break;
  }
  const pi = logPi.map((l) => Math.exp(l - maxLog));
  const total = pi.reduce((a, b) => a + b, 0);
  for (let n = 0; n < pi.length; n++) pi[n] = (pi[n] ?? 0) / total;

  let pWait = 0;
  let queueMean = 0;
  for (let n = servers; n < pi.length; n++) {
    pWait += pi[n] ?? 0;
    queueMean += (n - servers) * (pi[n] ?? 0);
  }
  // Little's law on the queue: abandonment rate θ·E[Q] = λ·P(abandon).
  const pAbandon = (theta * queueMean) / lambda;
  const meanWait = queueMean / lambda;

  // Arrival seeing n ≥ s has j = n − s people ahead. Uniformise the pure-death chain of "people ahead".
  const maxAhead = pi.length - servers;
  let vector = new Float64Array(Math.max(1, maxAhead));
  for (let j = 0; j < maxAhead; j++) vector[j] = pi[servers + j] ?? 0;
  const rate = servers * mu + Math.max(0, maxAhead - 1) * theta;
  let called = 1 - pWait;
  if (t > 0 && pWait > 0) {
    const lt = rate * t;
    let poisson = Math.exp(-lt);
    let cumulative = 0;
    let absorbed = 0;
    // Σ_m Poisson(m; Λt) · P(absorbed within m steps); for large Λt start from log space.
    let logP = -lt;
    for (let m = 0; m < 100_000; m++) {
      poisson = Math.exp(logP);
      cumulative += poisson;
      called += poisson * absorbed;
      if (1 - cumulative < 1e-12 && m > lt) break;
      const next = new Float64Array(vector.length);
      for (let j = 0; j < vector.length; j++) {
        const v = vector[j] ?? 0;
        if (v === 0) continue;
        const out = (servers * mu + j * theta) / rate;
        if (j === 0) absorbed += v * out;
        else next[j - 1] = (next[j - 1] ?? 0) + v * out;
        next[j] = (next[j] ?? 0) + v * (1 - out);
      }
      vector = next;
      logP += Math.log(lt) - Math.log(m + 1);
    }
  } else if (t > 0) {
    called = 1;
  }
  return { pWait, pAbandon, serviceLevel: Math.min(1, Math.max(0, called)), meanWait };
}

export interface StaffingTarget {
  /** Share that must be called within `withinMinutes` (e.g. 0.8). */
  share: number;
  withinMinutes: number;
  /** Mean patience in minutes for Erlang A; omit for Erlang C. */
  patienceMinutes?: number;
  /** Also keep occupancy at or below this (default 0.95), so a plan never runs counters flat out. */
  maxOccupancy?: number;
}

/**
 * Service level of an hourly load on s counters for a target (exact Erlang C, or A with patience).
 * `serviceCv` (default 1, the exponential of Erlang) corrects for visits that vary less: the queue of an
 * M/G/s drains like that of an M/M/s whose waits are scaled by (1 + cv²)/2 (the Allen–Cunneen
 * approximation), so the wait's time scale is stretched by that factor; the chance to wait is kept.
 */
export function serviceLevel(
  load: number,
  servers: number,
  meanServiceMinutes: number,
  target: StaffingTarget,
  serviceCv = 1,
): number {
  const within = target.withinMinutes / ((1 + serviceCv * serviceCv) / 2);
  return target.patienceMinutes !== undefined
    ? erlangA(load, servers, meanServiceMinutes, target.patienceMinutes, within).serviceLevel
    : erlangCServiceLevel(load, servers, meanServiceMinutes, within);
}

/** Smallest number of counters that meets the target for an hourly load (see `serviceLevel`). */
export function requiredServers(
  arrivalsPerHour: number,
  meanServiceMinutes: number,
  target: StaffingTarget,
  serviceCv = 1,
): number {
  const load = (arrivalsPerHour * meanServiceMinutes) / 60;
  if (load <= 0) return 0;
  const maxOcc = target.maxOccupancy ?? 0.95;
  let s = Math.max(1, Math.ceil(load / maxOcc - 1e-9));
  for (; s < 1000; s++) if (serviceLevel(load, s, meanServiceMinutes, target, serviceCv) >= target.share) return s;
  return s;
}

/** Square-root staffing approximation P(wait) (Halfin–Whitt), only to show why we do not use it. */
export function halfinWhittPWait(load: number, servers: number): number {
  const beta = (servers - load) / Math.sqrt(load);
  const phi = Math.exp((-beta * beta) / 2) / Math.sqrt(2 * Math.PI);
  const cdf = 0.5 * (1 + erf(beta / Math.SQRT2));
  return 1 / (1 + (beta * cdf) / phi);
}

function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26, enough for an illustration.
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return sign * y;
}
