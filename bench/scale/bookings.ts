/**
 * Part 1: bookings per second over HTTP — one SQLite process direct, then 1, 2 and 4 nodes behind HAProxy
 * on one PostgreSQL database (DATABASE_URL) + Redis — on many office-days (spread) and on one hot office-day
 * (release storm); then the invariants on the database. Also the clusters of parts 2 and 3 (startCluster).
 */
import pg from 'pg';
import { deleteRedisPrefix, pgUnavailable, redisUnavailable, uniquePrefix } from '../../tests/helpers/servers.ts';
import { freePort, round } from '../shared.ts';
import {
  cpuMsOf,
  killNode,
  type NodeProc,
  nodeEnv,
  onCleanup,
  sleep,
  startHaproxy,
  startNode,
  syscallsOf,
  threadCpuMsOf,
} from './cluster.ts';
import { checkSqlite, copyTemplate, type InvariantCheck, type Template } from './fixtures.ts';
import { hotWorkload, type LoadStats, Recorder, spreadWorkload } from './http-load.ts';
import { checkPostgres, copySqliteToPostgres, type PgCopy } from './postgres.ts';

export type Engine = 'sqlite' | 'postgresql';

/**
 * `--only=hot`: part 1 runs only the hot office-day (the release storm), for working on it; the spread rows then
 * say they were not run. The hot workload itself is the same.
 */
const ONLY_HOT = process.argv.includes('--only=hot');
/**
 * `--warm-per-node=N`: warm every node with N bookings (JIT, caches) instead of 200 for the whole cluster (the
 * default, so that figures stay comparable with earlier runs: with 4 nodes each then gets about 50).
 */
const WARM_PER_NODE = Number(process.argv.find((a) => a.startsWith('--warm-per-node='))?.split('=')[1]) || 0;
/**
 * `--warm-hot-per-node=N`: every node first takes N bookings of the hot workload on a day of its own (default 100;
 * 0: none, as until 2026-12-07).
 */
const WARM_HOT_ARG = process.argv.find((a) => a.startsWith('--warm-hot-per-node='))?.split('=')[1];
const WARM_HOT_PER_NODE = WARM_HOT_ARG === undefined ? 100 : Number(WARM_HOT_ARG) || 0;
/** Seconds of no load, after the warm-up, over which each node's idle CPU is measured. */
const IDLE_SECONDS = 5;

/** What the nodes serve from: an SQLite file (WAL, shared by the processes) or a PostgreSQL database. */
export type BenchDatabase = { engine: 'sqlite'; path: string } | { engine: 'postgresql'; copy: PgCopy };

/**
 * The template as the database of one run: a copy of the file, and on PostgreSQL that copy's rows in a fresh
 * database. `prepare` changes the SQLite copy first (with the SQLite helpers the benches share).
 */
export async function benchDatabase(
  template: Template,
  dir: string,
  label: string,
  engine: Engine,
  prepare?: (path: string) => void,
): Promise<BenchDatabase> {
  const path = copyTemplate(template, `${dir}/${label.replace(/\W+/g, '-')}.db`);
  prepare?.(path);
  return engine === 'sqlite' ? { engine, path } : { engine, copy: await copySqliteToPostgres(path) };
}

/** Invariants 1 and 2 on what the run left in its database. */
export function checkDatabase(database: BenchDatabase, acknowledged: Iterable<string>): Promise<InvariantCheck> {
  return database.engine === 'sqlite'
    ? Promise.resolve(checkSqlite(database.path, acknowledged))
    : checkPostgres(database.copy, acknowledged);
}

export interface Mode {
  name: string;
  engine: Engine;
  nodes: number;
  haproxy: boolean;
  redis: boolean;
}

/**
 * `--engine=postgresql` (or `sqlite`): part 1 runs only the modes on that engine, e.g. to compare a change to the
 * PostgreSQL path before and after in one sitting.
 */
export function selectedModes(modes: Mode[], argv = process.argv): Mode[] {
  const engine = argv.find((a) => a.startsWith('--engine='))?.slice('--engine='.length);
  // `--nodes=1,4`: only the modes with that many nodes (e.g. 1 against 4 with CPU profiles).
  const nodes = argv
    .find((a) => a.startsWith('--nodes='))
    ?.slice('--nodes='.length)
    .split(',')
    .map(Number);
  return modes.filter((m) => (!engine || m.engine === engine) && (!nodes || nodes.includes(m.nodes)));
}

export interface ModeResult {
  mode: string;
  nodes: number;
  spread: LoadStats;
  hot: LoadStats & { dayFull: boolean; availableTimesP99Ms: number };
  /** Node CPU (all nodes) per booking made, and HAProxy's, over both workloads. */
  nodeCpuMsPerBooking: number;
  haproxyCpuMsPerBooking: number | null;
  /** The CPU of the PostgreSQL backends serving this run's database per booking (not WAL writer, checkpointer). */
  postgresCpuMsPerBooking: number | null;
  /** The load generator's own CPU (this process: HTTP clients, proof-of-work) per booking. */
  loadCpuMsPerBooking: number;
  /** Each node's CPU while nobody used it (ms per s, over IDLE_SECONDS after the warm-up): timers, the log tail. */
  idleCpuMsPerSecond: number[];
  /** Bookings each node was warmed with (about 200 / nodes, or `--warm-per-node`). */
  warmPerNode: number;
  /** Hot-workload bookings each node took on its own warm-up day (`--warm-hot-per-node`), per node. */
  warmHotPerNode?: number[];
  /** The checkout the nodes ran (`--baseline`), when not this one. */
  root?: string;
  invariants: InvariantCheck;
}

/**
 * CPU time (ms) so far of the PostgreSQL backends connected to `database`, by pid (from /proc: the bench runs on the
 * database's machine). A backend that ends between two samples takes its time with it: the pools keep theirs open.
 */
export async function postgresBackendsCpu(url: string): Promise<Map<number, number> | null> {
  const client = new pg.Client({ connectionString: url, application_name: 'loket-bench-cpu' });
  try {
    await client.connect();
    const { rows } = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    const cpu = new Map<number, number>();
    for (const { pid } of rows) {
      const ms = cpuMsOf(pid);
      if (Number.isFinite(ms)) cpu.set(pid, ms);
    }
    return cpu;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The run's database's transaction counters so far (pg_stat_database; the statistics lag up to ~1 s). */
async function postgresCounters(url: string): Promise<Record<string, number> | null> {
  const client = new pg.Client({ connectionString: url, application_name: 'loket-bench-cpu' });
  try {
    await client.connect();
    const { rows } = await client.query<Record<string, string>>(
      `SELECT xact_commit, xact_rollback, deadlocks, tup_returned, tup_fetched, tup_inserted, tup_updated
         FROM pg_stat_database WHERE datname = current_database()`,
    );
    return Object.fromEntries(Object.entries(rows[0] ?? {}).map(([k, v]) => [k, Number(v)]));
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

export interface Cluster {
  nodes: NodeProc[];
  /** The URL clients use: HAProxy's, or the single node's. */
  url: string;
  haproxyPid?: number;
  /** HAProxy's log of its servers going DOWN and UP (cluster.ts `startHaproxy`). */
  haproxyEvents?: { at: number; line: string }[];
  redisPrefix?: string;
  stop(): Promise<void>;
}

/** N nodes of `server/main.ts` on one database (+ Redis when asked), behind HAProxy when asked. */
export async function startCluster(
  dir: string,
  database: BenchDatabase,
  mode: Omit<Mode, 'name' | 'engine'>,
  extraEnv: Record<string, string> = {},
  root?: string,
): Promise<Cluster> {
  const redisPrefix = mode.redis ? uniquePrefix('bench-scale') : undefined;
  if (redisPrefix) onCleanup(() => deleteRedisPrefix(redisPrefix));
  const sqlite = database.engine === 'sqlite';
  const env = nodeEnv(sqlite ? database.path : database.copy.source, {
    REDIS_URL: mode.redis ? process.env.LOKET_TEST_REDIS_URL || 'redis://127.0.0.1:6379' : undefined,
    REDIS_KEY_PREFIX: redisPrefix,
    // DATABASE_URL wins over LOKET_DB; the file is left out on PostgreSQL so nothing can open it by mistake.
    DATABASE_URL: sqlite ? undefined : database.copy.url,
    LOKET_DB: sqlite ? database.path : undefined,
    ...extraEnv,
  });
  const ports = await Promise.all(Array.from({ length: mode.nodes }, () => freePort()));
  const nodes = await Promise.all(ports.map((port, k) => startNode(`n${k + 1}`, port, env, undefined, root)));
  const haproxy = mode.haproxy ? await startHaproxy(dir, nodes, root) : null;
  return {
    nodes,
    url: haproxy ? `http://127.0.0.1:${haproxy.port}` : (nodes[0] as NodeProc).url,
    haproxyPid: haproxy?.child.pid,
    haproxyEvents: haproxy?.serverEvents,
    redisPrefix,
    stop: async () => {
      await haproxy?.stop();
      await Promise.all(nodes.map((n) => killNode(n, 'SIGTERM')));
      if (redisPrefix) await deleteRedisPrefix(redisPrefix);
    },
  };
}

export async function runMode(
  dir: string,
  template: Template,
  mode: Mode,
  opts: { seconds: number; connections: number; hotSeconds: number },
  root?: string,
): Promise<ModeResult> {
  const database = await benchDatabase(template, dir, mode.name, mode.engine);
  const cluster = await startCluster(dir, database, mode, {}, root);
  try {
    // Warm-up (JIT, caches, keep-alive): bookings at the end of the window, checked like the rest. Bounded by count
    // and by time; until 2026-12-07 the default's time bound was 2 s, which a loaded machine cut short (1–2 s for 200
    // bookings when quiet; 12–50 per node of 4 nodes at load 10–20): a node warmed with fewer bookings spent up to a
    // third more CPU per hot-day booking (the "warm-up bookings per node" column), so the bound is 10 s now.
    // The spread's bookings warm POST /appointments only; the hot day's residents also list the day's free times on a
    // day that fills, a path the spread never takes, so until 2026-12-07 each node met it first inside the measured
    // window, on 1/N of the traffic. So every node, directly, first takes WARM_HOT_PER_NODE bookings of the hot
    // workload on a day of its own (the latest office-day, left out of the spread), the same on every node and for
    // every checkout. Measured (load 11–20): it did not change the 4-node/1-node ratio of node CPU per booking
    // (2.1–2.3 with and without), so a cold JIT was not why 4 nodes cost more; see the bench's diagnostics below.
    const warmDay = template.spreadStarts.reduce((max, s) => (s.slice(0, 10) > max ? s.slice(0, 10) : max), '');
    const starts = template.spreadStarts.filter((s) => s.slice(0, 10) !== warmDay);
    const warmCount = WARM_PER_NODE > 0 ? WARM_PER_NODE * mode.nodes : 200;
    const warmStarts = starts.slice(-warmCount);
    const warm = await spreadWorkload(
      cluster.url,
      warmStarts,
      1,
      8,
      WARM_PER_NODE > 0 ? Math.max(2, warmCount / 20) : 10,
    );
    const warmHot =
      WARM_HOT_PER_NODE > 0
        ? await Promise.all(
            cluster.nodes.map((n) =>
              hotWorkload(n.url, warmDay, 4, Math.max(5, WARM_HOT_PER_NODE / 10), WARM_HOT_PER_NODE),
            ),
          )
        : [];
    // Idle: no request but HAProxy's health checks.
    const idle0 = cluster.nodes.map((n) => cpuMsOf(n.child.pid));
    const threads0 = threadCpu(cluster.nodes);
    const idleT0 = performance.now();
    await sleep(IDLE_SECONDS * 1000);
    const idleSeconds = (performance.now() - idleT0) / 1000;
    const idleCpuMsPerSecond = cluster.nodes.map((n, k) =>
      round((cpuMsOf(n.child.pid) - (idle0[k] as number)) / idleSeconds, 1),
    );
    const cpu0 = cluster.nodes.map((n) => cpuMsOf(n.child.pid));
    const threads1 = threadCpu(cluster.nodes);
    const calls1 = cluster.nodes.map((n) => syscallsOf(n.child.pid));
    const hap0 = cpuMsOf(cluster.haproxyPid);
    const pg0 = database.engine === 'postgresql' ? await postgresBackendsCpu(database.copy.url) : null;
    const counters0 =
      process.env.LOKET_BENCH_THREADS && database.engine === 'postgresql'
        ? await postgresCounters(database.copy.url)
        : null;
    const load0 = process.cpuUsage();
    const window0 = process.hrtime.bigint() / 1000n;
    const spreadStarts = starts.slice(0, -warmCount);
    const spread = ONLY_HOT
      ? { stats: new Recorder().stats('spread (not run: --only=hot)', opts.connections), references: [] }
      : await spreadWorkload(cluster.url, spreadStarts, template.perStart, opts.connections, opts.seconds);
    // LOKET_BENCH_HOT_ONE_NODE=1 (a diagnosis): the hot day's residents all go to the first node, the others idle.
    const hotUrl = process.env.LOKET_BENCH_HOT_ONE_NODE ? (cluster.nodes[0] as NodeProc).url : cluster.url;
    const hot = await hotWorkload(hotUrl, template.hotDay, opts.connections, opts.hotSeconds);
    const load = process.cpuUsage(load0);
    // With CPU profiles: the measured window on the monotonic clock the profiles' timestamps use (µs), per node pid.
    if (process.env.LOKET_BENCH_CPU_PROF)
      console.log(
        `  cpu-prof window ${mode.name}: pids ${cluster.nodes.map((n) => n.child.pid).join(',')} from ${window0} to ${process.hrtime.bigint() / 1000n}`,
      );
    const threads2 = threadCpu(cluster.nodes);
    const calls2 = cluster.nodes.map((n) => syscallsOf(n.child.pid));
    const nodeCpu = cluster.nodes.reduce((s, n, k) => s + cpuMsOf(n.child.pid) - (cpu0[k] as number), 0);
    const hapCpu = cluster.haproxyPid ? cpuMsOf(cluster.haproxyPid) - hap0 : null;
    const pg1 = database.engine === 'postgresql' ? await postgresBackendsCpu(database.copy.url) : null;
    const pgCpu = pg0 && pg1 ? [...pg1].reduce((s, [pid, ms]) => s + ms - (pg0.get(pid) ?? 0), 0) : null;
    const booked = spread.stats.booked + hot.stats.booked;
    if (process.env.LOKET_BENCH_THREADS) {
      const per = (a: Map<string, number>, b: Map<string, number>, by: number) =>
        [...b].map(([name, ms]) => `${name} ${round((ms - (a.get(name) ?? 0)) / by, 2)}`).join(', ');
      console.log(`  threads ${mode.name}: idle ms/s ${per(threads0, threads1, idleSeconds)}`);
      console.log(`  threads ${mode.name}: measured ms/booking ${per(threads1, threads2, Math.max(1, booked))}`);
      const calls: Record<string, number> = {};
      cluster.nodes.forEach((_, k) => {
        for (const [key, v] of Object.entries(calls2[k] ?? {}))
          calls[key] = (calls[key] ?? 0) + v - (calls1[k]?.[key] ?? 0);
      });
      console.log(
        `  nodes ${mode.name} per booking: ${Object.entries(calls)
          .map(([key, v]) => `${key} ${round(v / Math.max(1, booked), 1)}`)
          .join(', ')}`,
      );
      if (counters0 && database.engine === 'postgresql') {
        await sleep(1_500);
        const counters1 = await postgresCounters(database.copy.url);
        if (counters1)
          console.log(
            `  postgres ${mode.name} per booking: ${Object.entries(counters1)
              .map(([k, v]) => `${k} ${round((v - (counters0[k] ?? 0)) / Math.max(1, booked), 2)}`)
              .join(', ')}`,
          );
      }
    }
    await cluster.stop();
    const invariants = await checkDatabase(database, [
      ...warm.references,
      ...warmHot.flatMap((w) => w.references),
      ...spread.references,
      ...hot.references,
    ]);
    return {
      mode: mode.name,
      nodes: mode.nodes,
      spread: spread.stats,
      hot: { ...hot.stats, dayFull: hot.full, availableTimesP99Ms: hot.listP99Ms },
      nodeCpuMsPerBooking: round(nodeCpu / Math.max(1, booked), 2),
      haproxyCpuMsPerBooking: hapCpu === null ? null : round(hapCpu / Math.max(1, booked), 2),
      postgresCpuMsPerBooking: pgCpu === null ? null : round(pgCpu / Math.max(1, booked), 2),
      loadCpuMsPerBooking: round((load.user + load.system) / 1000 / Math.max(1, booked), 2),
      idleCpuMsPerSecond,
      warmPerNode: Math.round(warm.references.length / mode.nodes),
      warmHotPerNode: warmHot.map((w) => w.stats.booked),
      root,
      invariants,
    };
  } finally {
    await cluster.stop();
  }
}

/** CPU (ms) of the nodes' threads so far, summed by thread name over the nodes. */
function threadCpu(nodes: NodeProc[]): Map<string, number> {
  const sum = new Map<string, number>();
  for (const n of nodes) for (const [name, ms] of threadCpuMsOf(n.child.pid)) sum.set(name, (sum.get(name) ?? 0) + ms);
  return sum;
}

/** null when PostgreSQL answers, else why not. */
export function postgresProbe(): Promise<string | null> {
  return pgUnavailable();
}

export async function redisProbe(): Promise<string | null> {
  return redisUnavailable();
}
