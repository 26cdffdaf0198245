/**
 * Part 4: per-request costs of item 7 against bare baselines, measured as CPU time of the serving process
 * (/proc, so the load generator and the rest of the machine do not count) and as ratios within one run.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { type Db, openDatabase, writeTransaction } from '../../db/client.ts';
import { runMigrations } from '../../db/migrate.ts';
import { counterSkills, counters, rosterRules } from '../../db/schema/index.ts';
import { DEMO_MUNICIPALITY, seedDemo } from '../../db/seed.ts';
import { loadOffice } from '../../db/sqlite/office.ts';
import { sqliteStorage } from '../../db/sqlite/storage.ts';
import { manualClock } from '../../server/clock.ts';
import { testConfig } from '../../server/config.ts';
import type { Deps } from '../../server/deps.ts';
import { createDomainEvents } from '../../server/events.ts';
import { silentLogger } from '../../server/logger.ts';
import { findAvailableDays, findAvailableTimes } from '../../server/scheduling/availability.ts';
import { planOffice } from '../../server/scheduling/day-plans.ts';
import { addLocations } from '../hub/seed.ts';
import { availabilitySpeed, httpThroughput, insertWeekdayOffice } from '../scheduling-speed.ts';
import { freePort, round } from '../shared.ts';
import { cpuMsOf, killNode, nodeEnv, ROOT, sleep, startNode, track } from './cluster.ts';
import { BENCH_LOCATION, copyTemplate, type Template } from './fixtures.ts';
import { spreadWorkload } from './http-load.ts';

/**
 * CPU time (ms) a process has used so far per thread kind and mode, from /proc/<pid>/task/<tid>/stat: `main` is the
 * JavaScript thread (its tid is the pid), the others are grouped by their kernel name (`V8 Worker`: GC and compiling
 * threads, `libuv-worker`: the thread pool, the loader thread of tsx's module hooks, …); `user`/`system` are utime and
 * stime (clock ticks of 10 ms). Threads that ended since are missing: compare two snapshots of a live process only.
 */
export type CpuSplit = Record<string, { user: number; system: number }>;

export function cpuSplitOf(pid: number | undefined): CpuSplit {
  const out: CpuSplit = {};
  if (!pid) return out;
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = Number(tid) === pid ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const slot = out[name] ?? { user: 0, system: 0 };
      slot.user += Number(fields[11]) * 10;
      slot.system += Number(fields[12]) * 10;
      out[name] = slot;
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/** `after - before` per thread kind (ms), divided by `per`; kinds that used nothing are left out. */
function cpuSplitPer(before: CpuSplit, after: CpuSplit, per: number): CpuSplit {
  const out: CpuSplit = {};
  for (const [name, a] of Object.entries(after)) {
    const b = before[name] ?? { user: 0, system: 0 };
    const user = a.user - b.user;
    const system = a.system - b.system;
    if (user > 0 || system > 0) out[name] = { user: round(user / per, 2), system: round(system / per, 2) };
  }
  return out;
}

/** Totals of a split: user and system over every thread kind. */
export function cpuSplitTotals(split: CpuSplit): { user: number; system: number } {
  let user = 0;
  let system = 0;
  for (const v of Object.values(split)) {
    user += v.user;
    system += v.system;
  }
  return { user: round(user, 2), system: round(system, 2) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** CPU time of this process (ms), for the in-process availability measurements (synchronous work). */
function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The process's idle CPU rate (ms per s: timers, the cluster-log tail), to subtract from a measurement. */
async function idleRate(pid: number | undefined, seconds: number): Promise<number> {
  const a = cpuMsOf(pid);
  await sleep(seconds * 1000);
  return (cpuMsOf(pid) - a) / seconds;
}

// ---------------------------------------------------------------------------------------------------------
// Booking CPU per request: our node against the bare hono + SQLite insert endpoint.

export interface BookingCost {
  requests: number;
  connections: number;
  ours: {
    booked: number;
    cpuMsPerBooking: number;
    idleCorrectedCpuMsPerBooking: number;
    perSecond: number;
    p50Ms: number;
    p99Ms: number;
  };
  bare: { inserted: number; cpuMsPerRequest: number; perSecond: number; p50Ms: number; p99Ms: number };
  cpuRatio: number;
  throughputRatio: number;
  /** bench/scheduling-speed.ts httpThroughput (in-process, autocannon): ours/bare bookings per second. */
  schedulingSpeed: { oursPerSecond: number; barePerSecond: number; ratio: number; ratioPacked: number } | null;
}

export async function bookingCost(
  dir: string,
  template: Template,
  opts: { requests: number; connections: number; schedulingSpeedSeconds: number },
): Promise<BookingCost> {
  const dbPath = copyTemplate(template, join(dir, 'cost-booking.db'));
  const db = openDatabase(dbPath);
  // The bare endpoint does no proof-of-work: neither does ours here (challenge_mode off for this measurement).
  db.$client.prepare("UPDATE locations SET challenge_mode = 'off' WHERE id = ?").run(BENCH_LOCATION);
  db.$client.close();
  const starts = template.spreadStarts;
  const need = Math.ceil(opts.requests / template.perStart);
  const node = await startNode('cost', await freePort(), nodeEnv(dbPath));
  let ours: BookingCost['ours'];
  try {
    await spreadWorkload(node.url, starts.slice(-40), 1, 4, 3, false); // warm-up
    const idle = await idleRate(node.child.pid, 3);
    const cpu0 = cpuMsOf(node.child.pid);
    const t0 = performance.now();
    const run = await spreadWorkload(node.url, starts.slice(0, need), template.perStart, opts.connections, 600, false);
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = cpuMsOf(node.child.pid) - cpu0;
    const booked = Math.max(1, run.stats.booked);
    ours = {
      booked: run.stats.booked,
      cpuMsPerBooking: round(cpu / booked, 2),
      idleCorrectedCpuMsPerBooking: round(Math.max(0, cpu - idle * elapsed) / booked, 2),
      perSecond: run.stats.bookingsPerSecond,
      p50Ms: run.stats.p50Ms,
      p99Ms: run.stats.p99Ms,
    };
  } finally {
    await killNode(node, 'SIGTERM');
  }

  const bareProc = track(
    spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'scale', 'bare-server.ts'), join(dir, 'bare.db')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  let bare: BookingCost['bare'];
  try {
    const port = await new Promise<number>((resolve, reject) => {
      bareProc.stdout?.on('data', (d: Buffer) => {
        const m = /listening (\d+)/.exec(d.toString());
        if (m) resolve(Number(m[1]));
      });
      bareProc.once('exit', (code) => reject(new Error(`bare server exited ${code}`)));
    });
    const url = `http://127.0.0.1:${port}`;
    await spreadWorkload(url, starts.slice(-40), 1, 4, 3, false);
    const cpu0 = cpuMsOf(bareProc.pid);
    const run = await spreadWorkload(url, starts.slice(0, need), template.perStart, opts.connections, 600, false);
    const cpu = cpuMsOf(bareProc.pid) - cpu0;
    bare = {
      inserted: run.stats.booked,
      cpuMsPerRequest: round(cpu / Math.max(1, run.stats.booked), 3),
      perSecond: run.stats.bookingsPerSecond,
      p50Ms: run.stats.p50Ms,
      p99Ms: run.stats.p99Ms,
    };
  } finally {
    bareProc.kill('SIGTERM');
  }

  let schedulingSpeed: BookingCost['schedulingSpeed'] = null;
  if (opts.schedulingSpeedSeconds > 0) {
    const r = await httpThroughput(opts.schedulingSpeedSeconds);
    schedulingSpeed = {
      oursPerSecond: round(r.ours.ok2xxPerSecond),
      barePerSecond: round(r.bare.ok2xxPerSecond),
      ratio: round(r.ratio, 2),
      ratioPacked: round(r.ratioPacked, 2),
    };
  }
  return {
    requests: opts.requests,
    connections: opts.connections,
    ours,
    bare,
    cpuRatio: round(ours.idleCorrectedCpuMsPerBooking / Math.max(0.001, bare.cpuMsPerRequest), 1),
    throughputRatio: round(ours.perSecond / Math.max(0.001, bare.perSecond), 2),
    schedulingSpeed,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Availability growth: an office with N counters (weekdays 09:00–17:00, all rostered for appointments),
// filled to a share of its 10-minute passport slots, measured in this process (the functions are synchronous).

export const NOW = '2026-11-23T07:00:00Z';
export const FROM = '2026-11-23';
export const TO = '2027-01-17';

export function addOffice(db: Db, id: string, n: number): void {
  writeTransaction(db, (tx) => {
    const all = insertWeekdayOffice(tx, id, `Bench ${n}`);
    const passport = all.find((s) => s.code === 'passport')?.id ?? -1;
    const idCard = all.find((s) => s.code === 'id-card')?.id ?? -1;
    for (let k = 0; k < n; k++) {
      const c = tx
        .insert(counters)
        .values({ locationId: id, name: `Balie ${k + 1}` })
        .returning()
        .get();
      tx.insert(counterSkills)
        .values([
          { counterId: c.id, serviceId: passport },
          { counterId: c.id, serviceId: idCard },
        ])
        .run();
      tx.insert(rosterRules)
        .values({
          locationId: id,
          counterId: c.id,
          rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
          startsOn: '2026-01-01',
          startsAt: '09:00',
          endsAt: '17:00',
          mode: 'appointments',
        })
        .run();
    }
  });
}

/**
 * Every 10-minute slot of every counter from `from` to `to` taken with probability `share` (deterministic).
 * Returns the count per day.
 */
export function fill(db: Db, id: string, share: number, from = FROM, to = TO): Map<string, number> {
  const office = loadOffice(db, id);
  if (!office) throw new Error('no office');
  const passport = office.services.get('passport')?.id ?? -1;
  let s = 42;
  const random = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const perDay = new Map<string, number>();
  let n = 0;
  writeTransaction(db, (tx) => {
    const insertA = tx.$client.prepare(
      "INSERT INTO appointments (municipality_id, location_id, reference, manage_token_hash, starts_at, ends_at, counter_id, channel, created_at) VALUES (?, ?, ?, 'x', ?, ?, ?, 'online', ?)",
    );
    const insertI = tx.$client.prepare(
      'INSERT INTO appointment_items (appointment_id, service_id, persons) VALUES (?, ?, 1)',
    );
    for (const plan of planOffice(office, from, to).values()) {
      let count = 0;
      for (const [counterId, windows] of plan.counterWindows)
        for (const w of windows)
          for (let t = w.start; t + 600_000 <= w.end; t += 600_000) {
            if (random() >= share) continue;
            const r = insertA.run(
              DEMO_MUNICIPALITY,
              id,
              `G-${id}-${String(n++).padStart(8, '0')}`,
              t,
              t + 600_000,
              counterId,
              Date.parse(NOW),
            );
            insertI.run(r.lastInsertRowid, passport);
            count++;
          }
      perDay.set(plan.date, count);
    }
  });
  return perDay;
}

/** The use-cases' dependencies on an in-memory database, its clock standing at NOW (in-process measurements). */
export function inProcessDeps(db: Db): Deps {
  return {
    storage: sqliteStorage(db),
    clock: manualClock(NOW),
    config: testConfig(),
    events: createDomainEvents(),
    log: silentLogger,
  };
}

export interface GrowthRow {
  counters: number;
  fillShare: number;
  appointments: number;
  availableDays: number;
  availableDaysCpuMs: number;
  /** One mid-window day: its appointments and the CPU of its available times. */
  dayAppointments: number;
  availableTimesCpuMs: number;
  availableTimesPerAppointmentUs: number;
}

export async function availabilityGrowth(countersList: number[], fills: number[], runs: number): Promise<GrowthRow[]> {
  const out: GrowthRow[] = [];
  for (const n of countersList)
    for (const share of fills) {
      const db = openDatabase(':memory:');
      try {
        runMigrations(db);
        seedDemo(db);
        const id = `growth-${n}`;
        addOffice(db, id, n);
        const perDay = fill(db, id, share);
        const deps = inProcessDeps(db);
        const input = { locationId: id, services: [{ code: 'passport', persons: 1 }] };
        const daysCpu: number[] = [];
        let days: string[] = [];
        // Warm-up: the first run fills the office and occupancy caches, the next two let V8 optimise the day loops
        // (a node answers these thousands of times; the first calls of a process are not its steady cost).
        const WARM = 3;
        for (let r = 0; r < runs + WARM; r++) {
          const c0 = ownCpuMs();
          days = await findAvailableDays(deps, { ...input, from: FROM, to: TO });
          if (r >= WARM) daysCpu.push(ownCpuMs() - c0);
        }
        const dates = [...perDay.keys()];
        const day = dates[Math.floor(dates.length / 2)] as string;
        const timesCpu: number[] = [];
        for (let r = 0; r < 3 * runs + WARM; r++) {
          const c0 = ownCpuMs();
          await findAvailableTimes(deps, { ...input, date: day });
          if (r >= WARM) timesCpu.push(ownCpuMs() - c0);
        }
        const dayAppointments = perDay.get(day) ?? 0;
        const timesMs = median(timesCpu);
        out.push({
          counters: n,
          fillShare: share,
          appointments: [...perDay.values()].reduce((a, b) => a + b, 0),
          availableDays: days.length,
          availableDaysCpuMs: round(median(daysCpu), 1),
          dayAppointments,
          availableTimesCpuMs: round(timesMs, 2),
          availableTimesPerAppointmentUs: round((timesMs * 1000) / Math.max(1, dayAppointments), 1),
        });
      } finally {
        db.$client.close();
      }
    }
  return out;
}

export function schedulingSpeedAvailability(fillShare: number, runs: number) {
  return availabilitySpeed(fillShare, runs);
}

// ---------------------------------------------------------------------------------------------------------
// Call-next + broadcast + estimates with 200 waiting, against a bare socket.io broadcast (bench/hub/server.ts).

export interface CallCost {
  waiting: number;
  calls: number;
  displays: number;
  ours: NodeCallCost;
  /** The same measurement on another checkout (`baselineRoot`, e.g. the commit before a change), in the same run. */
  baseline?: NodeCallCost & { root: string };
  bare: { cpuMsPerCall: number; split?: CpuSplit };
  ratio: number;
}

export interface NodeCallCost {
  cpuMsPerCall: number;
  idleCorrectedCpuMsPerCall: number;
  errors: number;
  /** Messages one display and the pressing clerk's two sockets received per call + start, by event (acks apart). */
  messagesPerCall?: { display: Record<string, number>; clerks: Record<string, number> };
  /** With several rounds: each round's idle-corrected CPU per call, in the order measured (the mean is above). */
  rounds?: number[];
  /**
   * Raw CPU per call (ms, idle not subtracted) by thread kind and user/system mode (`cpuSplitOf`): where the /proc
   * figure goes that a CPU profile of the main thread does not show (kernel time of socket writes, other threads).
   */
  split?: CpuSplit;
}

function socketTo(url: string, auth: Record<string, string>, address: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(url, {
      auth,
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { 'x-forwarded-for': address },
    });
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

/**
 * Presses before the measured ones (the line holds them on top of `waiting`, so `waiting` are still there when the
 * measurement starts). Until 2026-12-07 there were 3: the measured presses then paid for V8 compiling the hot paths
 * (about 100 optimising compiles on background threads during the 16 s), which a server that has run for a while
 * no longer does.
 */
export const WARM_UP_PRESSES = 40;
const WARM_UP_SPACING_MS = 150;
/** Longer than any estimates run a press leaves pending (a start's waits up to 2 s for the next change). */
const PENDING_RUNS_MS = 2_600;

/** One node (of this checkout or of `root`) on a fresh copy of the template: its CPU per call-next + start. */
async function nodeCallCost(
  dir: string,
  template: Template,
  opts: { calls: number; waiting: number; displays: number; spacingMs: number },
  label: string,
  root?: string,
): Promise<NodeCallCost> {
  const dbPath = copyTemplate(template, join(dir, `cost-call-${label}.db`));
  const db = openDatabase(dbPath);
  const [loc] = addLocations(db, {
    prefix: 'cost',
    count: 1,
    countersPerLocation: 1,
    ticketsPerLocation: opts.waiting + WARM_UP_PRESSES + opts.calls,
    now: new Date(),
  });
  db.$client.close();
  if (!loc) throw new Error('no location');
  const sockets: Socket[] = [];
  const node = await startNode(`call-${label}`, await freePort(), nodeEnv(dbPath), 90_000, root);
  // LOKET_BENCH_NODE_LOG=<dir>: the node's stdout and stderr go to <dir>/node.<label>.log as well, with a line
  // `=== measured presses start|end ===` around the measured presses (e.g. with
  // LOKET_BENCH_NODE_FLAGS='--trace-opt --trace-deopt' to count what V8 recompiles while it is measured).
  const log = process.env.LOKET_BENCH_NODE_LOG
    ? createWriteStream(join(process.env.LOKET_BENCH_NODE_LOG, `node.${label}.log`))
    : null;
  if (log) {
    node.child.stdout?.on('data', (d: Buffer) => log.write(d));
    node.child.stderr?.on('data', (d: Buffer) => log.write(d));
  }
  try {
    for (let i = 0; i < opts.displays; i++)
      sockets.push(await socketTo(node.url, { token: loc.displayToken, locationId: loc.id }, '172.30.0.1'));
    // Two clerk sockets (two addresses) take turns, so neither meets the per-socket limit. They ask for batched facts
    // as the consoles do (shared-web/hub.ts; a checkout of before ignores it and sends one event per fact).
    const clerkAuth = { token: template.adminToken, facts: 'batched' };
    const clerks = [
      await socketTo(node.url, clerkAuth, '172.30.1.1'),
      await socketTo(node.url, clerkAuth, '172.30.1.2'),
    ];
    sockets.push(...clerks);
    const press = async (k: number) => {
      const s = clerks[k % 2] as Socket;
      const ack = (await s.timeout(10_000).emitWithAck('queue:call-next', { counterId: loc.counterIds[0] })) as {
        ok: boolean;
        data?: { ticket: { id: number } | null };
      };
      const called = ack.ok ? ack.data?.ticket : null;
      if (!called) return false;
      const started = (await s.timeout(10_000).emitWithAck('ticket:start', { ticketId: called.id })) as { ok: boolean };
      return started.ok;
    };
    // Warm-up: a server that has run for a while has compiled its hot paths; the first presses of a fresh node
    // compile them (on V8's background threads too, which /proc counts). Paced below the per-socket rate limit.
    for (let k = 0; k < WARM_UP_PRESSES; k++) {
      const next = performance.now() + WARM_UP_SPACING_MS;
      await press(k);
      await sleep(Math.max(0, next - performance.now()));
    }
    // Past the runs the last presses left pending (a start's run waits up to 2 s for the next change, publish.ts):
    // the idle rate must not count them (until 2026-12-07 1 s, when no run was left that long).
    await sleep(PENDING_RUNS_MS);
    const idle = await idleRate(node.child.pid, 3);
    const display: Record<string, number> = {};
    const clerkMessages: Record<string, number> = {};
    const count = (into: Record<string, number>) => (event: string) => {
      into[event] = (into[event] ?? 0) + 1;
    };
    sockets[0]?.onAny(count(display));
    for (const c of clerks) c.onAny(count(clerkMessages));
    // LOKET_BENCH_PERF=<dir>: `perf record` samples every thread of the node (user and kernel where allowed) during
    // the measured presses (perf.<label>.data; `perf report -i … --sort tid,dso,sym`). Run the node with
    // LOKET_BENCH_NODE_FLAGS=--perf-basic-prof to name the JavaScript frames.
    const perf = process.env.LOKET_BENCH_PERF
      ? track(
          spawn(
            'perf',
            [
              'record',
              '-F',
              '20000',
              '-g',
              '-p',
              String(node.child.pid),
              '-o',
              join(process.env.LOKET_BENCH_PERF, `perf.${label}.data`),
            ],
            { stdio: 'ignore' },
          ),
        )
      : null;
    if (perf) await sleep(500);
    log?.write('=== measured presses start ===\n');
    const cpu0 = cpuMsOf(node.child.pid);
    const split0 = cpuSplitOf(node.child.pid);
    const t0 = performance.now();
    let errors = 0;
    for (let k = 0; k < opts.calls; k++) {
      const next = performance.now() + opts.spacingMs;
      if (!(await press(k).catch(() => false))) errors++;
      await sleep(Math.max(0, next - performance.now()));
    }
    // The last press's estimates runs, counted with the presses (until 2026-12-07 500 ms: a start's run then came
    // 50 ms after it).
    await sleep(PENDING_RUNS_MS);
    const cpu = cpuMsOf(node.child.pid) - cpu0;
    const split = cpuSplitPer(split0, cpuSplitOf(node.child.pid), opts.calls);
    log?.write('=== measured presses end ===\n');
    if (perf) {
      perf.kill('SIGINT');
      await new Promise((r) => perf.once('exit', r));
    }
    const elapsed = (performance.now() - t0) / 1000;
    return {
      split,
      cpuMsPerCall: round(cpu / opts.calls, 2),
      idleCorrectedCpuMsPerCall: round(Math.max(0, cpu - idle * elapsed) / opts.calls, 2),
      errors,
      messagesPerCall: { display: perCall(display, opts.calls), clerks: perCall(clerkMessages, opts.calls) },
    };
  } finally {
    for (const s of sockets.splice(0)) s.disconnect();
    await killNode(node, 'SIGTERM');
    log?.end();
  }
}

function meanSplit(splits: CpuSplit[]): CpuSplit {
  const out: CpuSplit = {};
  for (const split of splits)
    for (const [name, v] of Object.entries(split)) {
      const slot = out[name] ?? { user: 0, system: 0 };
      slot.user += v.user / splits.length;
      slot.system += v.system / splits.length;
      out[name] = slot;
    }
  for (const v of Object.values(out)) {
    v.user = round(v.user, 2);
    v.system = round(v.system, 2);
  }
  return out;
}

function perCall(counts: Record<string, number>, calls: number): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([event, n]) => [event, round(n / calls, 2)]));
}

export async function callNextCost(
  dir: string,
  template: Template,
  opts: {
    calls: number;
    waiting: number;
    displays: number;
    spacingMs: number;
    baselineRoot?: string;
    /** Rounds per checkout (default: 2 with a baseline, else 1); more on a busy machine. */
    rounds?: number;
  },
): Promise<CallCost> {
  // Before and after alternate on the same machine state, and each goes first in every other round: baseline, ours,
  // ours, baseline, … — the mean of each. With the baseline always first, an A/A run (this checkout as its own
  // baseline, 4 rounds, 2026-12-07, load 8-12) gave the second node of each pair 0.41 ms per call more (6.52 against
  // 6.93): about what three before/after runs of #9's queue work showed as its "cost". Use an even number of rounds.
  const rounds = opts.rounds ?? (opts.baselineRoot ? 2 : 1);
  const mine: NodeCallCost[] = [];
  const before: NodeCallCost[] = [];
  for (let r = 0; r < rounds; r++) {
    const baseline = async () => {
      if (opts.baselineRoot) before.push(await nodeCallCost(dir, template, opts, `baseline-${r}`, opts.baselineRoot));
    };
    const ours = async () => {
      mine.push(await nodeCallCost(dir, template, opts, `ours-${r}`));
    };
    if (r % 2 === 0) {
      await baseline();
      await ours();
    } else {
      await ours();
      await baseline();
    }
  }
  const meanOf = (xs: NodeCallCost[]): NodeCallCost => ({
    cpuMsPerCall: round(xs.reduce((a, x) => a + x.cpuMsPerCall, 0) / xs.length, 2),
    idleCorrectedCpuMsPerCall: round(xs.reduce((a, x) => a + x.idleCorrectedCpuMsPerCall, 0) / xs.length, 2),
    errors: xs.reduce((a, x) => a + x.errors, 0),
    // Counted, not timed: the same in every round of a checkout (the last round's).
    messagesPerCall: xs[xs.length - 1]?.messagesPerCall,
    split: meanSplit(xs.map((x) => x.split ?? {})),
    ...(xs.length > 1 ? { rounds: xs.map((x) => x.idleCorrectedCpuMsPerCall) } : {}),
  });
  const ours = meanOf(mine);
  const baseline = opts.baselineRoot ? { ...meanOf(before), root: opts.baselineRoot } : undefined;
  const sockets: Socket[] = [];

  // The bare baseline of bench/hub (reused): socket.io that only broadcasts a ticket-sized call to the room.
  const port = await freePort();
  const bare: ChildProcess = track(
    fork(join(ROOT, 'bench', 'hub', 'server.ts'), ['bare', String(port)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    }),
  );
  let bareCost: CallCost['bare'];
  try {
    await new Promise<void>((resolve, reject) => {
      bare.stdout?.on('data', (d: Buffer) => {
        if (d.toString().includes('listening')) resolve();
      });
      bare.once('exit', (code) => reject(new Error(`bare socket.io exited ${code}`)));
    });
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < opts.displays; i++) sockets.push(await socketTo(url, { locationId: 'bare' }, '172.30.0.1'));
    const driver = await socketTo(url, {}, '172.30.1.1');
    sockets.push(driver);
    for (let k = 0; k < 3; k++) await driver.timeout(10_000).emitWithAck('call', { locationId: 'bare' });
    // Five times the calls at a fifth of the spacing: bare's CPU per call is near the 10 ms tick of /proc.
    const bareCalls = opts.calls * 5;
    const cpu0 = cpuMsOf(bare.pid);
    const split0 = cpuSplitOf(bare.pid);
    for (let k = 0; k < bareCalls; k++) {
      const next = performance.now() + opts.spacingMs / 5;
      await driver.timeout(10_000).emitWithAck('call', { locationId: 'bare' });
      await sleep(Math.max(0, next - performance.now()));
    }
    await sleep(500);
    bareCost = {
      cpuMsPerCall: round((cpuMsOf(bare.pid) - cpu0) / bareCalls, 3),
      split: cpuSplitPer(split0, cpuSplitOf(bare.pid), bareCalls),
    };
  } finally {
    for (const s of sockets.splice(0)) s.disconnect();
    bare.kill('SIGTERM');
  }
  return {
    waiting: opts.waiting,
    calls: opts.calls,
    displays: opts.displays,
    ours,
    ...(baseline ? { baseline } : {}),
    bare: bareCost,
    ratio: round(ours.idleCorrectedCpuMsPerCall / Math.max(0.001, bareCost.cpuMsPerCall), 1),
  };
}
