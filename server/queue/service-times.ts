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

export function learnServiceTimes(samples: ServiceSample[], configured: Record<string, number>): LearnedServiceTimes {
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
  for (const code of Object.keys(sum)) {
    const prior = configured[code] ?? 10;
    meanMinutesPerPerson[code] =
      ((sum[code] ?? 0) + PRIOR_WEIGHT_SERVICE * prior) / ((weight[code] ?? 0) + PRIOR_WEIGHT_SERVICE);
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
