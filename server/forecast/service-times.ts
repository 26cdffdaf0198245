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
  samples: Record<string, number>;
}

/** Pseudo-observations of the configured mean. */
const PRIOR_WEIGHT_SERVICE = 5;
const PRIOR_WEIGHT_COUNTER = 10;
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
  return { meanMinutesPerPerson, counterSpeed, samples: count };
}
