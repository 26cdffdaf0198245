/**
 * Part 1: bookings per second over HTTP — one SQLite process direct, then 1, 2 and 4 nodes behind HAProxy
 * on one PostgreSQL database (DATABASE_URL) + Redis — on many office-days (spread) and on one hot office-day
 * (release storm); then the invariants on the database. Also the clusters of parts 2 and 3 (startCluster).
 */
import { deleteRedisPrefix, pgUnavailable, redisUnavailable, uniquePrefix } from '../../tests/helpers/servers.ts';
import { freePort, round } from '../shared.ts';
import { cpuMsOf, killNode, type NodeProc, nodeEnv, onCleanup, startHaproxy, startNode } from './cluster.ts';
import { checkSqlite, copyTemplate, type InvariantCheck, type Template } from './fixtures.ts';
import { hotWorkload, type LoadStats, Recorder, spreadWorkload } from './http-load.ts';
import { checkPostgres, copySqliteToPostgres, type PgCopy } from './postgres.ts';

export type Engine = 'sqlite' | 'postgresql';

/**
 * `--only=hot`: part 1 runs only the hot office-day (the release storm), for working on it; the spread rows then
 * say they were not run. The hot workload itself is the same.
 */
const ONLY_HOT = process.argv.includes('--only=hot');

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
  invariants: InvariantCheck;
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
  const nodes = await Promise.all(ports.map((port, k) => startNode(`n${k + 1}`, port, env)));
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
): Promise<ModeResult> {
  const database = await benchDatabase(template, dir, mode.name, mode.engine);
  const cluster = await startCluster(dir, database, mode);
  try {
    // Warm-up (JIT, caches, keep-alive): bookings at the end of the window, checked like the rest.
    const warm = await spreadWorkload(cluster.url, template.spreadStarts.slice(-200), 1, 8, 2);
    const cpu0 = cluster.nodes.map((n) => cpuMsOf(n.child.pid));
    const hap0 = cpuMsOf(cluster.haproxyPid);
    const spreadStarts = template.spreadStarts.slice(0, -200);
    const spread = ONLY_HOT
      ? { stats: new Recorder().stats('spread (not run: --only=hot)', opts.connections), references: [] }
      : await spreadWorkload(cluster.url, spreadStarts, template.perStart, opts.connections, opts.seconds);
    const hot = await hotWorkload(cluster.url, template.hotDay, opts.connections, opts.hotSeconds);
    const nodeCpu = cluster.nodes.reduce((s, n, k) => s + cpuMsOf(n.child.pid) - (cpu0[k] as number), 0);
    const hapCpu = cluster.haproxyPid ? cpuMsOf(cluster.haproxyPid) - hap0 : null;
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
