/**
 * Part 4's booking row alone (`npm run bench:scale -- --booking-row [--rounds=N]`): the node's CPU per
 * POST /appointments against the bare hono + SQLite insert endpoint, `bookingCost` of costs.ts as part 4 runs
 * it, repeated in fresh directories (the machine is shared: compare the ratios, and their spread over rounds).
 * Prints each round and the medians; writes bench/results/scale-booking-row.json (scale.json keeps part 4's
 * full run).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { round } from '../shared.ts';
import { tempDir } from './cluster.ts';
import { type BookingCost, bookingCost } from './costs.ts';
import { buildTemplate } from './fixtures.ts';

const here = dirname(fileURLToPath(import.meta.url));
/** The checkout's commit (with `+` when its tree has changes), or null outside git. */
function commitOf(root: string): string | null {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', '.', ':!bench/results'], {
      cwd: root,
      encoding: 'utf8',
    });
    return dirty.trim() ? `${head}+` : head;
  } catch {
    return null;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

export async function bookingRow(rounds: number): Promise<void> {
  const loadAtStart = loadavg().map((x) => round(x, 2));
  console.log(`booking row — ${cpus().length} CPUs, node ${process.version}, load average ${loadAtStart.join(' ')}`);
  const dir = tempDir('booking-row');
  const template = buildTemplate(join(dir, 'template.db'), new Date());
  const runs: BookingCost[] = [];
  for (let r = 0; r < rounds; r++) {
    const roundDir = join(dir, `round-${r}`);
    mkdirSync(roundDir);
    const run = await bookingCost(roundDir, template, { requests: 600, connections: 8, schedulingSpeedSeconds: 0 });
    runs.push(run);
    console.log(
      `  round ${r + 1}: Loket ${run.ours.idleCorrectedCpuMsPerBooking} ms CPU (raw ${run.ours.cpuMsPerBooking}), ${run.ours.perSecond}/s; bare ${run.bare.cpuMsPerRequest} ms, ${run.bare.perSecond}/s; CPU ${run.cpuRatio}×, throughput ${run.throughputRatio}× (load ${round(loadavg()[0] ?? 0, 1)})`,
    );
  }
  const summary = {
    oursCpuMs: median(runs.map((r) => r.ours.idleCorrectedCpuMsPerBooking)),
    oursPerSecond: median(runs.map((r) => r.ours.perSecond)),
    bareCpuMs: median(runs.map((r) => r.bare.cpuMsPerRequest)),
    barePerSecond: median(runs.map((r) => r.bare.perSecond)),
    cpuRatio: median(runs.map((r) => r.cpuRatio)),
    throughputRatio: median(runs.map((r) => r.throughputRatio)),
  };
  console.log(
    `  median of ${rounds}: Loket ${summary.oursCpuMs} ms CPU, ${summary.oursPerSecond}/s; bare ${summary.bareCpuMs} ms, ${summary.barePerSecond}/s; CPU ${summary.cpuRatio}× (aim ≤ 3×), throughput ${summary.throughputRatio}× (aim ≥ 0.5×)`,
  );
  const out = join(here, '..', 'results', 'scale-booking-row.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        bench: 'scale --booking-row',
        at: new Date().toISOString(),
        // Which code the figures are of: part 4's copy of this row in scale.json was once read as today's.
        commit: commitOf(join(here, '..', '..')),
        machine: {
          cpus: cpus().length,
          node: process.version,
          loadAtStart,
          loadAtEnd: loadavg().map((x) => round(x, 2)),
        },
        summary,
        runs,
      },
      null,
      2,
    )}\n`,
  );
}
