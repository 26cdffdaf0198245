/**
 * Track 1: live wait prediction. Each walk-in is predicted at issue by our predictor and by the
 * baselines of bench/protocol.json; the realised wait is the time to its first call.
 */
import { readFileSync } from 'node:fs';
import { type IssueContext, type IssuePredictor, simulate } from '../server/forecast/simulator/engine.ts';
import { parseScenario } from '../server/forecast/simulator/scenario.ts';
import { bandKeyFor } from '../server/queue/predictor.ts';

export interface MethodScore {
  n: number;
  mae: number;
  medianAe: number;
  bias: number;
  within5: number;
  /** Share of realised waits inside the predicted band [low, high] (ours only). */
  bandCoverage: number | null;
  /** Share where the realised wait falls in the same display band as the prediction. */
  sameBand: number;
}

export interface Track1Scenario {
  scenario: string;
  walkIns: number;
  abandoned: number;
  meanWait: number;
  methods: Record<string, MethodScore>;
  /**
   * MAE per method by the day of the run a walk-in came on (index 0 = the first simulated day, pooled over
   * seeds): learned service times start from the configured minutes and settle over the first day.
   */
  maeByDay: Record<string, number[]>;
  /** Ours against each other method, paired walk-in by walk-in (see `pairedDifference`). */
  oursVersus: Record<string, PairedDifference>;
  qlRelativeSquaredError?: number;
}

/**
 * The paired difference MAE(ours) − MAE(other) over the same walk-ins, with its standard error over
 * independent units. The seeds are independent replications (each its own random streams and its own
 * learned state), so `seBySeed` decides the verdict. The days within a seed are not independent: they
 * share the service times and patience learned from the earlier days' log, and the first day's
 * learning is alike in every seed. `seBySeedDay` treats each seed's day as a unit and is shown only for
 * comparison.
 */
export interface PairedDifference {
  /** MAE(ours) − MAE(other), minutes; negative = ours ahead. Equal to the difference of the pooled MAEs. */
  diff: number;
  /** Null with fewer than two units (a smoke run's one seed). */
  seBySeed: number | null;
  seBySeedDay: number | null;
  seeds: number;
  verdict: 'ahead' | 'behind' | 'within noise';
}

/** Per unit (seed, or seed and day): Σ (|error ours| − |error other|) over its walk-ins, and their number. */
export interface PairedCell {
  sum: number;
  n: number;
}

/**
 * The standard error of a pooled mean Σ sum / Σ n when the units, not the walk-ins, are independent: the
 * cluster-robust (ratio-estimator) variance k/(k−1) · Σ (sumᵤ − nᵤ·D)² / N². Walk-ins of one day share its
 * crowd and its queue, so treating them as independent would understate the error many times over.
 */
export function clusterStandardError(cells: PairedCell[]): number | null {
  const used = cells.filter((c) => c.n > 0);
  const n = used.reduce((a, c) => a + c.n, 0);
  if (used.length < 2) return null;
  const mean = used.reduce((a, c) => a + c.sum, 0) / n;
  const ss = used.reduce((a, c) => a + (c.sum - c.n * mean) ** 2, 0);
  return Math.sqrt((used.length / (used.length - 1)) * ss) / n;
}

/**
 * `cells[seed][day]` → the paired difference. The verdict needs |diff| ≥ 2 standard errors over seeds;
 * with five seeds (four degrees of freedom) the two-sided 5 % point of Student's t is 2.78, so "ahead"
 * at 2 SE is a lenient call (about 89 % confidence), and "within noise" means the seeds cannot say.
 */
export function pairedDifference(cells: PairedCell[][]): PairedDifference {
  const bySeed = cells.map((days) => ({
    sum: days.reduce((a, c) => a + c.sum, 0),
    n: days.reduce((a, c) => a + c.n, 0),
  }));
  const n = bySeed.reduce((a, c) => a + c.n, 0);
  const diff = n === 0 ? 0 : bySeed.reduce((a, c) => a + c.sum, 0) / n;
  const seBySeed = clusterStandardError(bySeed);
  const verdict = seBySeed === null || Math.abs(diff) < 2 * seBySeed ? 'within noise' : diff < 0 ? 'ahead' : 'behind';
  return {
    diff,
    seBySeed,
    seBySeedDay: clusterStandardError(cells.flat()),
    seeds: bySeed.filter((c) => c.n > 0).length,
    verdict,
  };
}

const openCounters = (ctx: IssueContext, code?: string) =>
  ctx.input.counters.filter((c) => c.state === 'open' && (!code || c.skills.includes(code))).length;

function lastWaits(ctx: IssueContext, code: string, n: number): number[] {
  const out: number[] = [];
  for (let i = ctx.history.length - 1; i >= 0 && out.length < n; i--) {
    const h = ctx.history[i];
    if (h && h.code === code) out.push(h.minutes);
  }
  return out;
}

export function baselines(reps: number): Record<string, IssuePredictor> {
  return {
    zero: () => 0,
    'global-mean': (ctx) =>
      ctx.history.length === 0 ? 0 : ctx.history.reduce((a, h) => a + h.minutes, 0) / ctx.history.length,
    'position-x-mean': (ctx) => {
      const code = ctx.ticket.services[0]?.code ?? '';
      const position = ctx.input.tickets.length;
      return (position * (ctx.configuredMinutes[code] ?? 10)) / Math.max(1, openCounters(ctx));
    },
    'last-10': (ctx) => {
      const w = lastWaits(ctx, ctx.ticket.services[0]?.code ?? '', 10);
      return w.length === 0 ? 0 : w.reduce((a, b) => a + b, 0) / w.length;
    },
    'last-to-enter-service': (ctx) => lastWaits(ctx, ctx.ticket.services[0]?.code ?? '', 1)[0] ?? 0,
    'queue-length': (ctx) => {
      const code = ctx.ticket.services[0]?.code ?? '';
      const ahead = ctx.input.tickets.filter(
        (t) => t.id !== ctx.ticket.id && t.services.some((s) => s.code === code),
      ).length;
      const serving = openCounters(ctx, code);
      if (serving === 0) return 60;
      const busy = ctx.input.counters.filter((c) => c.state === 'open' && c.skills.includes(code) && c.current).length;
      // Nobody ahead and a free counter: called right away.
      if (ahead === 0 && busy < serving) return 0;
      return ((ahead + 1) * (ctx.configuredMinutes[code] ?? 10)) / serving;
    },
    reference: (ctx) => ctx.reference(reps),
  };
}

function score(pairs: { p: number; a: number; low?: number; high?: number }[]): MethodScore {
  const errors = pairs.map(({ p, a }) => p - a);
  const abs = errors.map(Math.abs).sort((x, y) => x - y);
  const n = pairs.length;
  const withBand = pairs.filter((x) => x.low !== undefined);
  return {
    n,
    mae: abs.reduce((s, x) => s + x, 0) / n,
    medianAe: abs[Math.floor(n / 2)] ?? 0,
    bias: errors.reduce((s, x) => s + x, 0) / n,
    within5: abs.filter((x) => x <= 5).length / n,
    bandCoverage:
      withBand.length === 0
        ? null
        : withBand.filter((x) => x.a >= (x.low ?? 0) && x.a <= (x.high ?? 0)).length / withBand.length,
    sameBand: pairs.filter(({ p, a }) => bandKeyFor(p) === bandKeyFor(a)).length / n,
  };
}

export function runTrack1(names: string[], seeds: number[], days: number, reps: number): Track1Scenario[] {
  const out: Track1Scenario[] = [];
  for (const name of names) {
    const raw = JSON.parse(readFileSync(`bench/scenarios/${name}.json`, 'utf8'));
    const pairs: Record<string, { p: number; a: number; low?: number; high?: number }[]> = {};
    const byDay: Record<string, { sum: number; n: number }[]> = {};
    // paired[method][seed][day]: ours against that method on the walk-ins both predicted.
    const paired: Record<string, PairedCell[][]> = {};
    let walkIns = 0;
    let abandoned = 0;
    let waitSum = 0;
    let qlSq = 0;
    let qlN = 0;
    let qlWait = 0;
    for (const [seedIndex, seed] of seeds.entries()) {
      const sc = parseScenario({ ...raw, seed, days });
      const result = simulate(sc, { predictors: baselines(reps) });
      const dates = [...new Set(result.tickets.map((t) => t.serviceDate))].sort();
      for (const t of result.tickets) {
        if (t.source !== 'kiosk') continue;
        walkIns++;
        if (t.waitMinutes === null) {
          abandoned++;
          continue;
        }
        waitSum += t.waitMinutes;
        for (const [method, p] of Object.entries(t.predicted)) {
          const list = pairs[method] ?? [];
          pairs[method] = list;
          list.push(
            method === 'ours' && t.band
              ? { p, a: t.waitMinutes, low: t.band.low, high: t.band.high }
              : { p, a: t.waitMinutes },
          );
          const days = byDay[method] ?? [];
          byDay[method] = days;
          const day = dates.indexOf(t.serviceDate);
          while (days.length <= day) days.push({ sum: 0, n: 0 });
          const cell = days[day] as { sum: number; n: number };
          cell.sum += Math.abs(p - t.waitMinutes);
          cell.n++;
        }
        const ours = t.predicted.ours;
        if (ours !== undefined) {
          const day = dates.indexOf(t.serviceDate);
          for (const [method, p] of Object.entries(t.predicted)) {
            if (method === 'ours') continue;
            const bySeed = paired[method] ?? [];
            paired[method] = bySeed;
            const days = bySeed[seedIndex] ?? [];
            bySeed[seedIndex] = days;
            while (days.length <= day) days.push({ sum: 0, n: 0 });
            const cell = days[day] as PairedCell;
            cell.sum += Math.abs(ours - t.waitMinutes) - Math.abs(p - t.waitMinutes);
            cell.n++;
          }
        }
        const ql = t.predicted['queue-length'];
        if (ql !== undefined && ql > 0) {
          qlSq += (t.waitMinutes - ql) ** 2;
          qlWait += t.waitMinutes;
          qlN++;
        }
      }
    }
    const methods: Record<string, MethodScore> = {};
    for (const [m, list] of Object.entries(pairs)) methods[m] = score(list);
    const entry: Track1Scenario = {
      scenario: name,
      walkIns,
      abandoned,
      meanWait: waitSum / Math.max(1, walkIns - abandoned),
      methods,
      maeByDay: Object.fromEntries(
        Object.entries(byDay).map(([m, days]) => [
          m,
          days.map((d) => (d.n === 0 ? 0 : Math.round((d.sum / d.n) * 1e4) / 1e4)),
        ]),
      ),
      oursVersus: Object.fromEntries(
        Object.entries(paired).map(([m, bySeed]) => {
          const r = pairedDifference(seeds.map((_, i) => bySeed[i] ?? []));
          const round = <T extends number | null>(x: T) => (x === null ? x : Math.round(x * 1e5) / 1e5) as T;
          return [m, { ...r, diff: round(r.diff), seBySeed: round(r.seBySeed), seBySeedDay: round(r.seBySeedDay) }];
        }),
      ),
    };
    if (name === 'mms-stationary' && qlN > 0) entry.qlRelativeSquaredError = qlSq / qlN / (qlWait / qlN) ** 2;
    out.push(entry);
  }
  return out;
}
