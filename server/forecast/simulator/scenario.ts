import { z } from 'zod';

/**
 * Minutes from a call to the start at the counter (the resident walks up). The log has no start event to
 * learn it from, so the what-if and the planner both assume this; the counter is taken for it.
 */
export const WALK_UP_MINUTES = 0.5;

/** Wall-clock time "HH:mm". */
const WallTime = z.string().regex(/^\d{2}:\d{2}$/);
/** Hourly rates keyed by the local hour ("9" … "19"): arrivals per hour. */
const HourlyRates = z.record(z.string().regex(/^\d{1,2}$/), z.number().nonnegative());

export const ScenarioService = z.object({
  code: z.string().min(1),
  /** True mean service minutes per person (what really happens). */
  meanMinutes: z.number().positive(),
  /** Minutes per person the office has configured (what the predictor is told); default meanMinutes. */
  configuredMinutes: z.number().positive().optional(),
  /** Coefficient of variation of the lognormal service time. */
  cv: z.number().nonnegative().default(0.5),
  /** 'exponential' ignores cv (for M/M/s sanity checks). */
  distribution: z.enum(['lognormal', 'exponential']).default('lognormal'),
  /** Walk-in arrivals per hour (non-homogeneous Poisson, piecewise constant per hour). */
  walkInPerHour: HourlyRates.default({}),
  /** Booked appointments per hour, spread evenly over the hour. */
  appointmentsPerHour: HourlyRates.default({}),
  /** Share of visits with 2 persons (the rest 1). */
  twoPersonShare: z.number().min(0).max(1).default(0.1),
  /** Service norm target (minutes) used by call-next to weigh waits. */
  targetWaitMinutes: z.number().positive().default(10),
});

export const ScenarioCounter = z.object({
  id: z.number().int().positive(),
  skills: z.array(z.string()).min(1),
  /** Multiplier on service times for the clerk at this counter (1 = average). */
  speed: z.number().positive().default(1),
  /** Staffed periods. */
  shifts: z.array(z.tuple([WallTime, WallTime])).min(1),
  /** Breaks within the shifts (the counter is paused; the predictor knows when it comes back). */
  breaks: z.array(z.tuple([WallTime, WallTime])).default([]),
});

export const Scenario = z.object({
  name: z.string(),
  description: z.string().default(''),
  /** First simulated day (local date); weekends are skipped. */
  startDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  days: z.number().int().positive().max(400),
  /** Local dates the office is closed (holidays); skipped like weekends. */
  closedDates: z.array(z.string()).default([]),
  timeZone: z.string().default('Europe/Amsterdam'),
  opensAt: WallTime,
  closesAt: WallTime,
  /** Walk-in tickets are issued in this window. */
  walkInFrom: WallTime,
  walkInTo: WallTime,
  services: z.array(ScenarioService).min(1),
  counters: z.array(ScenarioCounter).min(1),
  /** Day-to-day busyness: each day's walk-in rates are multiplied by a gamma variable with mean 1 and this CV. */
  busynessCv: z.number().nonnegative().default(0.15),
  /**
   * People queueing outside before opening: Poisson mean, entering within `spreadMinutes` of the walk-in
   * opening; their services drawn by `services` (weights per code), else by the opening hour's walk-in rates.
   */
  doorCrowd: z
    .object({
      mean: z.number().nonnegative(),
      spreadMinutes: z.number().positive(),
      services: z.record(z.string(), z.number().nonnegative()).optional(),
    })
    .default({ mean: 0, spreadMinutes: 5 }),
  appointments: z
    .object({
      noShowRate: z.number().min(0).max(1).default(0.1),
      /** Arrival relative to the start: normal with this mean (negative = early) and sd, minutes. */
      arrivalMeanMinutes: z.number().default(-7),
      arrivalSdMinutes: z.number().nonnegative().default(6),
    })
    .default({ noShowRate: 0.1, arrivalMeanMinutes: -7, arrivalSdMinutes: 6 }),
  /** Mean patience of walk-ins (exponential), minutes; 0 = nobody gives up. */
  patienceMinutes: z.number().nonnegative().default(0),
  /** Minutes between a call and the start at the counter. */
  walkUpMinutes: z.number().nonnegative().default(WALK_UP_MINUTES),
  /** Minutes before its start from which a checked-in appointment is due. */
  dueEarlyMinutes: z.number().nonnegative().default(5),
  lateGraceMinutes: z.number().nonnegative().default(10),
  /** The service norm used for the per-hour service level. */
  normMinutes: z.number().positive().default(10),
  normShare: z.number().min(0).max(1).default(0.8),
  seed: z.number().int().default(1),
});
export type Scenario = z.infer<typeof Scenario>;
export type ScenarioInput = z.input<typeof Scenario>;
export type ScenarioService = z.infer<typeof ScenarioService>;
export type ScenarioCounter = z.infer<typeof ScenarioCounter>;

export function parseScenario(json: unknown): Scenario {
  return Scenario.parse(json);
}

export function wallMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}
