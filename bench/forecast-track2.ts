/**
 * Track 2: staffing. A plan (counters per opening hour) is turned into counter shifts and simulated;
 * an hour slot meets the norm when the share of its walk-ins called within the norm, pooled over the
 * simulated days, reaches the target. Methods: ours (modified offered load + crowd backlog, exact
 * Erlang) from the true rates and from our demand forecast — the latter without the crowd (the opening
 * hour as a rate, the planner before) and with the crowd learned from the opening hour's issue times
 * (`ours-forecast-crowd`, the planner now; `ours-months-ahead` as it sizes the opening hour beyond
 * the coming week, by the sampled opening-hour model, and `ours-months-before` by the offered load it used
 * before) —, plain hour-by-hour Erlang C, a naive
 * 85 % occupancy rule, and a greedy simulation search (on development seeds, scored on test seeds).
 *
 * Both channels (`staffing-both-channels`, issue 10): walk-ins plus appointments that residents book
 * day by day. A plan is counters per hour plus appointment slots per day; the walk-in norm is scored per
 * hour slot as above (the office day holds the appointment visits the book gives it), the appointment
 * norm per day: every request made that day is offered a slot within 5 working days (a booking
 * simulation, first free slot from the next working day).
 */
import { addDaysIso, forecastDemand, type HourlyCount, weekdayOfDate } from '../server/forecast/demand.ts';
import { openingCrowdShare } from '../server/forecast/opening-crowd.ts';
import { simulate } from '../server/forecast/simulator/engine.ts';
import {
  parseScenario,
  type Scenario,
  type ScenarioInput,
  WALK_UP_MINUTES,
} from '../server/forecast/simulator/scenario.ts';
import { requiredCounters, requiredCountersWithCrowd, slotsForAppointmentNorm } from '../server/forecast/staffing.ts';
import { createRandom } from '../server/random.ts';

interface Track2Protocol {
  scenarios: string[];
  daysPerEvaluation: { full: number; smoke: number };
  methods: string[];
}

export interface Track2Method {
  plan: number[];
  /** Both channels: appointment slots per day and days on which every request got a slot within the norm. */
  appointmentSlots?: number;
  days?: number;
  daysMet?: number;
  slots: number;
  slotsMet: number;
  staffHours: number;
  vsSearch: number;
  serviceLevels: number[];
}

export interface Track2Scenario {
  scenario: string;
  norm: string;
  methods: Record<string, Track2Method>;
}

interface StaffingCase {
  name: string;
  opens: number;
  rates: number[];
  meanMinutes: number;
  cv: number;
  crowd: number;
  share: number;
  within: number;
  /**
   * Counters the roster has per opening hour where it cannot staff the hour as planned (0 or absent: as
   * many as the plan asks). Every plan is simulated with at most that many there; such hours are no plan's
   * to meet and are left out of the hour slots scored (their service levels are still reported).
   */
  rostered?: number[];
}

const CASES: Record<string, StaffingCase> = {
  'staffing-walkin-day': {
    name: 'staffing-walkin-day',
    opens: 9,
    rates: [28, 40, 32, 44, 30, 24, 18],
    meanMinutes: 9,
    cv: 0.6,
    crowd: 0,
    share: 0.8,
    within: 10,
  },
  'staffing-crowd-morning': {
    name: 'staffing-crowd-morning',
    opens: 9,
    rates: [36, 30, 20, 20, 16, 16, 12],
    meanMinutes: 8,
    cv: 0.6,
    crowd: 18,
    share: 0.8,
    within: 10,
  },
  // A morning like the demo's Zijlsingel (a crowd, then a busy second hour) with fewer clerks at opening
  // than it needs (Zijlsingel: 7 at nine, 9 needed): the opening hour overruns, and ten o'clock starts
  // behind its queue (carryover.ts).
  'staffing-short-roster': {
    name: 'staffing-short-roster',
    opens: 9,
    rates: [36, 34, 24, 20, 16, 16, 12],
    meanMinutes: 9,
    cv: 0.6,
    crowd: 18,
    share: 0.8,
    within: 10,
    rostered: [7],
  },
};

/** Walk-ins and appointments: the plan also sets the slots per day (constant weekday pattern of requests). */
interface BothChannelsCase extends StaffingCase {
  /** Appointment requests per working day (Poisson), by weekday Mon–Fri: mean × factor. */
  requestsPerDay: number;
  weekdayFactors: number[];
  /** Opening hours (indices into rates) in which slots are offered. */
  appointmentHours: number[];
  appointmentMinutes: number;
  slotMinutes: number;
  noShowRate: number;
  /** The appointment norm: a slot within this many working days. */
  normWorkingDays: number;
  /** Share of days that must meet it. */
  dayShare: number;
}

const BOTH: Record<string, BothChannelsCase> = {
  'staffing-both-channels': {
    name: 'staffing-both-channels',
    opens: 9,
    rates: [30, 28, 18, 16, 16, 14, 10],
    meanMinutes: 8,
    cv: 0.6,
    crowd: 12,
    share: 0.8,
    within: 10,
    requestsPerDay: 36,
    weekdayFactors: [1.25, 1, 1, 0.95, 0.8],
    appointmentHours: [2, 3, 4, 5, 6],
    appointmentMinutes: 10,
    slotMinutes: 10,
    noShowRate: 0.1,
    normWorkingDays: 5,
    dayShare: 0.9,
  },
};

function hhmm(h: number): string {
  return `${String(h).padStart(2, '0')}:00`;
}

/** Counter k works every hour where the plan has at least k counters (contiguous pieces become shifts). */
function scenarioFor(
  c: StaffingCase,
  plan: number[],
  days: number,
  seed: number,
  appointments?: { perHour: Record<string, number>; meanMinutes: number; noShowRate: number },
): Scenario {
  const close = c.opens + c.rates.length;
  const max = Math.max(1, ...plan);
  const skills = appointments ? ['passport', 'appointment'] : ['passport'];
  const counters: ScenarioInput['counters'] = [];
  for (let k = 1; k <= max; k++) {
    const shifts: [string, string][] = [];
    let start: number | null = null;
    plan.forEach((n, i) => {
      if (n >= k && start === null) start = c.opens + i;
      if (n < k && start !== null) {
        shifts.push([hhmm(start), hhmm(c.opens + i)]);
        start = null;
      }
    });
    if (start !== null) shifts.push([hhmm(start), hhmm(close)]);
    if (shifts.length > 0) counters.push({ id: k, skills, shifts });
  }
  if (counters.length === 0) counters.push({ id: 1, skills, shifts: [[hhmm(close - 1), hhmm(close)]] });
  return parseScenario({
    name: c.name,
    startDate: '2026-09-07',
    days,
    timeZone: 'UTC',
    opensAt: hhmm(c.opens),
    closesAt: hhmm(close),
    walkInFrom: hhmm(c.opens),
    walkInTo: hhmm(close),
    busynessCv: 0,
    walkUpMinutes: WALK_UP_MINUTES,
    doorCrowd: { mean: c.crowd, spreadMinutes: 3 },
    normMinutes: c.within,
    normShare: c.share,
    services: [
      {
        code: 'passport',
        meanMinutes: c.meanMinutes,
        cv: c.cv,
        twoPersonShare: 0,
        walkInPerHour: Object.fromEntries(c.rates.map((r, i) => [String(c.opens + i), r])),
      },
      ...(appointments
        ? [
            {
              code: 'appointment',
              meanMinutes: appointments.meanMinutes,
              cv: 0.5,
              twoPersonShare: 0,
              appointmentsPerHour: appointments.perHour,
            },
          ]
        : []),
    ],
    ...(appointments ? { appointments: { noShowRate: appointments.noShowRate } } : {}),
    counters,
    seed,
  });
}

/** Pooled service level per opening hour over the given seeds. */
function evaluate(
  c: StaffingCase,
  plan: number[],
  days: number,
  seeds: number[],
  appointments?: Parameters<typeof scenarioFor>[4],
): number[] {
  const within = c.rates.map(() => 0);
  const total = c.rates.map(() => 0);
  for (const seed of seeds) {
    const result = simulate(scenarioFor(c, plan, days, seed, appointments), { predict: false, learn: false });
    for (const h of result.hours) {
      const i = h.hour - c.opens;
      if (i < 0 || i >= c.rates.length) continue;
      within[i] = (within[i] ?? 0) + h.withinNorm;
      total[i] = (total[i] ?? 0) + h.walkIns;
    }
  }
  return within.map((w, i) => ((total[i] ?? 0) > 0 ? w / (total[i] ?? 1) : 1));
}

/** Whether the roster fixes hour i's counters (`StaffingCase.rostered`). */
function rosterFixes(c: StaffingCase, i: number): boolean {
  return (c.rostered?.[i] ?? 0) > 0;
}

/** The plan as the office can staff it: at most the rostered counters where the roster fixes the hour. */
function asRostered(c: StaffingCase, plan: readonly number[]): number[] {
  return plan.map((n, i) => (rosterFixes(c, i) ? Math.min(n, c.rostered?.[i] ?? n) : n));
}

/**
 * Greedy: from a generous plan, remove counters hour by hour while every hour still meets the norm (the
 * hours the roster fixes stay as rostered and are not asked to).
 */
function simulationSearch(c: StaffingCase, start: number[], days: number, seeds: number[]): number[] {
  const plan = asRostered(
    c,
    start.map((n) => n + 2),
  );
  const ok = (p: number[]) => evaluate(c, p, days, seeds).every((sl, i) => rosterFixes(c, i) || sl >= c.share);
  for (let i = 0; i < plan.length; i++) {
    while (!rosterFixes(c, i) && (plan[i] ?? 0) > 1) {
      const trial = [...plan];
      trial[i] = (trial[i] ?? 0) - 1;
      if (!ok(trial)) break;
      plan[i] = trial[i] ?? 0;
    }
  }
  return plan;
}

/**
 * Our demand forecast of the hourly rates from 12 weeks of simulated tickets (no knowledge of the crowd):
 * hourly counts for the demand model, and the opening hour's issue times, from which the planner learns
 * the share of that hour who wait at the door (`openingCrowdShare`, as location-forecast.ts does).
 */
function forecastRates(c: StaffingCase, seed: number): { rates: number[]; crowdShare: number } {
  const rng = createRandom(seed * 31 + 7);
  const history: HourlyCount[] = [];
  const openingHours: number[][] = [];
  const origin = '2026-09-07';
  for (let d = addDaysIso(origin, -84); d < origin; d = addDaysIso(d, 1)) {
    if (weekdayOfDate(d) >= 6) continue;
    c.rates.forEach((r, i) => {
      if (i > 0) {
        history.push({ date: d, hour: c.opens + i, count: rng.poisson(r) });
        return;
      }
      // The crowd takes its tickets within the scenario's spread (3 minutes), the hour's walk-ins evenly.
      const crowd = rng.poisson(c.crowd);
      const walkIns = rng.poisson(r);
      const minutes: number[] = [];
      for (let k = 0; k < crowd; k++) minutes.push(rng.next() * 3);
      for (let k = 0; k < walkIns; k++) minutes.push(rng.next() * 60);
      openingHours.push(minutes);
      history.push({ date: d, hour: c.opens, count: crowd + walkIns });
    });
  }
  const f = forecastDemand(history, origin, addDaysIso(origin, 4), { isClosed: () => false });
  const rates = c.rates.map((_, i) => {
    const xs = f.filter((x) => x.hour === c.opens + i);
    return xs.reduce((a, x) => a + x.expected, 0) / Math.max(1, xs.length);
  });
  return { rates, crowdShare: openingCrowdShare(openingHours) };
}

export function runTrack2(
  protocol: Track2Protocol,
  testSeeds: number[],
  mode: 'full' | 'smoke',
  devSeeds: number[] = [1, 2, 3],
): Track2Scenario[] {
  const days = protocol.daysPerEvaluation[mode];
  const seeds = mode === 'smoke' ? testSeeds.slice(0, 2) : testSeeds;
  const search = mode === 'smoke' ? devSeeds.slice(0, 1) : devSeeds;
  const out: Track2Scenario[] = [];
  for (const name of protocol.scenarios) {
    const both = BOTH[name];
    if (both) {
      out.push(runBothChannels(both, days, seeds, search, days));
      continue;
    }
    const c = CASES[name];
    if (!c) throw new Error(`unknown staffing scenario ${name}`);
    const target = { share: c.share, withinMinutes: c.within };
    // Every method knows the office's visits: their mean, their variability and the walk to the counter; ours
    // also the roster (an hour it staffs below the need carries its queue into the next).
    const base = {
      meanServiceMinutes: c.meanMinutes,
      serviceCv: c.cv,
      walkUpMinutes: WALK_UP_MINUTES,
      target,
      ...(c.rostered ? { staffedCounters: c.rostered } : {}),
    };
    // The crowd is arrivals in the opening hour for methods that know no backlog.
    const withCrowd = c.rates.map((r, i) => r + (i === 0 ? c.crowd : 0));
    const forecast = forecastRates(c, seeds[0] ?? 1);
    const plans: Record<string, number[]> = {
      'ours-true-rates': requiredCounters({ ...base, arrivalsPerHour: c.rates, crowdAtOpening: c.crowd }),
      // The planner before the crowd: the forecast opening hour as a rate.
      'ours-forecast': requiredCounters({ ...base, arrivalsPerHour: forecast.rates }),
      // The planner now: the crowd learned from the issue times, its opening hour by the crowd model.
      'ours-forecast-crowd': requiredCountersWithCrowd(
        { ...base, arrivalsPerHour: forecast.rates },
        0,
        forecast.crowdShare,
      ),
      // The same plan as the forecast sizes it beyond the coming week: the opening hour by the sampled
      // model (now), and by the offered load from the crowd (before).
      'ours-months-ahead': requiredCountersWithCrowd(
        { ...base, arrivalsPerHour: forecast.rates, openingModel: 'sampled' },
        0,
        forecast.crowdShare,
      ),
      'ours-months-before': requiredCountersWithCrowd(
        { ...base, arrivalsPerHour: forecast.rates, openingModel: 'load' },
        0,
        forecast.crowdShare,
      ),
      'erlang-c-hourly': requiredCounters({ ...base, arrivalsPerHour: withCrowd, method: 'sipp' }),
      'occupancy-85': requiredCounters({ ...base, arrivalsPerHour: withCrowd, method: 'occupancy' }),
    };
    if (c.rostered) {
      // The same plans as if the roster staffed every hour as needed: nothing carried from a short hour.
      const { staffedCounters: _roster, ...blind } = base;
      plans['ours-true-rates-ignoring-roster'] = requiredCounters({
        ...blind,
        arrivalsPerHour: c.rates,
        crowdAtOpening: c.crowd,
      });
      plans['ours-forecast-crowd-ignoring-roster'] = requiredCountersWithCrowd(
        { ...blind, arrivalsPerHour: forecast.rates },
        0,
        forecast.crowdShare,
      );
    }
    plans['simulation-search'] = simulationSearch(c, plans['ours-true-rates'] ?? [], days, search);
    const searchHours = asRostered(c, plans['simulation-search'] ?? []).reduce((a, b) => a + b, 0);
    const methods: Record<string, Track2Method> = {};
    for (const [m, asked] of Object.entries(plans)) {
      const plan = asRostered(c, asked);
      const sl = evaluate(c, plan, days, seeds);
      const staffHours = plan.reduce((a, b) => a + b, 0);
      const scored = sl.filter((_, i) => !rosterFixes(c, i));
      methods[m] = {
        plan,
        slots: scored.length,
        slotsMet: scored.filter((x) => x >= c.share).length,
        staffHours,
        vsSearch: staffHours / Math.max(1, searchHours) - 1,
        serviceLevels: sl.map((x) => Math.round(x * 1000) / 1000),
      };
    }
    const fixed = c.rostered
      ? `; rostered ${c.rostered
          .map((n, i) => (n > 0 ? `${n} counters at ${hhmm(c.opens + i)}` : ''))
          .filter((x) => x !== '')
          .join(', ')} whatever the plan (simulated so, not scored)`
      : '';
    out.push({ scenario: name, norm: `${c.share * 100} % within ${c.within} min${fixed}`, methods });
  }
  return out;
}

/** Booked visits per hour: the day's expected bookings (at most the slots) spread over the appointment hours. */
function bookedPerHour(c: BothChannelsCase, slots: number): Record<string, number> {
  const booked = Math.min(slots, c.requestsPerDay);
  return Object.fromEntries(c.appointmentHours.map((i) => [String(c.opens + i), booked / c.appointmentHours.length]));
}

/**
 * Booking simulation: each working day's requests (Poisson) take the first free slot from the next working
 * day on. A day meets the norm when every request made on it got a slot within `normWorkingDays`.
 * The first 20 days warm the book up and are not scored.
 */
function appointmentDaysMet(c: BothChannelsCase, slots: number, days: number, seeds: number[]): number {
  const warmUp = 20;
  let met = 0;
  for (const seed of seeds) {
    const rng = createRandom(seed * 7919 + 17);
    const free: number[] = [];
    const total = warmUp + days + c.normWorkingDays + 200;
    for (let d = 0; d < total; d++) free.push(slots);
    let first = 1;
    for (let d = 0; d < warmUp + days; d++) {
      const n = rng.poisson(c.requestsPerDay * (c.weekdayFactors[d % 5] ?? 1));
      let worst = 0;
      first = Math.max(first, d + 1);
      for (let k = 0; k < n; k++) {
        while (first < total && (free[first] ?? 0) <= 0) first++;
        if (first >= total) {
          worst = Number.POSITIVE_INFINITY;
          break;
        }
        free[first] = (free[first] ?? 0) - 1;
        worst = Math.max(worst, first - d);
      }
      if (d >= warmUp && worst <= c.normWorkingDays) met++;
    }
  }
  // Share of the scored days (pooled over the seeds).
  return met / (seeds.length * days);
}

/**
 * Slots per day by the planner's own rule (`slotsForAppointmentNorm`, as server/forecast/location-forecast.ts
 * uses it) on two weeks of expected requests; with the weekday pattern every window of five days has the
 * same mean, so the first day's figure holds for every day.
 */
function plannerSlots(c: BothChannelsCase): number {
  const perBooking = Math.max(1, Math.ceil(c.appointmentMinutes / c.slotMinutes - 1e-9));
  const expected = [...c.weekdayFactors, ...c.weekdayFactors].map((f) => f * c.requestsPerDay);
  return slotsForAppointmentNorm(expected, perBooking, c.normWorkingDays)[0] ?? 0;
}

function runBothChannels(
  c: BothChannelsCase,
  days: number,
  seeds: number[],
  search: number[],
  searchDays: number,
): Track2Scenario {
  const target = { share: c.share, withinMinutes: c.within };
  const base = {
    meanServiceMinutes: c.meanMinutes,
    serviceCv: c.cv,
    walkUpMinutes: WALK_UP_MINUTES,
    appointmentMeanMinutes: c.appointmentMinutes,
    target,
  };
  const withCrowd = c.rates.map((r, i) => r + (i === 0 ? c.crowd : 0));
  const slots = plannerSlots(c);
  const forecast = forecastRates(c, seeds[0] ?? 1);
  // Expected appointment visits' counter-minutes per hour (no-shows do not come).
  const visitMinutes = (n: number) =>
    c.rates.map((_, i) =>
      c.appointmentHours.includes(i)
        ? ((Math.min(n, c.requestsPerDay) * (1 - c.noShowRate)) / c.appointmentHours.length) * c.appointmentMinutes
        : 0,
    );
  const plans: Record<string, { plan: number[]; slots: number }> = {
    'ours-true-rates': {
      plan: requiredCounters({
        ...base,
        arrivalsPerHour: c.rates,
        crowdAtOpening: c.crowd,
        appointmentMinutes: visitMinutes(slots),
      }),
      slots,
    },
    'ours-forecast': {
      plan: requiredCounters({ ...base, arrivalsPerHour: forecast.rates, appointmentMinutes: visitMinutes(slots) }),
      slots,
    },
    'ours-forecast-crowd': {
      plan: requiredCountersWithCrowd(
        { ...base, arrivalsPerHour: forecast.rates, appointmentMinutes: visitMinutes(slots) },
        0,
        forecast.crowdShare,
      ),
      slots,
    },
    'ours-months-ahead': {
      plan: requiredCountersWithCrowd(
        { ...base, arrivalsPerHour: forecast.rates, appointmentMinutes: visitMinutes(slots), openingModel: 'sampled' },
        0,
        forecast.crowdShare,
      ),
      slots,
    },
    'ours-months-before': {
      plan: requiredCountersWithCrowd(
        { ...base, arrivalsPerHour: forecast.rates, appointmentMinutes: visitMinutes(slots), openingModel: 'load' },
        0,
        forecast.crowdShare,
      ),
      slots,
    },
    'erlang-c-hourly': {
      plan: requiredCounters({
        ...base,
        arrivalsPerHour: withCrowd,
        method: 'sipp',
        appointmentMinutes: visitMinutes(slots),
      }),
      slots,
    },
    'occupancy-85': {
      plan: requiredCounters({
        ...base,
        arrivalsPerHour: withCrowd,
        method: 'occupancy',
        appointmentMinutes: visitMinutes(slots),
      }),
      slots,
    },
  };
  // Search: fewest slots that meet the appointment norm on the share of days, then counters hour by hour.
  let searchSlots = slots + 20;
  while (searchSlots > 1 && appointmentDaysMet(c, searchSlots - 1, searchDays, search) >= c.dayShare) searchSlots--;
  const appointments = (n: number) => ({
    perHour: bookedPerHour(c, n),
    meanMinutes: c.appointmentMinutes,
    noShowRate: c.noShowRate,
  });
  const start = (plans['ours-true-rates']?.plan ?? []).map((n) => n + 2);
  const ok = (p: number[]) =>
    evaluate(c, p, searchDays, search, appointments(searchSlots)).every((sl) => sl >= c.share);
  for (let i = 0; i < start.length; i++) {
    while ((start[i] ?? 0) > 1) {
      const trial = [...start];
      trial[i] = (trial[i] ?? 0) - 1;
      if (!ok(trial)) break;
      start[i] = trial[i] ?? 0;
    }
  }
  plans['simulation-search'] = { plan: start, slots: searchSlots };
  const searchHours = start.reduce((a, b) => a + b, 0);
  const methods: Record<string, Track2Method> = {};
  for (const [m, p] of Object.entries(plans)) {
    const sl = evaluate(c, p.plan, days, seeds, appointments(p.slots));
    const staffHours = p.plan.reduce((a, b) => a + b, 0);
    methods[m] = {
      plan: p.plan,
      slots: sl.length,
      slotsMet: sl.filter((x) => x >= c.share).length,
      staffHours,
      vsSearch: staffHours / Math.max(1, searchHours) - 1,
      serviceLevels: sl.map((x) => Math.round(x * 1000) / 1000),
      appointmentSlots: p.slots,
      days,
      daysMet: Math.round(appointmentDaysMet(c, p.slots, days, seeds) * days * 10) / 10,
    };
  }
  return {
    scenario: c.name,
    norm: `${c.share * 100} % of walk-ins within ${c.within} min per hour; every request a slot within ${c.normWorkingDays} working days on ${c.dayShare * 100} % of days`,
    methods,
  };
}
