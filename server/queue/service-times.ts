/**
 * Learned service times (pure). Configured minutes per person are a vendor default; real offices differ
 * per service and per clerk. We shrink the observed means toward the configured value so that a service
 * with few observations keeps its default, and cap single observations so one forgotten "finish"
 * button does not move the mean.
 */

export interface ServiceSample {
  services: { code: string; persons: number }[];
  counterId: number | null;
  /** Observed minutes from start to finish. */
  minutes: number;
  /**
   * Call-and-start visits only (their finish is the clerk's next press, call-next.ts): minutes from this visit's
   * start at which the ticket that press called was waiting (issued, checked in, or back in line); null when the
   * press called nobody. Absent for a visit with a finish of its own.
   */
  nextWaitingMinutes?: number | null;
}

export interface LearnedServiceTimes {
  meanMinutesPerPerson: Record<string, number>;
  /** Multiplier per counter on the service's expected minutes (1 = average clerk). */
  counterSpeed: Record<number, number>;
  /** Coefficient of variation of one person's service time, per service. */
  serviceCv: Record<string, number>;
  samples: Record<string, number>;
  /** Mean patience of waiting walk-ins (minutes, exponential; patience.ts); null: nobody gives up. */
  patienceMinutes?: number | null;
}

/** Pseudo-observations of the configured mean. */
const PRIOR_WEIGHT_SERVICE = 5;
const PRIOR_WEIGHT_COUNTER = 10;
const PRIOR_CV = 0.5;
/** An observation longer than this many times the expectation is capped there. */
const CAP_FACTOR = 4;

function expectedMinutes(sample: ServiceSample, mean: Record<string, number>): number {
  let sum = 0;
  for (const s of sample.services) sum += (mean[s.code] ?? 10) * s.persons;
  return sum;
}

/**
 * Whether a sample's minutes are the visit's duration. A call-and-start visit ends in the log at the clerk's next
 * call; that is when it really ended only if the clerk had someone to call by then — the next ticket was waiting
 * at or before the visit's expected end (configured minutes). Otherwise the clerk sat idle for an unknown time
 * before that call, and the sample is left out.
 */
function isTrueDuration(sample: ServiceSample, configured: Record<string, number>): boolean {
  if (sample.nextWaitingMinutes === undefined) return true;
  return sample.nextWaitingMinutes !== null && sample.nextWaitingMinutes <= expectedMinutes(sample, configured);
}

export function learnServiceTimes(all: ServiceSample[], configured: Record<string, number>): LearnedServiceTimes {
  const samples = all.filter((s) => isTrueDuration(s, configured));
  const sum: Record<string, number> = {};
  const weight: Record<string, number> = {};
  const count: Record<string, number> = {};
  for (const sample of samples) {
    if (!(sample.minutes > 0) || sample.services.length === 0) continue;
    const expected = expectedMinutes(sample, configured);
    const minutes = Math.min(sample.minutes, CAP_FACTOR * expected);
    // Multi-service visits are split over their services in proportion to the configured minutes.
    for (const s of sample.services) {
      const share = ((configured[s.code] ?? 10) * s.persons) / expected;
      sum[s.code] = (sum[s.code] ?? 0) + minutes * share;
      weight[s.code] = (weight[s.code] ?? 0) + s.persons * share;
      count[s.code] = (count[s.code] ?? 0) + 1;
    }
  }
  const meanMinutesPerPerson: Record<string, number> = { ...configured };
  // Configured minutes count as observations in proportion to how well this office's configuration holds.
  const priorWeight = configuredCredibility(samples, configured, sum, weight);
  for (const code of Object.keys(sum)) {
    const prior = configured[code] ?? 10;
    const k = priorWeight[code] ?? PRIOR_WEIGHT_SERVICE;
    meanMinutesPerPerson[code] = Number.isFinite(k)
      ? ((sum[code] ?? 0) + k * prior) / ((weight[code] ?? 0) + k)
      : prior;
  }

  const ratioSum: Record<number, number> = {};
  const ratioN: Record<number, number> = {};
  for (const sample of samples) {
    if (sample.counterId === null || !(sample.minutes > 0) || sample.services.length === 0) continue;
    const expected = expectedMinutes(sample, meanMinutesPerPerson);
    const ratio = Math.min(sample.minutes / expected, CAP_FACTOR);
    ratioSum[sample.counterId] = (ratioSum[sample.counterId] ?? 0) + ratio;
    ratioN[sample.counterId] = (ratioN[sample.counterId] ?? 0) + 1;
  }
  const counterSpeed: Record<number, number> = {};
  for (const id of Object.keys(ratioSum).map(Number)) {
    counterSpeed[id] = ((ratioSum[id] ?? 0) + PRIOR_WEIGHT_COUNTER) / ((ratioN[id] ?? 0) + PRIOR_WEIGHT_COUNTER);
  }
  // Spread from single-person, single-service visits, corrected for the clerk's speed.
  const sq: Record<string, { n: number; sum: number; sum2: number }> = {};
  for (const sample of samples) {
    const only = sample.services[0];
    if (sample.services.length !== 1 || !only || only.persons !== 1 || !(sample.minutes > 0)) continue;
    const mean = meanMinutesPerPerson[only.code] ?? 10;
    const speed = sample.counterId === null ? 1 : (counterSpeed[sample.counterId] ?? 1);
    const x = Math.min(sample.minutes / speed, CAP_FACTOR * mean);
    const acc = sq[only.code] ?? { n: 0, sum: 0, sum2: 0 };
    acc.n++;
    acc.sum += x;
    acc.sum2 += x * x;
    sq[only.code] = acc;
  }
  const serviceCv: Record<string, number> = {};
  for (const code of Object.keys(meanMinutesPerPerson)) {
    const acc = sq[code];
    if (!acc || acc.n < 2) {
      serviceCv[code] = PRIOR_CV;
      continue;
    }
    const m = acc.sum / acc.n;
    const variance = Math.max(0, (acc.sum2 - acc.n * m * m) / (acc.n - 1));
    const cv = Math.sqrt(variance) / m;
    serviceCv[code] = (cv * acc.n + PRIOR_CV * PRIOR_WEIGHT_SERVICE) / (acc.n + PRIOR_WEIGHT_SERVICE);
  }
  return { meanMinutesPerPerson, counterSpeed, serviceCv, samples: count };
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
  samples: ServiceSample[],
  configured: Record<string, number>,
  sum: Record<string, number>,
  weight: Record<string, number>,
): Record<string, number> {
  const sq: Record<string, { n: number; s: number; s2: number }> = {};
  for (const sample of samples) {
    const only = sample.services[0];
    if (sample.services.length !== 1 || !only || only.persons !== 1 || !(sample.minutes > 0)) continue;
    const c = configured[only.code] ?? 10;
    const x = Math.min(sample.minutes, CAP_FACTOR * c);
    const a = sq[only.code] ?? { n: 0, s: 0, s2: 0 };
    a.n++;
    a.s += x;
    a.s2 += x * x;
    sq[only.code] = a;
  }
  const cv2: Record<string, number> = {};
  let gap = 0;
  let services = 0;
  for (const code of Object.keys(sum)) {
    const w = weight[code] ?? 0;
    if (!(w >= 1)) continue;
    const a = sq[code];
    let cv = PRIOR_CV;
    if (a && a.n >= 2) {
      const m = a.s / a.n;
      const raw = Math.sqrt(Math.max(0, (a.s2 - a.n * m * m) / (a.n - 1))) / m;
      cv = (raw * a.n + PRIOR_CV * PRIOR_WEIGHT_SERVICE) / (a.n + PRIOR_WEIGHT_SERVICE);
    }
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
