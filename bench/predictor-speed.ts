/**
 * In-process microbench of the live wait predictor (#9 item 7): predictWaits against the predictor as of ecac829
 * (tests/queue/predictor-reference.ts) on the same inputs, in alternating blocks within one run, after
 * checking that both give the same outputs. Shapes: the call-next bench's office (one passport counter, 200
 * walk-ins a second apart, four walk-in services, the live mean-value replay), the estimate stored at issue in a
 * passport-only office (stochastic replays), a mixed office (six counters of different skills, appointments,
 * priorities, transfers) live and stochastic, and the call-next office with and without `perServiceOnly`.
 *
 *   npx tsx bench/predictor-speed.ts [--calls=2000] [--block=50]
 */
import { isDeepStrictEqual } from 'node:util';
import {
  type PredictorCounter,
  type PredictorInput,
  type PredictorTicket,
  predictWaits,
} from '../server/queue/predictor.ts';
import { predictWaits as predictWaitsBefore } from '../tests/queue/predictor-reference.ts';

const arg = (name: string, fallback: number) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.slice(name.length + 3)) : fallback;
};
const CALLS = arg('calls', 2000);
const BLOCK = arg('block', 50);

const now = new Date('2026-11-23T09:30:00Z');
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
const MEANS = { passport: 10, 'id-card': 6, 'driving-licence': 8, pickup: 3, birth: 15 };
const WALK_IN = ['passport', 'id-card', 'driving-licence', 'pickup'];

/** `count` passport walk-ins of one person, queued `spacingMs` apart up to now, the first the longest waiting. */
function passportWalkIns(count: number, spacingMs: number): PredictorTicket[] {
  return Array.from({ length: count }, (_, k) => ({
    id: 1000 + k,
    services: [{ code: 'passport', persons: 1 }],
    queuedAt: new Date(now.getTime() - (count - k) * spacingMs),
    dueAt: null,
    priority: 0,
    targetCounterId: null,
  }));
}

/** The call-next bench's office after a press: one passport counter busy for a minute, 200 walk-ins. */
function callNextOffice(): PredictorInput {
  return {
    now,
    tickets: passportWalkIns(200, 1000),
    counters: [{ id: 1, skills: ['passport'], state: 'open', current: { startedAt: at(-1), expectedMinutes: 10 } }],
    meanMinutesPerPerson: MEANS,
    serviceCodes: WALK_IN,
    targetWaitMinutes: { passport: 10, 'id-card': 10, 'driving-licence': 10, pickup: 5 },
    replications: 0,
  };
}

/** The estimate stored at issue in a passport-only office: two counters, 60 walk-ins, four walk-in services. */
function passportOffice(): PredictorInput {
  return {
    now,
    tickets: passportWalkIns(60, 20_000),
    counters: [1, 2].map((id) => ({
      id,
      skills: ['passport'],
      state: 'open',
      current: { startedAt: at(-id), expectedMinutes: 10 },
    })),
    meanMinutesPerPerson: MEANS,
    serviceCodes: WALK_IN,
  };
}

/** Six counters of different skills, 200 tickets: appointments (early, due, late), priorities, transfers. */
function mixedOffice(replications?: number, n = 200): PredictorInput {
  const codes = ['passport', 'id-card', 'driving-licence', 'pickup', 'birth'];
  const tickets: PredictorTicket[] = Array.from({ length: n }, (_, k) => ({
    id: k + 1,
    services:
      k % 11 === 0
        ? [
            { code: 'passport', persons: 2 },
            { code: 'id-card', persons: 1 },
          ]
        : [{ code: codes[k % 5] as string, persons: 1 + (k % 3 === 0 ? 1 : 0) }],
    queuedAt: new Date(now.getTime() - (n - k) * 37_000),
    dueAt: k % 13 === 0 ? at((k % 90) - 30) : null,
    priority: k % 29 === 0 ? 1 : 0,
    targetCounterId: k % 41 === 0 ? 2 : null,
  }));
  const skills = [
    ['passport', 'id-card'],
    ['passport', 'id-card', 'driving-licence'],
    ['pickup'],
    ['passport', 'id-card', 'driving-licence', 'pickup', 'birth'],
    ['birth', 'passport'],
    ['driving-licence', 'pickup'],
  ];
  const counters: PredictorCounter[] = skills.map((s, k) => ({
    id: k + 1,
    skills: s,
    state: k === 4 ? 'paused' : 'open',
    pausedUntil: k === 4 ? at(12) : null,
    current: k % 2 === 0 ? { startedAt: at(-k - 1), expectedMinutes: 6 + k } : null,
    breaks: k === 1 ? [{ from: at(40), to: at(55) }] : [],
    until: k === 3 ? at(180) : null,
  }));
  return {
    now,
    tickets,
    counters,
    meanMinutesPerPerson: MEANS,
    counterSpeed: { 1: 0.9, 2: 1.1, 3: 1, 4: 1.2, 5: 0.8, 6: 1 },
    serviceCv: { passport: 0.5, 'id-card': 0.6, pickup: 1, birth: 0.4, 'driving-licence': 0.5 },
    patienceMinutes: 45,
    serviceCodes: WALK_IN,
    ...(replications === undefined ? {} : { replications }),
  };
}

function measure(name: string, input: PredictorInput, calls: number): void {
  if (!isDeepStrictEqual(predictWaits(input), predictWaitsBefore(input))) throw new Error(`${name}: outputs differ`);
  const fns = [predictWaitsBefore, predictWaits];
  // Per block its µs per call; the median block of each (the machine is shared: a block may be preempted).
  const blocks: number[][] = [[], []];
  let sink = 0;
  for (let i = 0; i < 3; i++) for (const f of fns) sink += f(input).perTicket.size;
  for (let done = 0; done < calls; done += BLOCK) {
    for (let k = 0; k < fns.length; k++) {
      const j = (k + done / BLOCK) % 2;
      const f = fns[j] as typeof predictWaits;
      const start = process.hrtime.bigint();
      for (let i = 0; i < BLOCK; i++) sink += f(input).perTicket.size;
      blocks[j]?.push(Number(process.hrtime.bigint() - start) / BLOCK / 1000);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const [b, a] = blocks as [number[], number[]];
  console.log(
    `${name.padEnd(32)} median block: before ${median(b).toFixed(1).padStart(7)} µs  after ${median(a)
      .toFixed(1)
      .padStart(
        7,
      )} µs  ×${(median(b) / median(a)).toFixed(2)}  | mean: ${mean(b).toFixed(1)} → ${mean(a).toFixed(1)} µs` +
      `  (${calls} calls each in blocks of ${BLOCK}, sink ${sink % 7})`,
  );
}

/** predictWaits with and without perServiceOnly (the hub's runs when nobody follows a ticket need no ticket bands). */
function measureOnly(name: string, input: PredictorInput, calls: number): void {
  const only = { ...input, perServiceOnly: true };
  if (!isDeepStrictEqual(predictWaits(only).perService, predictWaitsBefore(input).perService))
    throw new Error(`${name}: outputs differ`);
  const blocks: number[][] = [[], []];
  let sink = 0;
  for (let done = 0; done < calls; done += BLOCK) {
    for (let k = 0; k < 2; k++) {
      const j = (k + done / BLOCK) % 2;
      const start = process.hrtime.bigint();
      for (let i = 0; i < BLOCK; i++) sink += predictWaits(j === 0 ? input : only).perTicket.size;
      blocks[j]?.push(Number(process.hrtime.bigint() - start) / BLOCK / 1000);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const [all, one] = blocks as [number[], number[]];
  console.log(
    `${name.padEnd(32)} median block: every ticket ${median(all).toFixed(1).padStart(7)} µs  per service only ${median(
      one,
    )
      .toFixed(1)
      .padStart(7)} µs  (${calls} calls each in blocks of ${BLOCK}, sink ${sink % 7})`,
  );
}

const { loadavg } = await import('node:os');
console.log(
  `load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
measure('call-next office (live, 200)', callNextOffice(), CALLS);
measure('mixed office (live, 200)', mixedOffice(0), CALLS);
measureOnly('call-next office, perServiceOnly', callNextOffice(), CALLS);
measure('passport office (stochastic, 60)', passportOffice(), Math.max(BLOCK, CALLS / 10));
measure('mixed office (stochastic, 60)', mixedOffice(undefined, 60), Math.max(BLOCK, CALLS / 10));
console.log(
  `load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
