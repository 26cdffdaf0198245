/**
 * Track 2: staffing. A plan (counters per opening hour) is turned into counter shifts and simulated;
 * an hour slot meets the norm when the share of its walk-ins called within the norm, pooled over the
 * simulated days, reaches the target. Methods: ours (modified offered load + crowd backlog, exact
 * Erlang) from the true rates and from our demand forecast, plain hour-by-hour Erlang C, a naive
 * 85 % occupancy rule, and a greedy simulation search (on development seeds, scored on test seeds).
 */
import { addDaysIso, forecastDemand, type HourlyCount, weekdayOfDate } from '../server/forecast/demand.ts';
import { simulate } from '../server/forecast/simulator/engine.ts';
import { parseScenario, type Scenario, type ScenarioInput } from '../server/forecast/simulator/scenario.ts';
import { requiredCounters } from '../server/forecast/staffing.ts';
import { createRandom } from '../server/random.ts';

interface Track2Protocol {
  scenarios: string[];
  daysPerEvaluation: { full: number; smoke: number };
  methods: string[];
}

export interface Track2Method {
  plan: number[];
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
};

function hhmm(h: number): string {
  return `${String(h).padStart(2, '0')}:00`;
}

/** Counter k works every hour where the plan has at least k counters (contiguous pieces become shifts). */
function scenarioFor(c: StaffingCase, plan: number[], days: number, seed: number): Scenario {
  const close = c.opens + c.rates.length;
  const max = Math.max(1, ...plan);
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
    if (shifts.length > 0) counters.push({ id: k, skills: ['passport'], shifts });
  }
  if (counters.length === 0) counters.push({ id: 1, skills: ['passport'], shifts: [[hhmm(close - 1), hhmm(close)]] });
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
    ],
    counters,
    seed,
  });
}

/** Pooled service level per opening hour over the given seeds. */
function evaluate(c: StaffingCase, plan: number[], days: number, seeds: number[]): number[] {
  const within = c.rates.map(() => 0);
  const total = c.rates.map(() => 0);
  for (const seed of seeds) {
    const result = simulate(scenarioFor(c, plan, days, seed), { predict: false, learn: false });
    for (const h of result.hours) {
      const i = h.hour - c.opens;
      if (i < 0 || i >= c.rates.length) continue;
      within[i] = (within[i] ?? 0) + h.withinNorm;
      total[i] = (total[i] ?? 0) + h.walkIns;
    }
  }
  return within.map((w, i) => ((total[i] ?? 0) > 0 ? w / (total[i] ?? 1) : 1));
}

/** Greedy: from a generous plan, remove counters hour by hour while every hour still meets the norm. */
function simulationSearch(c: StaffingCase, start: number[], days: number, seeds: number[]): number[] {
  const plan = start.map((n) => n + 2);
  const ok = (p: number[]) => evaluate(c, p, days, seeds).every((sl) => sl >= c.share);
  for (let i = 0; i < plan.length; i++) {
    while ((plan[i] ?? 0) > 1) {
      const trial = [...plan];
      trial[i] = (trial[i] ?? 0) - 1;
      if (!ok(trial)) break;
      plan[i] = trial[i] ?? 0;
    }
  }
  return plan;
}

/** Our demand forecast of the hourly rates from 12 weeks of simulated hourly counts (no crowd knowledge). */
function forecastRates(c: StaffingCase, seed: number): number[] {
  const rng = createRandom(seed * 31 + 7);
  const history: HourlyCount[] = [];
  const origin = '2026-09-07';
  for (let d = addDaysIso(origin, -84); d < origin; d = addDaysIso(d, 1)) {
    if (weekdayOfDate(d) >= 6) continue;
    c.rates.forEach((r, i) => {
      history.push({ date: d, hour: c.opens + i, count: rng.poisson(r + (i === 0 ? c.crowd : 0)) });
    });
  }
  const f = forecastDemand(history, origin, addDaysIso(origin, 4), { isClosed: () => false });
  return c.rates.map((_, i) => {
    const xs = f.filter((x) => x.hour === c.opens + i);
    return xs.reduce((a, x) => a + x.expected, 0) / Math.max(1, xs.length);
  });
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
    const c = CASES[name];
    if (!c) throw new Error(`unknown staffing scenario ${name}`);
    const target = { share: c.share, withinMinutes: c.within };
    const base = { meanServiceMinutes: c.meanMinutes, target };
    // The crowd is arrivals in the opening hour for methods that know no backlog.
    const withCrowd = c.rates.map((r, i) => r + (i === 0 ? c.crowd : 0));
    const plans: Record<string, number[]> = {
      'ours-true-rates': requiredCounters({ ...base, arrivalsPerHour: c.rates, crowdAtOpening: c.crowd }),
      'ours-forecast': requiredCounters({ ...base, arrivalsPerHour: forecastRates(c, seeds[0] ?? 1) }),
      'erlang-c-hourly': requiredCounters({ ...base, arrivalsPerHour: withCrowd, method: 'sipp' }),
      'occupancy-85': requiredCounters({ ...base, arrivalsPerHour: withCrowd, method: 'occupancy' }),
    };
    plans['simulation-search'] = simulationSearch(c, plans['ours-true-rates'] ?? [], days, search);
    const searchHours = (plans['simulation-search'] ?? []).reduce((a, b) => a + b, 0);
    const methods: Record<string, Track2Method> = {};
    for (const [m, plan] of Object.entries(plans)) {
      const sl = evaluate(c, plan, days, seeds);
      const staffHours = plan.reduce((a, b) => a + b, 0);
      methods[m] = {
        plan,
        slots: sl.length,
        slotsMet: sl.filter((x) => x >= c.share).length,
        staffHours,
        vsSearch: staffHours / Math.max(1, searchHours) - 1,
        serviceLevels: sl.map((x) => Math.round(x * 1000) / 1000),
      };
    }
    out.push({ scenario: name, norm: `${c.share * 100} % within ${c.within} min`, methods });
  }
  return out;
}
