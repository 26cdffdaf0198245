/**
 * `npm run bench:abuse`: does one client stall or lock out the others?
 *
 * A real server (bench/abuse/server.ts, its own process, default limits, TRUST_PROXY so each simulated
 * client has its own address) is measured from this process: sequential `GET /api/v1/health` and
 * `POST /api/v1/appointments` (each booking from another resident's address), in phases:
 *   quiet → 1, 10 and 100 anonymous sockets flooding `ticket:follow` (bench/abuse/flooder.ts, another
 *   process; each from its own address, reconnecting whenever cut off) → a login brute force (wrong
 *   passwords for the clerk from one address, and a username spray) → quiet again.
 * Reported per phase: p50/p99 of both, the ratio of p99 to the quiet p99 (aim ≤ 2), what the flooders
 * sent and how often they were cut off, and whether the real clerk signed in from the office during the
 * brute force. The machine's load average is recorded: other engineers share the CPU.
 * Bounded: every loop has a count and a time limit; loopback only. Writes bench/results/abuse.json.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nextMessage, percentile, round } from './shared.ts';

/** A child that sends nothing for a minute has failed; the run stops instead of hanging. */
const CHILD_MS = 60_000;
const here = dirname(fileURLToPath(import.meta.url));
const PASSWORD = 'bench-password-123';
const SMOKE = process.argv.includes('--smoke');
const HEALTH_SAMPLES = SMOKE ? 40 : 200;
const BOOKING_SAMPLES = SMOKE ? 8 : 30;
const PHASE_MAX_SECONDS = SMOKE ? 20 : 60;

function child(script: string, args: string[] = []): ChildProcess {
  return fork(join(here, 'abuse', script), args, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let residents = 0;
/** Each resident books from their own address in their own /24. */
function residentAddress(): string {
  residents++;
  return `10.${(residents >> 8) & 255}.${residents & 255}.7`;
}

async function api(
  base: string,
  path: string,
  init: { method?: string; body?: unknown; from: string },
): Promise<{ status: number; ms: number; body: unknown }> {
  const t0 = performance.now();
  const res = await fetch(`${base}/api/v1${path}`, {
    method: init.method ?? 'GET',
    headers: {
      'x-forwarded-for': init.from,
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  return {
    status: res.status,
    ms,
    body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
  };
}

/** Free start times for passport appointments at the Zijlsingel, across the bookable days. */
async function freeStarts(base: string, needed: number): Promise<string[]> {
  const days = (
    await api(base, '/locations/haarlem-zijlsingel/available-days?services=passport:1', { from: residentAddress() })
  ).body as { days: string[] };
  const starts: string[] = [];
  for (const day of days.days ?? []) {
    const times = (
      await api(base, `/locations/haarlem-zijlsingel/available-times?services=passport:1&date=${day}`, {
        from: residentAddress(),
      })
    ).body as { times: string[] };
    // Every third time: neighbours stay free, so a booking never takes another's slot.
    starts.push(...(times.times ?? []).filter((_, i) => i % 3 === 0));
    if (starts.length >= needed) break;
  }
  return starts;
}

interface PhaseResult {
  phase: string;
  health: { n: number; p50: number; p99: number; failed: number };
  booking: { n: number; p50: number; p99: number; statuses: Record<string, number> };
  /** CPU the server process spent during the phase (ms). */
  serverCpuMs?: number;
  flood?: Record<string, number>;
  bruteForce?: { attempts: number; statuses: Record<string, number>; clerkSignIn: number; clerkSignInMs: number };
}

async function measure(base: string, starts: string[]): Promise<Omit<PhaseResult, 'phase'>> {
  const healthMs: number[] = [];
  let healthFailed = 0;
  const bookingMs: number[] = [];
  const statuses: Record<string, number> = {};
  const deadline = performance.now() + PHASE_MAX_SECONDS * 1000;
  const healthLoop = (async () => {
    for (let i = 0; i < HEALTH_SAMPLES && performance.now() < deadline; i++) {
      const r = await api(base, '/health', { from: '192.0.2.1' });
      if (r.status === 200) healthMs.push(r.ms);
      else healthFailed++;
      await sleep(15);
    }
  })();
  const bookingLoop = (async () => {
    for (let i = 0; i < BOOKING_SAMPLES && performance.now() < deadline; i++) {
      const start = starts.shift();
      if (!start) break;
      const n = residents + 1;
      const r = await api(base, '/appointments', {
        method: 'POST',
        from: residentAddress(),
        body: {
          locationId: 'haarlem-zijlsingel',
          services: [{ code: 'passport', persons: 1 }],
          start,
          customer: { name: `Bewoner ${n}`, email: `bewoner${n}@example.nl` },
        },
      });
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      if (r.status === 201) bookingMs.push(r.ms);
      await sleep(60);
    }
  })();
  await Promise.all([healthLoop, bookingLoop]);
  healthMs.sort((a, b) => a - b);
  bookingMs.sort((a, b) => a - b);
  return {
    health: {
      n: healthMs.length,
      p50: round(percentile(healthMs, 50)),
      p99: round(percentile(healthMs, 99)),
      failed: healthFailed,
    },
    booking: {
      n: bookingMs.length,
      p50: round(percentile(bookingMs, 50)),
      p99: round(percentile(bookingMs, 99)),
      statuses,
    },
  };
}

async function floodPhase(base: string, sockets: number, starts: string[], firstAddress: number): Promise<PhaseResult> {
  const flooder = child('flooder.ts');
  const started = nextMessage(flooder, 'started', CHILD_MS);
  flooder.send({
    type: 'start',
    url: base,
    sockets,
    firstAddress,
    maxSeconds: PHASE_MAX_SECONDS + 10,
    maxPackets: 5_000_000,
  });
  await started;
  await sleep(500); // the flood is under way before measuring
  const measured = await measure(base, starts);
  const stats = nextMessage<{ stats: Record<string, number> }>(flooder, 'stats', CHILD_MS);
  flooder.send({ type: 'stop' });
  const flood = (await stats).stats;
  await new Promise<void>((resolve) => (flooder.exitCode !== null ? resolve() : flooder.once('exit', () => resolve())));
  return { phase: `flood ${sockets} socket${sockets === 1 ? '' : 's'}`, ...measured, flood };
}

async function bruteForcePhase(base: string, starts: string[]): Promise<PhaseResult> {
  const statuses: Record<string, number> = {};
  let attempts = 0;
  let stop = false;
  const deadline = performance.now() + PHASE_MAX_SECONDS * 1000;
  const attacker = async (k: number) => {
    for (let i = 0; !stop && i < 5_000 && performance.now() < deadline; i++) {
      attempts++;
      // Half at the clerk's account, half a spray over usernames, all from one address.
      const username = i % 2 === 0 ? 'demo-agent' : `user-${k}-${i}`;
      const r = await api(base, '/sessions', {
        method: 'POST',
        from: '203.0.113.66',
        body: { username, password: `guess-${k}-${i}` },
      });
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    }
  };
  const attackers = [0, 1, 2, 3].map(attacker);
  await sleep(500);
  const measured = await measure(base, starts);
  // The real clerk, at the office, while the guessing goes on.
  const clerk = await api(base, '/sessions', {
    method: 'POST',
    from: '198.51.100.10',
    body: { username: 'demo-agent', password: PASSWORD },
  });
  stop = true;
  await Promise.all(attackers);
  return {
    phase: 'login brute force',
    ...measured,
    bruteForce: { attempts, statuses, clerkSignIn: clerk.status, clerkSignInMs: round(clerk.ms) },
  };
}

async function main(): Promise<void> {
  const began = Date.now();
  const loadAtStart = loadavg();
  const dir = mkdtempSync(join(tmpdir(), 'loket-abuse-'));
  const server = child('server.ts', [join(dir, 'loket.db'), PASSWORD]);
  try {
    const { port } = await nextMessage<{ port: number }>(server, 'listening', CHILD_MS);
    const base = `http://127.0.0.1:${port}`;
    const starts = await freeStarts(base, BOOKING_SAMPLES * 7);
    if (starts.length < BOOKING_SAMPLES * 6) throw new Error(`only ${starts.length} free starts`);
    // Warm-up: the first requests compile and fill caches.
    await measure(base, starts.splice(0, 5));

    const phases: PhaseResult[] = [];
    const cpu = async () => {
      const answer = nextMessage<{ ms: number }>(server, 'cpu', CHILD_MS);
      server.send({ type: 'cpu' });
      return (await answer).ms;
    };
    const run = async (p: () => Promise<PhaseResult>) => {
      const before = await cpu();
      const r = await p();
      r.serverCpuMs = Math.round((await cpu()) - before);
      phases.push(r);
      console.log(
        `  ${r.phase.padEnd(20)} health p50 ${String(r.health.p50).padStart(6)} ms  p99 ${String(r.health.p99).padStart(6)} ms` +
          `   booking p50 ${String(r.booking.p50).padStart(6)} ms  p99 ${String(r.booking.p99).padStart(6)} ms` +
          `   server CPU ${r.serverCpuMs} ms` +
          (r.flood
            ? `   flood: ${r.flood.sent} sent, ${r.flood.handled} handled, ${r.flood.rateLimited} acked rate-limited, cut off ${r.flood.cutOff}×, handshakes refused ${r.flood.connectRefused}`
            : '') +
          (r.bruteForce
            ? `   brute force: ${r.bruteForce.attempts} attempts ${JSON.stringify(r.bruteForce.statuses)}, clerk sign-in ${r.bruteForce.clerkSignIn}`
            : ''),
      );
    };
    console.log(
      `bench:abuse${SMOKE ? ' (smoke)' : ''} — load average at start ${loadAtStart.map((x) => x.toFixed(2)).join(' ')} on ${cpus().length} CPUs`,
    );
    await run(() => measure(base, starts).then((m) => ({ phase: 'quiet', ...m })));
    await run(() => floodPhase(base, 1, starts, 1));
    await run(() => floodPhase(base, 10, starts, 1_000));
    await run(() => floodPhase(base, 100, starts, 2_000));
    await run(() => bruteForcePhase(base, starts));
    await run(() => measure(base, starts).then((m) => ({ phase: 'quiet again', ...m })));

    const quiet = phases[0] as PhaseResult;
    const ratios = phases.map((p) => ({
      phase: p.phase,
      healthP99Ratio: round(p.health.p99 / quiet.health.p99, 2),
      bookingP99Ratio: round(p.booking.p99 / quiet.booking.p99, 2),
    }));
    console.log('\n  p99 relative to quiet (aim ≤ 2):');
    for (const r of ratios)
      console.log(`  ${r.phase.padEnd(20)} health ×${r.healthP99Ratio}  booking ×${r.bookingP99Ratio}`);
    const results = {
      at: new Date().toISOString(),
      smoke: SMOKE,
      runtimeSeconds: Math.round((Date.now() - began) / 1000),
      machine: {
        cpus: cpus().length,
        node: process.version,
        loadAverageAtStart: loadAtStart,
        loadAverageAtEnd: loadavg(),
      },
      protocol: { healthSamples: HEALTH_SAMPLES, bookingSamples: BOOKING_SAMPLES, phaseMaxSeconds: PHASE_MAX_SECONDS },
      serverCpuMs: Math.round(await cpu()),
      phases,
      ratios,
    };
    console.log(`  load average at end ${results.machine.loadAverageAtEnd.map((x) => x.toFixed(2)).join(' ')}`);
    mkdirSync(join(here, 'results'), { recursive: true });
    const file = join(here, 'results', SMOKE ? 'abuse-smoke.json' : 'abuse.json');
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`wrote ${file.slice(here.length - 'bench'.length)} (${results.runtimeSeconds} s)`);
  } finally {
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    server.kill('SIGTERM');
    await Promise.race([exited, sleep(5_000)]);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
