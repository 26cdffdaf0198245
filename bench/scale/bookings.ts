/**
 * Part 1: bookings per second over HTTP — one SQLite process direct, then 1, 2 and 4 nodes behind HAProxy
 * on one PostgreSQL database (DATABASE_URL) + Redis — on many office-days (spread) and on one hot office-day
 * (release storm); then the invariants on the database. Also the clusters of parts 2 and 3 (startCluster).
 */
import pg from 'pg';
import { deleteRedisPrefix, pgUnavailable, redisUnavailable, uniquePrefix } from '../../tests/helpers/servers.ts';
import { freePort, round } from '../shared.ts';
import { cpuMsOf, killNode, type NodeProc, nodeEnv, onCleanup, sleep, startHaproxy, startNode } from './cluster.ts';
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
  return engine ? modes.filter((m) => m.engine === engine) : modes;
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
  /** The checkout the nodes ran (`--baseline`), when not this one. */
  root?: string;
  invariants: InvariantCheck;
}

/**
 * CPU time (ms) so far of the PostgreSQL backends connected to `database`, by pid (from /proc: the bench runs on the
 * database's machine). A backend that ends between two samples takes its time with it: the pools keep theirs open.
 */
async function postgresBackendsCpu(url: string): Promise<Map<number, number> | null> {
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

export interface Cluster {
  nodes: NodeProc[];
  /** The URL clients use: HAProxy's, or the single node's. */
  url: string;
  haproxyPid?: number;
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
  const haproxy = mode.haproxy ? await startHaproxy(dir, nodes) : null;
  return {
    nodes,
    url: haproxy ? `http://127.0.0.1:${haproxy.port}` : (nodes[0] as NodeProc).url,
    haproxyPid: haproxy?.child.pid,
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
    const warmCount = WARM_PER_NODE > 0 ? WARM_PER_NODE * mode.nodes : 200;
    const warmStarts = template.spreadStarts.slice(-warmCount);
    const warm = await spreadWorkload(
      cluster.url,
      warmStarts,
      1,
      8,
      WARM_PER_NODE > 0 ? Math.max(2, warmCount / 20) : 10,
    );
    // Idle: no request but HAProxy's health checks.
    const idle0 = cluster.nodes.map((n) => cpuMsOf(n.child.pid));
    const idleT0 = performance.now();
    await sleep(IDLE_SECONDS * 1000);
    const idleSeconds = (performance.now() - idleT0) / 1000;
    const idleCpuMsPerSecond = cluster.nodes.map((n, k) =>
      round((cpuMsOf(n.child.pid) - (idle0[k] as number)) / idleSeconds, 1),
    );
    const cpu0 = cluster.nodes.map((n) => cpuMsOf(n.child.pid));
    const hap0 = cpuMsOf(cluster.haproxyPid);
    const pg0 = database.engine === 'postgresql' ? await postgresBackendsCpu(database.copy.url) : null;
    const load0 = process.cpuUsage();
    const spreadStarts = template.spreadStarts.slice(0, -warmCount);
    const spread = ONLY_HOT
      ? { stats: new Recorder().stats('spread (not run: --only=hot)', opts.connections), references: [] }
      : await spreadWorkload(cluster.url, spreadStarts, template.perStart, opts.connections, opts.seconds);
    const hot = await hotWorkload(cluster.url, template.hotDay, opts.connections, opts.hotSeconds);
    const load = process.cpuUsage(load0);
    const nodeCpu = cluster.nodes.reduce((s, n, k) => s + cpuMsOf(n.child.pid) - (cpu0[k] as number), 0);
    const hapCpu = cluster.haproxyPid ? cpuMsOf(cluster.haproxyPid) - hap0 : null;
    const pg1 = database.engine === 'postgresql' ? await postgresBackendsCpu(database.copy.url) : null;
    const pgCpu = pg0 && pg1 ? [...pg1].reduce((s, [pid, ms]) => s + ms - (pg0.get(pid) ?? 0), 0) : null;
    const booked = spread.stats.booked + hot.stats.booked;
    await cluster.stop();
    const invariants = await checkDatabase(database, [...warm.references, ...spread.references, ...hot.references]);
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
      root,
      invariants,
    };
  } finally {
    await cluster.stop();
  }
}

/** null when PostgreSQL answers, else why not. */
export function postgresProbe(): Promise<string | null> {
  return pgUnavailable();
}

export async function redisProbe(): Promise<string | null> {
  return redisUnavailable();
}
