/**
 * `npm run bench:forecast [-- --smoke] [-- --dev]`
 * The forecasting benchmark of bench/protocol.json: live prediction (track 1), staffing (track 2),
 * walk-in demand forecasting (track 3) and appointment demand forecasting (track 4). Reported figures use the protocol's test seeds; `--dev` uses the
 * development seeds (for tuning). The full run writes bench/results/forecast.json; smoke mode runs
 * every track on a small scale and writes bench/results/forecast-smoke.json. `--track=N` runs one track and
 * replaces only that track in the results file.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { runTrack1 } from './forecast-track1.ts';
import { runTrack2 } from './forecast-track2.ts';
import { runTrack3 } from './forecast-track3.ts';
import { runTrack4 } from './forecast-track4.ts';

const protocol = JSON.parse(readFileSync('bench/protocol.json', 'utf8'));
const smoke = process.argv.includes('--smoke');
const dev = process.argv.includes('--dev');
const mode = smoke ? 'smoke' : 'full';
const seeds: number[] = dev ? protocol.seeds.development : protocol.seeds.test;
const only = process.argv.find((a) => a.startsWith('--track='))?.slice('--track='.length);
/** `--scenario=a,b`: track 1 or 2 on these scenarios only (tuning, or one process per scenario). */
const scenarioFilter = process.argv
  .find((a) => a.startsWith('--scenario='))
  ?.slice('--scenario='.length)
  .split(',');
const started = performance.now();
const fmt = (x: number | null | undefined, d = 2) =>
  x === null || x === undefined ? '   -  ' : x.toFixed(d).padStart(6);
const results: Record<string, unknown> = {
  mode,
  seeds: dev ? 'development' : 'test',
  generatedAt: new Date().toISOString(),
  // The CPU is shared: figures here are errors, not timings, but record the load anyway.
  loadAverageAtStart: loadavg(),
};

if (!only || only === '1') {
  const t1 = runTrack1(
    scenarioFilter ?? protocol.track1.scenarios,
    smoke ? seeds.slice(0, 1) : seeds,
    protocol.track1.days[mode],
    protocol.track1.referenceReplications[mode],
  );
  results.track1 = t1;
  console.log('\nTrack 1 — live wait prediction (minutes; walk-ins; error = predicted − realised)');
  for (const s of t1) {
    console.log(
      `\n  ${s.scenario}: ${s.walkIns} walk-ins, ${s.abandoned} gave up, mean wait ${s.meanWait.toFixed(1)} min${
        s.qlRelativeSquaredError !== undefined
          ? `, QL relative squared error ${s.qlRelativeSquaredError.toFixed(3)}`
          : ''
      }`,
    );
    console.log('    method                    MAE  medAE   bias  ≤5min  band  sameBand');
    const ranked = Object.entries(s.methods).sort((a, b) => a[1].mae - b[1].mae);
    for (const [m, v] of ranked) {
      console.log(
        `    ${m.padEnd(22)} ${fmt(v.mae)} ${fmt(v.medianAe)} ${fmt(v.bias)} ${fmt(v.within5)} ${fmt(v.bandCoverage)} ${fmt(v.sameBand)}`,
      );
    }
    // Whether the seeds resolve each comparison: the paired difference with its standard error over seeds.
    console.log('    ours − method               diff  SE/seed  SE/seed·day  verdict (|diff| ≥ 2 SE over seeds)');
    for (const [m, v] of Object.entries(s.oursVersus)) {
      console.log(
        `    ${m.padEnd(22)} ${fmt(v.diff, 4).padStart(9)} ${fmt(v.seBySeed, 4).padStart(8)} ${fmt(v.seBySeedDay, 4).padStart(12)}  ${v.verdict}`,
      );
    }
  }
}

if (!only || only === '2') {
  const t2 = runTrack2(
    scenarioFilter ? { ...protocol.track2, scenarios: scenarioFilter } : protocol.track2,
    seeds,
    mode,
  );
  results.track2 = t2;
  console.log('\nTrack 2 — staffing (hour slots meeting the norm, staff-hours)');
  for (const s of t2) {
    console.log(`\n  ${s.scenario}: norm ${s.norm}`);
    console.log('    method                 slots met   staff-h  vs search  plan (counters per hour)');
    for (const [m, v] of Object.entries(s.methods)) {
      console.log(
        `    ${m.padEnd(22)} ${(`${v.slotsMet}/${v.slots}`).padStart(9)} ${fmt(v.staffHours, 0)}  ${fmt(v.vsSearch * 100, 1)} %  ${v.plan.join(' ')}${
          v.appointmentSlots !== undefined
            ? `; ${v.appointmentSlots} appointment slots a day, norm met on ${v.daysMet}/${v.days} days`
            : ''
        }`,
      );
    }
  }
}

if (!only || only === '3') {
  const t3 = runTrack3(protocol.track3, seeds, mode);
  results.track3 = t3;
  console.log('\nTrack 3 — demand forecast, MASE (lower is better) by horizon in weeks');
  for (const s of t3) {
    console.log(`\n  ${s.scenario}: ${s.origins} weekly origins`);
    console.log(`    method                       ${s.horizons.map((h) => `h=${h}`.padStart(6)).join(' ')}    all`);
    for (const [m, v] of Object.entries(s.methods)) {
      console.log(`    ${m.padEnd(28)} ${v.byHorizon.map((x) => fmt(x, 3)).join(' ')} ${fmt(v.all, 3)}`);
    }
  }
}

if (!only || only === '4') {
  const t4 = runTrack4(protocol.track4, seeds, mode);
  results.track4 = t4;
  console.log(
    '\nTrack 4 — appointment demand, MASE of daily demand (final bookings where no day fills up; lower is better) by horizon in weeks',
  );
  for (const s of t4) {
    console.log(
      `\n  ${s.scenario}: ${s.origins} weekly origins, ${s.meanDailyBookings.toFixed(1)} requests per open day${s.fullDayShare !== undefined ? `, ${(s.fullDayShare * 100).toFixed(0)} % of days full` : ''}`,
    );
    console.log(`    method                       ${s.horizons.map((h) => `h=${h}`.padStart(6)).join(' ')}    all`);
    for (const [m, v] of Object.entries(s.methods)) {
      console.log(`    ${m.padEnd(28)} ${v.byHorizon.map((x) => fmt(x, 3)).join(' ')} ${fmt(v.all, 3)}`);
    }
  }
}

const seconds = (performance.now() - started) / 1000;
results.seconds = seconds;
results.loadAverageAtEnd = loadavg();
mkdirSync('bench/results', { recursive: true });
/** `--out=<file>`: write there instead (e.g. one scenario per process on a shared machine, merged afterwards). */
const outArg = process.argv.find((a) => a.startsWith('--out='))?.slice('--out='.length);
const file = outArg
  ? outArg
  : smoke
    ? 'bench/results/forecast-smoke.json'
    : dev
      ? 'bench/results/forecast-dev.json'
      : 'bench/results/forecast.json';
// A one-track run replaces that track in the results file and keeps the others (each track records when it ran).
let previous: Record<string, unknown> = {};
if (only && !scenarioFilter && existsSync(file)) previous = JSON.parse(readFileSync(file, 'utf8'));
const trackRuns = { ...((previous.trackRuns as Record<string, unknown>) ?? {}) };
for (const key of ['track1', 'track2', 'track3', 'track4'])
  if (key in results) trackRuns[key] = { generatedAt: results.generatedAt, seconds, loadAverageAtEnd: loadavg() };
writeFileSync(file, `${JSON.stringify({ ...previous, ...results, trackRuns }, null, 2)}\n`);
console.log(
  `\n${mode} run on ${dev ? 'development' : 'test'} seeds in ${seconds.toFixed(1)} s (load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}); wrote ${file}`,
);
