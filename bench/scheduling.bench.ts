/**
 * npm run bench:scheduling — allocation quality and speed of the scheduling engine.
 * Prints the figures and writes bench/results/scheduling.json. See ARCHITECTURE.md, "Scheduling".
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildInstance,
  flexibleUpperBound,
  LOADS,
  OFFICES,
  onlineCeiling,
  runFlexible,
  runOnline,
  SEEDS,
  upperBound,
} from './scheduling-quality.ts';
import { availabilitySpeed, httpThroughput } from './scheduling-speed.ts';

const started = performance.now();
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

console.log('== Allocation quality (share of requests accepted; bound = offline optimum or LP bound) ==');
console.log(
  'office               load seed  reqs | ours  moves | no-moves | first-fit | bound      | ours/bound first-fit/bound',
);
const quality = [];
for (const office of OFFICES) {
  for (const load of LOADS) {
    for (const seed of SEEDS) {
      const instance = buildInstance(office, load, seed);
      const ours = runOnline(instance, {});
      const leastFlexible = runOnline(instance, { allowMoves: false });
      const firstFit = runOnline(instance, { allowMoves: false, choice: 'first' });
      const bound = await upperBound(instance, 20);
      const row = {
        office: office.name,
        counters: office.counters.length,
        load,
        seed,
        requests: instance.requests.length,
        ours: ours.accepted,
        oursMoves: ours.moves,
        leastFlexibleNoMoves: leastFlexible.accepted,
        firstFit: firstFit.accepted,
        bound: bound.bound,
        boundKind: bound.kind,
        oursShareOfBound: ours.accepted / bound.bound,
        firstFitShareOfBound: firstFit.accepted / bound.bound,
      };
      quality.push(row);
      console.log(
        `${row.office.padEnd(20)} ${load.toFixed(1)} ${String(seed).padStart(4)} ${String(row.requests).padStart(5)} | ${String(row.ours).padStart(4)} ${String(row.oursMoves).padStart(6)} | ${String(row.leastFlexibleNoMoves).padStart(8)} | ${String(row.firstFit).padStart(9)} | ${String(row.bound).padStart(4)} ${row.boundKind.padEnd(5)} | ${pct(row.oursShareOfBound).padStart(10)} ${pct(row.firstFitShareOfBound).padStart(15)}`,
      );
    }
  }
}
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const summary = {
  scenarios: quality.length,
  meanOursShareOfBound: mean(quality.map((q) => q.oursShareOfBound)),
  minOursShareOfBound: Math.min(...quality.map((q) => q.oursShareOfBound)),
  meanFirstFitShareOfBound: mean(quality.map((q) => q.firstFitShareOfBound)),
  oursAcceptedTotal: quality.reduce((s, q) => s + q.ours, 0),
  firstFitAcceptedTotal: quality.reduce((s, q) => s + q.firstFit, 0),
  boundTotal: quality.reduce((s, q) => s + q.bound, 0),
  scenariosWhereFirstFitBeatsOurs: quality.filter((q) => q.firstFit > q.ours).length,
};
console.log(
  `mean ours/bound ${pct(summary.meanOursShareOfBound)} (min ${pct(summary.minOursShareOfBound)}), mean first-fit/bound ${pct(summary.meanFirstFitShareOfBound)}; totals ours ${summary.oursAcceptedTotal}, first-fit ${summary.firstFitAcceptedTotal}, bound ${summary.boundTotal}; first-fit beats ours in ${summary.scenariosWhereFirstFitBeatsOurs} scenario(s)`,
);

// Any first-come-first-served engine must accept a request whenever it still fits; the best such
// engine accepts exactly the requests that are feasible together with those accepted before.
// Computed exactly (one MIP per request) on two small instances to show where the gap comes from.
console.log('\n== Online ceiling (best possible first-come-first-served, exact) ==');
const ceilings = [];
for (const name of ['zijlsingel-7', 'specialised-6']) {
  const office = OFFICES.find((o) => o.name === name);
  if (!office) continue;
  const instance = buildInstance(office, 1.2, SEEDS[0] ?? 1);
  const ceiling = await onlineCeiling(instance);
  const ours = runOnline(instance, {}).accepted;
  const bound = (await upperBound(instance, 20)).bound;
  ceilings.push({ office: name, load: 1.2, seed: SEEDS[0], ours, onlineCeiling: ceiling, offlineOptimum: bound });
  console.log(`${name.padEnd(20)} ours ${ours}, online ceiling ${ceiling}, offline optimum ${bound}`);
}

// Residents who accept any time within ±30 minutes of the one they asked for: the offline optimum may
// shift everyone, an online engine only the newcomer. One seed and load per office (the MIP is larger).
console.log('\n== Flexible residents (±30 min, take the offered time closest to the one asked for), load 1.2 ==');
const flexible = [];
for (const office of OFFICES) {
  const instance = buildInstance(office, 1.2, SEEDS[0] ?? 1);
  const firstFit = runFlexible(instance, 30, 'first-fit').accepted;
  const oursAll = runFlexible(instance, 30, 'ours-all').accepted;
  const oursTight = runFlexible(instance, 30, 'ours-tight').accepted;
  const bound = await flexibleUpperBound(instance, 30, 10, instance.requests.length <= 200);
  flexible.push({
    office: office.name,
    load: 1.2,
    seed: SEEDS[0],
    requests: instance.requests.length,
    firstFit,
    oursAll,
    oursTight,
    bound: bound.bound,
    boundKind: bound.kind,
  });
  console.log(
    `${office.name.padEnd(20)} reqs ${instance.requests.length}: first-fit ${firstFit} (${pct(firstFit / bound.bound)}), ours ${oursAll} (${pct(oursAll / bound.bound)}), ours offering best-fit times ${oursTight} (${pct(oursTight / bound.bound)}), bound ${bound.bound} ${bound.kind}`,
  );
}

console.log('\n== Availability speed, 20-counter office, 8 weeks, passport × 2 (median of 3) ==');
const availability = [await availabilitySpeed(0.5, 3), await availabilitySpeed(0.9, 3)];
for (const a of availability)
  console.log(
    `prefilled ${pct(a.fillShare)} (${a.prefilledAppointments} appointments): available-days for 8 weeks ${a.availableDaysMs.toFixed(1)} ms (${a.availableDays} days); available-times for all ${a.availableDays} days ${a.availableTimesAllDaysMs.toFixed(1)} ms (${a.availableTimesTotal} times)`,
  );

console.log('\n== HTTP booking throughput (autocannon, 10 connections, loopback, file db WAL + synchronous=FULL) ==');
const rounds = [];
for (let k = 0; k < 2; k++) rounds.push(await httpThroughput(5));
const oursRps = rounds.map((r) => r.ours.ok2xxPerSecond);
const packedRps = rounds.map((r) => r.oursPacked.ok2xxPerSecond);
const bareRps = rounds.map((r) => r.bare.ok2xxPerSecond);
const http = {
  rounds,
  oursBookingsPerSecond: mean(oursRps),
  oursPackedBookingsPerSecond: mean(packedRps),
  bareInsertsPerSecond: mean(bareRps),
  ratio: mean(oursRps) / mean(bareRps),
  ratioPacked: mean(packedRps) / mean(bareRps),
};
const line = (r: { ok2xxPerSecond: number; latencyP50Ms: number; latencyP99Ms: number; non2xx: number }) =>
  `${r.ok2xxPerSecond.toFixed(0)}/s (p50 ${r.latencyP50Ms} ms, p99 ${r.latencyP99Ms} ms, non-2xx ${r.non2xx})`;
for (const [k, r] of rounds.entries())
  console.log(
    `round ${k + 1}: ours spread over days ${line(r.ours)}; ours packing one day at a time ${line(r.oursPacked)}; bare insert ${line(r.bare)}`,
  );
console.log(
  `ours ${http.oursBookingsPerSecond.toFixed(0)}/s (packed ${http.oursPackedBookingsPerSecond.toFixed(0)}/s) vs bare ${http.bareInsertsPerSecond.toFixed(0)}/s: ratio ${http.ratio.toFixed(2)} (packed ${http.ratioPacked.toFixed(2)})`,
);

const seconds = (performance.now() - started) / 1000;
const results = {
  generatedAt: new Date().toISOString(),
  node: process.version,
  seconds,
  quality: { summary, scenarios: quality, onlineCeiling: ceilings, flexible },
  availability,
  http,
};
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(join(import.meta.dirname, 'results', 'scheduling.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote bench/results/scheduling.json in ${seconds.toFixed(0)} s`);
