import { MEMORYLESS_CV, meanResidual, normalCdf } from './predictor.ts';

/**
 * Learned service times (pure). Configured minutes per person are a vendor default; real offices differ
 * per service and per clerk. We shrink the observed means toward the configured value so that a service
 * with few observations keeps its default.
 *
 * Censoring. A visit still at the counter has run `minutes` so far: its service time is only known to be
 * longer (right-censored). Leaving such visits out biases the mean low — early in a day the visits that have
 * finished are the short ones (on the first simulated day of `mms-stationary` the plain mean of finished
 * visits was 8.2–9.6 minutes against the true 10). Each censored visit is counted at its expected length given
 * what it has run, E[S | S > e], under the shape the predictor itself assumes for the service (predictor.ts):
 * memoryless where the service's learned cv is at least MEMORYLESS_CV (E[S | S > e] = e + mean, which makes the
 * mean the exponential maximum likelihood Σ minutes observed ÷ visits finished), else lognormal with that cv.
 * With the right shape every visit, finished or not, then contributes an unbiased term to the mean
 * (E[S·1{S≤C} + E[S | S>C]·1{S>C}] = E[S] for a censoring time C independent of S — here the time since the
 * visit started, set by the visits before it); the mean depends on itself through the imputation and is
 * solved by fixed-point iteration (EM). Kaplan–Meier was not chosen: on a first day it knows nothing beyond
 * the longest visit seen so far and needs a parametric tail anyway.
 *
 * Censoring is an option (`censoring`), off for the live learning (learned-times.ts, and the simulator as its
 * stand-in): with the running visits the first day's means came out right (10.0 against 8.4 on `mms-stationary`
 * at nine), yet bench track 1 lost in most scenarios — on the test seeds `haarlem-zijlsingel` +0.0080 ± 0.0017
 * min, `overload-moderate-simple` +0.0065 ± 0.0026, `mms-stationary` +0.0145 ± 0.0092 (the predictor's estimates
 * lean high where it replays, and the low first-day mean leaned them back); the censored cap alone was neutral
 * to slightly worse (`skills-mixed` +0.0016 ± 0.0007, `appointments-heavy` −0.0009 ± 0.0004, the other six
 * within noise). Where the mean itself is wanted, unbiased (a report, a planner), pass `censoring: true`.
 *
 * Outliers: a record longer than CAP_FACTOR × its configured expectation (a forgotten "finish" button) is
 * censored there — the visit took at least that long — rather than read as a measurement equal to the cap,
 * so it counts as E[S | S > cap]: bounded, and not a bias toward short visits.
 */

export interface ServiceSample {
  services: { code: string; persons: number }[];
  counterId: number | null;
  /** Observed minutes from start to finish, or from start to now for a visit still running (`ongoing`). */
  minutes: number;
  /** Still at the counter: `minutes` is how long it has run so far (a right-censored observation). */
  ongoing?: boolean;
}

export interface LearnedServiceTimes {
  meanMinutesPerPerson: Record<string, number>;
  /** Multiplier per counter on the service's expected minutes (1 = average clerk). */
  counterSpeed: Record<number, number>;
  /** Coefficient of variation of one person's service time, per service. */
  serviceCv: Record<string, number>;
  /** Finished visits per service (visits still running are not counted here). */
  samples: Record<string, number>;
  /** Mean patience of waiting walk-ins (minutes, exponential; patience.ts); null: nobody gives up. */
  patienceMinutes?: number | null;
}

/** Pseudo-observations of the configured mean. */
const PRIOR_WEIGHT_SERVICE = 5;
const PRIOR_WEIGHT_COUNTER = 10;
const PRIOR_CV = 0.5;
/** A record longer than this many times the expectation is censored there. */
const CAP_FACTOR = 4;
/** Fixed-point iterations of the censored means: they converge to 1e-6 within a few dozen. */
const MAX_ITERATIONS = 100;

function expectedMinutes(sample: ServiceSample, mean: Record<string, number>): number {
  let sum = 0;
  for (const s of sample.services) sum += (mean[s.code] ?? 10) * s.persons;
  return sum;
}

/**
 * E[S | S > elapsed] for a service time S of this mean and cv: memoryless from MEMORYLESS_CV (the exponential,
 * as the predictor's closed form), else lognormal (the predictor's replays and its mean residual life).
 */
export function expectedLengthBeyond(elapsed: number, mean: number, cv: number): number {
  const e = Math.max(0, elapsed);
  if (cv >= MEMORYLESS_CV) return e + mean;
  return e + meanResidual({ expected: mean, elapsed: e, cv }, 0);
}

/** E[S² | S > elapsed] for the same shapes as `expectedLengthBeyond`. */
export function expectedSquareBeyond(elapsed: number, mean: number, cv: number): number {
  const e = Math.max(0, elapsed);
  if (cv >= MEMORYLESS_CV) return (e + mean) ** 2 + mean * mean;
  if (e <= 0 || cv <= 0) return Math.max(e * e, mean * mean * (1 + cv * cv));
  const sigma2 = Math.log(1 + cv * cv);
  const sigma = Math.sqrt(sigma2);
  const alpha = (Math.log(e) - (Math.log(mean) - sigma2 / 2)) / sigma;
  const survival = 1 - normalCdf(alpha);
  if (survival < 1e-9) return e * e;
  // E[S²; S > e] = E[S²] · P(Z > α − 2σ) for log S normal.
  return Math.max(e * e, (mean * mean * (1 + cv * cv) * (1 - normalCdf(alpha - 2 * sigma))) / survival);
}

/** A visit's cv: its persons' service times independent, Var = Σ persons × (mean × cv)². */
function visitCv(sample: ServiceSample, mean: Record<string, number>, cv: Record<string, number>): number {
  let m = 0;
  let v = 0;
  for (const s of sample.services) {
    const mi = mean[s.code] ?? 10;
    m += mi * s.persons;
    v += s.persons * (mi * (cv[s.code] ?? PRIOR_CV)) ** 2;
  }
  return m > 0 ? Math.sqrt(v) / m : PRIOR_CV;
}

/** A visit known only to have taken longer than `atLeast` minutes (still running, or a capped record). */
interface Censored {
  sample: ServiceSample;
  atLeast: number;
}

export interface LearnOptions {
  /**
   * Count visits still running (`ongoing`) and records past the cap as right-censored (see the top). Off: running
   * visits are left out and a record past the cap counts as the cap — what the live learning uses (see the top).
   */
  censoring?: boolean;
}

export function learnServiceTimes(
  all: ServiceSample[],
  configured: Record<string, number>,
  options: LearnOptions = {},
): LearnedServiceTimes {
  const censoring = options.censoring === true;
  const samples = censoring ? all : all.filter((s) => !s.ongoing);
  // Per service: the finished visits' minutes, and every visit's persons (its weight), finished or not.
  const known: Record<string, number> = {};
  const weight: Record<string, number> = {};
  const count: Record<string, number> = {};
  const censored: Censored[] = [];
  for (const sample of samples) {
    if (!(sample.minutes > 0) || sample.services.length === 0) continue;
    const expected = expectedMinutes(sample, configured);
    const cap = CAP_FACTOR * expected;
    const exact = !sample.ongoing && (sample.minutes <= cap || !censoring);
    if (!exact) censored.push({ sample, atLeast: Math.min(sample.minutes, cap) });
    // Multi-service visits are split over their services in proportion to the configured minutes.
    for (const s of sample.services) {
      const share = ((configured[s.code] ?? 10) * s.persons) / expected;
      if (exact) known[s.code] = (known[s.code] ?? 0) + Math.min(sample.minutes, cap) * share;
      weight[s.code] = (weight[s.code] ?? 0) + s.persons * share;
      if (!sample.ongoing) count[s.code] = (count[s.code] ?? 0) + 1;
    }
  }
  const shapeCv = spreadOfFinished(samples, configured);
  // The censored visits' expected lengths depend on the means: iterate to the fixed point (see the top).
  let meanMinutesPerPerson = shrunkMeans(known, weight, configured, shapeCv);
  for (let i = 0; i < MAX_ITERATIONS && censored.length > 0; i++) {
    const sum: Record<string, number> = { ...known };
    for (const { sample, atLeast } of censored) {
      const length = expectedLengthBeyond(
        atLeast,
        expectedMinutes(sample, meanMinutesPerPerson),
        visitCv(sample, meanMinutesPerPerson, shapeCv),
      );
      const split = expectedMinutes(sample, configured);
      for (const s of sample.services)
        sum[s.code] = (sum[s.code] ?? 0) + (length * (configured[s.code] ?? 10) * s.persons) / split;
    }
    const next = shrunkMeans(sum, weight, configured, shapeCv);
    let moved = 0;
    for (const code of Object.keys(next)) {
      const before = meanMinutesPerPerson[code] ?? 10;
      moved = Math.max(moved, Math.abs((next[code] ?? 10) - before) / before);
    }
    meanMinutesPerPerson = next;
    if (moved < 1e-6) break;
  }

  const ratioSum: Record<number, number> = {};
  const ratioN: Record<number, number> = {};
  for (const sample of samples) {
    if (sample.counterId === null || !(sample.minutes > 0) || sample.services.length === 0) continue;
    const expected = expectedMinutes(sample, meanMinutesPerPerson);
    // Still running or past the cap: its expected length given what it has run (as for the means).
    const ratio =
      !sample.ongoing && (sample.minutes <= CAP_FACTOR * expected || !censoring)
        ? Math.min(sample.minutes / expected, CAP_FACTOR)
        : expectedLengthBeyond(
            Math.min(sample.minutes, CAP_FACTOR * expected),
            expected,
            visitCv(sample, meanMinutesPerPerson, shapeCv),
          ) / expected;
    ratioSum[sample.counterId] = (ratioSum[sample.counterId] ?? 0) + ratio;
    ratioN[sample.counterId] = (ratioN[sample.counterId] ?? 0) + 1;
  }
  const counterSpeed: Record<number, number> = {};
  for (const id of Object.keys(ratioSum).map(Number)) {
    counterSpeed[id] = ((ratioSum[id] ?? 0) + PRIOR_WEIGHT_COUNTER) / ((ratioN[id] ?? 0) + PRIOR_WEIGHT_COUNTER);
  }
  // Spread from single-person, single-service visits, corrected for the clerk's speed; visits still running and
  // records past the cap count with their expected first and second moments given what they have run, under the
  // spread being learned (a few fixed-point steps). Capping an exponential's records at 4 × its mean as
  // measurements made its cv about 0.92, near the predictor's MEMORYLESS_CV.
  const sq: Record<string, { n: number; sum: number; sum2: number; censoredAt: number[] }> = {};
  for (const sample of samples) {
    const only = sample.services[0];
    if (sample.services.length !== 1 || !only || only.persons !== 1 || !(sample.minutes > 0)) continue;
    const mean = meanMinutesPerPerson[only.code] ?? 10;
    const speed = sample.counterId === null ? 1 : (counterSpeed[sample.counterId] ?? 1);
    const x = Math.min(sample.minutes / speed, CAP_FACTOR * mean);
    const acc = sq[only.code] ?? { n: 0, sum: 0, sum2: 0, censoredAt: [] };
    acc.n++;
    if (sample.ongoing || (censoring && x >= CAP_FACTOR * mean)) acc.censoredAt.push(x);
    else {
      acc.sum += x;
      acc.sum2 += x * x;
    }
    sq[only.code] = acc;
  }
  const serviceCv: Record<string, number> = {};
  for (const code of Object.keys(meanMinutesPerPerson)) {
    const acc = sq[code];
    if (!acc || acc.n < 2) {
      serviceCv[code] = PRIOR_CV;
      continue;
    }
    const mean = meanMinutesPerPerson[code] ?? 10;
    let cv = shapeCv[code] ?? PRIOR_CV;
    for (let i = 0; i < (acc.censoredAt.length > 0 ? 20 : 1); i++) {
      let sum = acc.sum;
      let sum2 = acc.sum2;
      for (const e of acc.censoredAt) {
        sum += expectedLengthBeyond(e, mean, cv);
        sum2 += expectedSquareBeyond(e, mean, cv);
      }
      const m = sum / acc.n;
      const variance = Math.max(0, (sum2 - acc.n * m * m) / (acc.n - 1));
      const raw = Math.sqrt(variance) / m;
      const next = (raw * acc.n + PRIOR_CV * PRIOR_WEIGHT_SERVICE) / (acc.n + PRIOR_WEIGHT_SERVICE);
      const moved = Math.abs(next - cv);
      cv = next;
      if (moved < 1e-6) break;
    }
    serviceCv[code] = cv;
  }
  return { meanMinutesPerPerson, counterSpeed, serviceCv, samples: count };
}

/** Means per person: the observed ones shrunk toward the configured minutes (`configuredCredibility`). */
function shrunkMeans(
  sum: Record<string, number>,
  weight: Record<string, number>,
  configured: Record<string, number>,
  cv: Record<string, number>,
): Record<string, number> {
  const out: Record<string, number> = { ...configured };
  // Configured minutes count as observations in proportion to how well this office's configuration holds.
  const priorWeight = configuredCredibility(sum, weight, configured, cv);
  for (const code of Object.keys(sum)) {
    const prior = configured[code] ?? 10;
    const k = priorWeight[code] ?? PRIOR_WEIGHT_SERVICE;
    out[code] = Number.isFinite(k) ? ((sum[code] ?? 0) + k * prior) / ((weight[code] ?? 0) + k) : prior;
  }
  return out;
}

/**
 * Per service, the cv of one person's service time from the finished single-person, single-service visits
 * (records capped at CAP_FACTOR × the configured minutes), shrunk toward PRIOR_CV by PRIOR_WEIGHT_SERVICE
 * pseudo-observations: the shape the censored visits are completed with, and the sampling noise of
 * `configuredCredibility`. Finished visits only: early in a first day it comes out somewhat low.
 */
function spreadOfFinished(samples: ServiceSample[], configured: Record<string, number>): Record<string, number> {
  const sq: Record<string, { n: number; s: number; s2: number }> = {};
  for (const sample of samples) {
    const only = sample.services[0];
    if (sample.ongoing || sample.services.length !== 1 || !only || only.persons !== 1 || !(sample.minutes > 0))
      continue;
    const c = configured[only.code] ?? 10;
    const x = Math.min(sample.minutes, CAP_FACTOR * c);
    const a = sq[only.code] ?? { n: 0, s: 0, s2: 0 };
    a.n++;
    a.s += x;
    a.s2 += x * x;
    sq[only.code] = a;
  }
  const out: Record<string, number> = {};
  for (const [code, a] of Object.entries(sq)) {
    if (a.n < 2) continue;
    const m = a.s / a.n;
    const raw = Math.sqrt(Math.max(0, (a.s2 - a.n * m * m) / (a.n - 1))) / m;
    out[code] = (raw * a.n + PRIOR_CV * PRIOR_WEIGHT_SERVICE) / (a.n + PRIOR_WEIGHT_SERVICE);
  }
  return out;
}

/**
 * How many pseudo-observations the configured minutes of each service are worth (empirical Bayes over the
 * office's services): configured minutes are off by some relative spread τ common to an office, and a
 * service's observed mean is off by its sampling noise cv²/n; by moments, τ² is the mean squared relative
 * gap between observed and configured less the part sampling noise explains. A service's configured mean
 * then counts as cv²/τ² observations — where the data do not contradict the configuration it stands, where
 * they do the data take over. Never fewer than PRIOR_WEIGHT_SERVICE; Infinity where τ² is 0.
 */
function configuredCredibility(
  sum: Record<string, number>,
  weight: Record<string, number>,
  configured: Record<string, number>,
  shapeCv: Record<string, number>,
): Record<string, number> {
  const cv2: Record<string, number> = {};
  let gap = 0;
  let services = 0;
  for (const code of Object.keys(sum)) {
    const w = weight[code] ?? 0;
    if (!(w >= 1)) continue;
    const cv = shapeCv[code] ?? PRIOR_CV;
    cv2[code] = cv * cv;
    const c = configured[code] ?? 10;
    const d = ((sum[code] ?? 0) / w - c) / c;
    gap += d * d - (cv * cv) / w;
    services++;
  }
  const out: Record<string, number> = {};
  if (services === 0) return out;
  const tau2 = Math.max(0, gap / services);
  for (const code of Object.keys(cv2))
    out[code] = tau2 > 0 ? Math.max(PRIOR_WEIGHT_SERVICE, (cv2[code] ?? 0) / tau2) : Number.POSITIVE_INFINITY;
  return out;
}
