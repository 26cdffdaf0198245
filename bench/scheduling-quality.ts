/**
 * Allocation quality: seeded request streams for realistic offices, accepted by our engine, by naive
 * first-fit (first free skilled counter by id, no moves), and an upper bound (the offline optimum
 * from an exact MIP where HiGHS proves it within the time limit, else the LP relaxation, which is a
 * valid bound). Requests have a fixed start (the time the resident asked for) and arrive in random
 * order, as bookings do. Scenario shapes and demand levels were fixed before looking at results.
 */
import highsLoader from 'highs';
import {
  DayAllocator,
  type EngineCounter,
  type EngineOptions,
  type EngineRequest,
  findViolations,
} from '../server/scheduling/allocation.ts';
import type { CounterWindow } from '../server/scheduling/calendar.ts';

const M = 60_000;
// Services: 1 passport 10', 2 id-card 10', 3 driving-licence 5', 4 pickup 5', 5 birth 15' (docs/facts.md).
const MINUTES: Record<number, number> = { 1: 10, 2: 10, 3: 5, 4: 5, 5: 15 };
const PROFILES: Record<string, number[]> = {
  all: [1, 2, 3, 4, 5],
  travel: [1, 2, 3, 4],
  documents: [1, 2],
  licence: [3, 4],
  birth: [1, 5],
};
/** Request mix (weights) as [service, persons][]: most single passports and ID cards. */
const MIX: { weight: number; items: [number, number][] }[] = [
  { weight: 28, items: [[1, 1]] },
  { weight: 9, items: [[1, 2]] },
  { weight: 3, items: [[1, 3]] },
  { weight: 15, items: [[2, 1]] },
  { weight: 4, items: [[2, 2]] },
  {
    weight: 5,
    items: [
      [1, 1],
      [2, 1],
    ],
  },
  { weight: 14, items: [[3, 1]] },
  { weight: 3, items: [[3, 2]] },
  { weight: 8, items: [[4, 1]] },
  { weight: 3, items: [[4, 2]] },
  { weight: 3, items: [[5, 1]] },
  {
    weight: 5,
    items: [
      [2, 1],
      [3, 1],
    ],
  },
];

interface CounterSpec {
  profile: keyof typeof PROFILES;
  from: string;
  to: string;
  mode?: 'appointments' | 'both';
}
interface OfficeSpec {
  name: string;
  counters: CounterSpec[];
}

export const OFFICES: OfficeSpec[] = [
  {
    name: 'zijlsingel-7',
    counters: [
      { profile: 'all', from: '11:00', to: '16:00' },
      { profile: 'travel', from: '11:00', to: '16:00' },
      { profile: 'travel', from: '11:00', to: '16:00' },
      { profile: 'documents', from: '11:00', to: '16:00' },
      { profile: 'documents', from: '11:00', to: '16:00' },
      { profile: 'licence', from: '11:00', to: '16:00', mode: 'both' },
      { profile: 'birth', from: '11:00', to: '16:00' },
    ],
  },
  {
    name: 'specialised-6',
    counters: [
      { profile: 'documents', from: '09:00', to: '13:00' },
      { profile: 'documents', from: '09:00', to: '13:00' },
      { profile: 'licence', from: '09:00', to: '13:00' },
      { profile: 'licence', from: '09:00', to: '13:00' },
      { profile: 'travel', from: '09:00', to: '13:00' },
      { profile: 'birth', from: '09:00', to: '13:00' },
    ],
  },
  {
    name: 'mixed-10-parttime',
    counters: [
      { profile: 'all', from: '09:00', to: '16:00' },
      { profile: 'travel', from: '09:00', to: '16:00' },
      { profile: 'travel', from: '09:00', to: '12:30' },
      { profile: 'travel', from: '12:30', to: '16:00' },
      { profile: 'documents', from: '09:00', to: '16:00' },
      { profile: 'documents', from: '09:00', to: '12:30' },
      { profile: 'documents', from: '12:30', to: '16:00' },
      { profile: 'licence', from: '09:00', to: '16:00' },
      { profile: 'licence', from: '09:00', to: '16:00', mode: 'both' },
      { profile: 'birth', from: '10:00', to: '14:00' },
    ],
  },
  {
    name: 'evening-12',
    counters: [
      { profile: 'all', from: '11:00', to: '20:00' },
      { profile: 'all', from: '11:00', to: '16:00' },
      { profile: 'travel', from: '11:00', to: '20:00' },
      { profile: 'travel', from: '11:00', to: '16:00' },
      { profile: 'travel', from: '16:00', to: '20:00' },
      { profile: 'documents', from: '11:00', to: '16:00' },
      { profile: 'documents', from: '11:00', to: '16:00' },
      { profile: 'documents', from: '13:00', to: '20:00' },
      { profile: 'licence', from: '11:00', to: '16:00' },
      { profile: 'licence', from: '11:00', to: '20:00', mode: 'both' },
      { profile: 'licence', from: '11:00', to: '14:00' },
      { profile: 'birth', from: '11:00', to: '16:00' },
    ],
  },
];

export const LOADS = [0.9, 1.2, 1.6];
export const SEEDS = [101, 202, 303];
const WALK_IN_SHARE = 0.2;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

export interface Instance {
  office: string;
  load: number;
  seed: number;
  counters: EngineCounter[];
  requests: EngineRequest[];
  capacityMinutes: number;
}

export function buildInstance(office: OfficeSpec, load: number, seed: number): Instance {
  const random = rng(seed * 7919 + Math.round(load * 100));
  const counters: EngineCounter[] = office.counters.map((c, k) => ({
    id: k + 1,
    skills: new Set(PROFILES[c.profile]),
    windows: [
      { start: minutesOf(c.from) * M, end: minutesOf(c.to) * M, mode: c.mode ?? 'appointments' } as CounterWindow,
    ],
  }));
  const capacityMinutes = office.counters.reduce(
    (s, c) => s + (minutesOf(c.to) - minutesOf(c.from)) * (c.mode === 'both' ? 1 - WALK_IN_SHARE : 1),
    0,
  );
  const open = Math.min(...office.counters.map((c) => minutesOf(c.from)));
  const close = Math.max(...office.counters.map((c) => minutesOf(c.to)));
  const totalWeight = MIX.reduce((s, m) => s + m.weight, 0);
  const requests: EngineRequest[] = [];
  let demand = 0;
  while (demand < load * capacityMinutes) {
    const pick = random() * totalWeight;
    let cumulative = 0;
    const mix =
      MIX.find((m) => {
        cumulative += m.weight;
        return pick < cumulative;
      }) ?? (MIX[0] as (typeof MIX)[number]);
    const duration = Math.ceil(mix.items.reduce((s, [svc, n]) => s + (MINUTES[svc] ?? 10) * n, 0) / 5) * 5;
    // Residents ask for any grid time in the office's appointment hours that leaves room for the visit.
    const slots = Math.floor((close - open - duration) / 5) + 1;
    const start = open + Math.floor(random() * slots) * 5;
    requests.push({ start: start * M, end: (start + duration) * M, serviceIds: mix.items.map(([svc]) => svc) });
    demand += duration;
  }
  return { office: office.name, load, seed, counters, requests, capacityMinutes };
}

export function runOnline(instance: Instance, options: Omit<EngineOptions, 'walkInShare'>) {
  const engine = new DayAllocator(instance.counters, [], { walkInShare: WALK_IN_SHARE, ...options });
  let accepted = 0;
  let moves = 0;
  const placed: { id: number; request: EngineRequest }[] = [];
  instance.requests.forEach((request, k) => {
    const p = engine.commit(request, k + 1);
    if (p) {
      accepted++;
      moves += p.moves.length;
      placed.push({ id: k + 1, request });
    }
  });
  assertValid(engine, instance, placed);
  return { accepted, moves };
}

/** The engine's placements broke no rule (findViolations): a bench of an invalid plan would measure nothing. */
function assertValid(engine: DayAllocator, instance: Instance, placed: { id: number; request: EngineRequest }[]) {
  const where = engine.assignment();
  const violations = findViolations(
    instance.counters,
    placed.map(({ id, request }) => ({ id, ...request, counterId: where.get(id) ?? -1, movable: true })),
    WALK_IN_SHARE,
  );
  if (violations.length > 0) throw new Error(`invalid assignment: ${violations[0]}`);
}

/** A 0/1 variable of the offline programs: request `r` served on counter `c` from `start` to `end`. */
interface LpVar {
  name: string;
  r: number;
  c: EngineCounter;
  start: number;
  end: number;
}

/** A sum in CPLEX LP format, twelve terms a line. */
function lpSum(names: string[]): string {
  const lines: string[] = [];
  for (let k = 0; k < names.length; k += 12) lines.push(names.slice(k, k + 12).join(' + '));
  return lines.join('\n + ');
}

/** Each request served at most once. */
function requestRows(vars: readonly LpVar[]): string[] {
  const byRequest = new Map<number, string[]>();
  for (const v of vars) byRequest.set(v.r, [...(byRequest.get(v.r) ?? []), v.name]);
  return [...byRequest].map(([r, names]) => ` r${r}: ${lpSum(names)} <= 1`);
}

/** In a window open to appointments and walk-ins, appointments leave the walk-ins' share free. */
function budgetRows(c: EngineCounter, mine: readonly LpVar[]): string[] {
  const rows: string[] = [];
  c.windows.forEach((w, k) => {
    if (w.mode !== 'both') return;
    const budget = Math.floor(((w.end - w.start) / M) * (1 - WALK_IN_SHARE));
    const terms = mine.map((v) => `${(Math.min(v.end, w.end) - Math.max(v.start, w.start)) / M} ${v.name}`);
    if (terms.length > 0) rows.push(` b${c.id}_${k}: ${lpSum(terms)} <= ${budget}`);
  });
  return rows;
}

/** The program: as many requests served as possible; `integral` makes it the MIP, else its LP relaxation. */
function lpText(vars: readonly LpVar[], rows: readonly string[], integral: boolean): string {
  return [
    'Maximize',
    ` obj: ${lpSum(vars.map((v) => v.name))}`,
    'Subject To',
    ...rows,
    'Bounds',
    ...vars.map((v) => ` 0 <= ${v.name} <= 1`),
    ...(integral ? ['General', ...vars.map((v) => ` ${v.name}`)] : []),
    'End',
  ].join('\n');
}

type Highs = Awaited<ReturnType<typeof highsLoader>>;
let highs: Highs | null = null;

/** The offline optimum as a 0/1 program: each request on at most one eligible counter, no overlap. */
function model(instance: Instance, integral: boolean): string {
  const vars: LpVar[] = [];
  instance.requests.forEach((r, ri) => {
    for (const c of instance.counters) {
      if (!r.serviceIds.every((s) => c.skills.has(s))) continue;
      if (!c.windows.some((w) => w.start <= r.start && r.end <= w.end)) continue;
      vars.push({ name: `x${ri}_${c.id}`, r: ri, c, start: r.start, end: r.end });
    }
  });
  const rows: string[] = [];
  rows.push(...requestRows(vars));
  for (const c of instance.counters) {
    const mine = vars.filter((v) => v.c === c);
    // Interval cliques: at each start time, the requests covering it share the counter.
    const points = [...new Set(mine.map((v) => instance.requests[v.r]?.start ?? 0))];
    const seen = new Set<string>();
    for (const t of points) {
      const covering = mine.filter((v) => {
        const r = instance.requests[v.r];
        return r !== undefined && r.start <= t && t < r.end;
      });
      if (covering.length < 2) continue;
      const key = covering.map((v) => v.name).join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      rows.push(` c${c.id}_${t / M}: ${lpSum(covering.map((v) => v.name))} <= 1`);
    }
    rows.push(...budgetRows(c, mine));
  }
  return lpText(vars, rows, integral);
}

export async function upperBound(instance: Instance, timeLimit: number) {
  highs ??= await highsLoader();
  const lp = highs.solve(model(instance, false), { time_limit: timeLimit, output_flag: false } as never);
  const lpBound = Math.floor(lp.ObjectiveValue + 1e-6);
  const mip = highs.solve(model(instance, true), { time_limit: timeLimit, output_flag: false } as never);
  if (mip.Status === 'Optimal') return { bound: Math.round(mip.ObjectiveValue), kind: 'exact' as const, lpBound };
  return { bound: lpBound, kind: 'lp' as const, lpBound };
}

/**
 * The best any first-come-first-served engine can do: accept a request exactly when it fits
 * together with everything accepted before (checked with an exact MIP per request).
 */
export async function onlineCeiling(instance: Instance): Promise<number> {
  const accepted: EngineRequest[] = [];
  for (const request of instance.requests) {
    const trial = { ...instance, requests: [...accepted, request] };
    const { bound, kind } = await upperBound(trial, 20);
    if (kind === 'exact' && bound === trial.requests.length) accepted.push(request);
  }
  return accepted.length;
}

/**
 * Flexible residents: each accepts any start within ±`toleranceMinutes` of the time asked for and
 * takes the offered time closest to it. What the system offers is then a policy:
 * - `first-fit`: every time where the first free skilled counter (no moves) fits;
 * - `ours-all`: every time our engine can fit (with moves);
 * - `ours-tight`: of those, only the times that leave the least idle gap on the counter the engine
 *   would use (best fit), so the day packs without holes.
 */
export type OfferPolicy = 'first-fit' | 'ours-all' | 'ours-tight';

function startsAround(instance: Instance, request: EngineRequest, toleranceMinutes: number): number[] {
  const duration = request.end - request.start;
  const open = Math.min(...instance.counters.flatMap((c) => c.windows.map((w) => w.start)));
  const close = Math.max(...instance.counters.flatMap((c) => c.windows.map((w) => w.end)));
  const out: number[] = [];
  for (let t = request.start - toleranceMinutes * M; t <= request.start + toleranceMinutes * M; t += 5 * M) {
    if (t >= open && t + duration <= close) out.push(t);
  }
  return out.sort((a, b) => Math.abs(a - request.start) - Math.abs(b - request.start) || a - b);
}

export function runFlexible(instance: Instance, toleranceMinutes: number, policy: OfferPolicy) {
  const engine = new DayAllocator(
    instance.counters,
    [],
    policy === 'first-fit'
      ? { walkInShare: WALK_IN_SHARE, allowMoves: false, choice: 'first' }
      : { walkInShare: WALK_IN_SHARE },
  );
  const placed: { id: number; request: EngineRequest }[] = [];
  instance.requests.forEach((asked, k) => {
    const duration = asked.end - asked.start;
    const options: { start: number; gap: number }[] = [];
    for (const start of startsAround(instance, asked, toleranceMinutes)) {
      const request = { start, end: start + duration, serviceIds: asked.serviceIds };
      const p = engine.probe(request);
      if (!p) continue;
      if (policy !== 'ours-tight') {
        options.push({ start, gap: 0 });
        break;
      }
      options.push({ start, gap: idleGap(engine, instance, p.counterId, request, placed) });
    }
    if (options.length === 0) return;
    const best = Math.min(...options.map((o) => o.gap));
    // The resident takes the offered time closest to the one asked for (options are in that order).
    const chosen = options.find((o) => o.gap === best) as { start: number };
    const request = { start: chosen.start, end: chosen.start + duration, serviceIds: asked.serviceIds };
    if (engine.commit(request, k + 1)) placed.push({ id: k + 1, request });
  });
  assertValid(engine, instance, placed);
  return { accepted: placed.length };
}

/** Idle minutes the request would leave before and after it on the counter (to a neighbour or the window edge). */
function idleGap(
  engine: DayAllocator,
  instance: Instance,
  counterId: number,
  request: EngineRequest,
  placed: { id: number; request: EngineRequest }[],
): number {
  const where = engine.assignment();
  const counter = instance.counters.find((c) => c.id === counterId);
  const window = counter?.windows.find((w) => w.start <= request.start && request.end <= w.end);
  let before = window ? request.start - window.start : 0;
  let after = window ? window.end - request.end : 0;
  for (const p of placed) {
    if (where.get(p.id) !== counterId) continue;
    if (p.request.end <= request.start) before = Math.min(before, request.start - p.request.end);
    if (p.request.start >= request.end) after = Math.min(after, p.request.start - request.end);
  }
  return Math.min(before, after) / M;
}

/** Offline optimum with flexible starts: x[r, c, t] for every start t within the tolerance. */
function flexibleModel(instance: Instance, toleranceMinutes: number, integral: boolean): string {
  const vars: LpVar[] = [];
  instance.requests.forEach((asked, ri) => {
    const duration = asked.end - asked.start;
    for (const start of startsAround(instance, asked, toleranceMinutes)) {
      const end = start + duration;
      for (const c of instance.counters) {
        if (!asked.serviceIds.every((s) => c.skills.has(s))) continue;
        if (!c.windows.some((w) => w.start <= start && end <= w.end)) continue;
        vars.push({ name: `x${ri}_${c.id}_${start / M}`, r: ri, c, start, end });
      }
    }
  });
  const rows: string[] = [];
  rows.push(...requestRows(vars));
  for (const c of instance.counters) {
    const mine = vars.filter((v) => v.c === c);
    const points = [...new Set(mine.map((v) => v.start))];
    for (const t of points) {
      const covering = mine.filter((v) => v.start <= t && t < v.end);
      if (covering.length >= 2) rows.push(` c${c.id}_${t / M}: ${lpSum(covering.map((v) => v.name))} <= 1`);
    }
    rows.push(...budgetRows(c, mine));
  }
  return lpText(vars, rows, integral);
}

/** LP relaxation always (a valid bound); the exact MIP only when `exact` (it is large: requests × starts × counters). */
export async function flexibleUpperBound(
  instance: Instance,
  toleranceMinutes: number,
  timeLimit: number,
  exact: boolean,
) {
  highs ??= await highsLoader();
  const lp = highs.solve(flexibleModel(instance, toleranceMinutes, false), {
    time_limit: timeLimit,
    output_flag: false,
  } as never);
  const lpBound = Math.floor(lp.ObjectiveValue + 1e-6);
  if (!exact) return { bound: lpBound, kind: 'lp' as const, lpBound };
  const mip = highs.solve(flexibleModel(instance, toleranceMinutes, true), {
    time_limit: timeLimit,
    output_flag: false,
  } as never);
  if (mip.Status === 'Optimal') return { bound: Math.round(mip.ObjectiveValue), kind: 'exact' as const, lpBound };
  return { bound: lpBound, kind: 'lp' as const, lpBound };
}
