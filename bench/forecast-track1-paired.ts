/**
 * Track 1 before against after a change to the predictor or its learning, in a minute or two instead of hours:
 *
 *   npx tsx bench/forecast-track1-paired.ts run <out.json> [--dev] [--scenario=a,b]   (in each worktree)
 *   npx tsx bench/forecast-track1-paired.ts compare <before.json> <after.json>
 *
 * `run` scores ours and the queue-length formula only, without the forward-simulation reference (nearly all of a
 * full run's time): the simulated days do not depend on the predictor, so the reference and the baselines are the
 * same on both sides. It writes each walk-in's predictions, our band and the realised wait. `compare` pairs the two
 * files walk-in by walk-in: MAE(after) − MAE(before) with its standard error over seeds (the independent units; see
 * `clusterStandardError`), ours − queue length on each side, the bias, the MAE of the first days, our band's
 * coverage.
 * Test seeds unless `--dev`; tune on the development seeds only (bench/protocol.json).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { simulate } from '../server/forecast/simulator/engine.ts';
import { parseScenario } from '../server/forecast/simulator/scenario.ts';
import { baselines, clusterStandardError, type PairedCell } from './forecast-track1.ts';

interface WalkIn {
  seed: number;
  day: number;
  ours: number;
  ql: number;
  wait: number;
  /** Our band [low, high] (absent in files written before it was recorded). */
  low?: number;
  high?: number;
}

const protocol = JSON.parse(readFileSync('bench/protocol.json', 'utf8'));
const [command, first, second] = process.argv.slice(2);

function run(out: string): void {
  const seeds: number[] = process.argv.includes('--dev') ? protocol.seeds.development : protocol.seeds.test;
  const names: string[] =
    process.argv
      .find((a) => a.startsWith('--scenario='))
      ?.slice('--scenario='.length)
      .split(',') ?? protocol.track1.scenarios;
  const result: Record<string, WalkIn[]> = {};
  const queueLength = baselines(0)['queue-length'];
  if (!queueLength) throw new Error('no queue-length baseline');
  for (const name of names) {
    const raw = JSON.parse(readFileSync(`bench/scenarios/${name}.json`, 'utf8'));
    const rows: WalkIn[] = [];
    for (const seed of seeds) {
      const sim = simulate(parseScenario({ ...raw, seed, days: protocol.track1.days.full }), {
        predictors: { 'queue-length': queueLength },
      });
      const dates = [...new Set(sim.tickets.map((t) => t.serviceDate))].sort();
      for (const t of sim.tickets) {
        if (t.source !== 'kiosk' || t.waitMinutes === null) continue;
        const ours = t.predicted.ours;
        const ql = t.predicted['queue-length'];
        if (ours === undefined || ql === undefined) continue;
        const band = t.band ? { low: t.band.low, high: t.band.high } : {};
        rows.push({ seed, day: dates.indexOf(t.serviceDate), ours, ql, wait: t.waitMinutes, ...band });
      }
    }
    result[name] = rows;
    console.log(
      `${name}: ${rows.length} walk-ins, ours MAE ${mae(rows, 'ours').toFixed(4)}, ` +
        `queue length ${mae(rows, 'ql').toFixed(4)}, band coverage ${coverage(rows)}`,
    );
  }
  writeFileSync(out, `${JSON.stringify(result)}\n`);
}

/** Share of realised waits inside our band, as bench track 1's bandCoverage; '-' when the file has no bands. */
function coverage(rows: WalkIn[]): string {
  const banded = rows.filter((r) => r.low !== undefined && r.high !== undefined);
  if (banded.length === 0) return '-';
  const inside = banded.filter((r) => r.wait >= (r.low as number) && r.wait <= (r.high as number)).length;
  return (inside / banded.length).toFixed(3);
}

function mae(rows: WalkIn[], key: 'ours' | 'ql'): number {
  return rows.reduce((s, r) => s + Math.abs(r[key] - r.wait), 0) / Math.max(1, rows.length);
}

/** Σ (|error a| − |error b|) per seed, over the walk-ins of `pairs`. */
function bySeed(pairs: [WalkIn, number, number][]): PairedCell[] {
  const cells = new Map<number, PairedCell>();
  for (const [w, a, b] of pairs) {
    const c = cells.get(w.seed) ?? { sum: 0, n: 0 };
    c.sum += Math.abs(a - w.wait) - Math.abs(b - w.wait);
    c.n++;
    cells.set(w.seed, c);
  }
  return [...cells.values()];
}

function paired(cells: PairedCell[]): string {
  const n = cells.reduce((s, c) => s + c.n, 0);
  const diff = cells.reduce((s, c) => s + c.sum, 0) / Math.max(1, n);
  const se = clusterStandardError(cells);
  return `${diff >= 0 ? '+' : ''}${diff.toFixed(4)} ± ${se === null ? '-' : se.toFixed(4)}`;
}

function compare(beforeFile: string, afterFile: string): void {
  const before: Record<string, WalkIn[]> = JSON.parse(readFileSync(beforeFile, 'utf8'));
  const after: Record<string, WalkIn[]> = JSON.parse(readFileSync(afterFile, 'utf8'));
  console.log('minutes; ± = standard error over seeds; negative = the first lower');
  for (const [name, b] of Object.entries(after)) {
    const a = before[name];
    if (!a || a.length !== b.length || a.some((w, i) => w.wait !== b[i]?.wait || w.seed !== b[i]?.seed))
      throw new Error(`${name}: the two runs did not simulate the same walk-ins (seeds or scenario differ)`);
    const bias = (rows: WalkIn[]) => rows.reduce((s, r) => s + r.ours - r.wait, 0) / rows.length;
    const days = (rows: WalkIn[], key: 'ours' | 'ql') =>
      [0, 1, 2]
        .map((d) =>
          mae(
            rows.filter((r) => r.day === d),
            key,
          ).toFixed(3),
        )
        .join(' ');
    console.log(`\n  ${name} (${b.length} walk-ins)`);
    console.log(
      `    ours MAE ${mae(a, 'ours').toFixed(4)} → ${mae(b, 'ours').toFixed(4)}: after − before ${paired(
        bySeed(b.map((w, i) => [w, w.ours, (a[i] as WalkIn).ours])),
      )}; bias ${bias(a).toFixed(3)} → ${bias(b).toFixed(3)}`,
    );
    console.log(
      `    ours − queue length: before ${paired(bySeed(a.map((w) => [w, w.ours, w.ql])))}, after ${paired(
        bySeed(b.map((w) => [w, w.ours, w.ql])),
      )}`,
    );
    console.log(`    MAE days 1–3: before ${days(a, 'ours')}, after ${days(b, 'ours')}, queue length ${days(b, 'ql')}`);
    console.log(`    band coverage: before ${coverage(a)}, after ${coverage(b)}`);
  }
}

if (command === 'run' && first) run(first);
else if (command === 'compare' && first && second) compare(first, second);
else
  console.error(
    'usage: forecast-track1-paired.ts run <out.json> [--dev] [--scenario=a,b] | compare <before.json> <after.json>',
  );
