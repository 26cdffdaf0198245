/**
 * Part 1: bookings per second over HTTP — one SQLite process direct, then 1, 2 and 4 nodes behind HAProxy
 * on one SQLite file (WAL) + Redis, and PostgreSQL nodes once `DATABASE_URL` storage works — on many
 * office-days (spread) and on one hot office-day (release storm); then the invariants on the database.
 */
import pg from 'pg';
import {
  createPgTestDatabase,
  deleteRedisPrefix,
  pgUnavailable,
  redisUnavailable,
  uniquePrefix,
} from '../../tests/helpers/servers.ts';
import {
  cpuMsOf,
  freePort,
  killNode,
  lastMeaningfulLine,
  type NodeProc,
  NodeRefused,
  nodeEnv,
  onCleanup,
  startHaproxy,
  startNode,
} from './cluster.ts';
import { checkSqlite, copyTemplate, type InvariantCheck, type Template } from './fixtures.ts';
import { hotWorkload, type LoadStats, round, spreadWorkload } from './http-load.ts';

export interface Mode {
  name: string;
  nodes: number;
  haproxy: boolean;
  redis: boolean;
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

/** N nodes of `server/main.ts` on one SQLite file (+ Redis when asked), behind HAProxy when asked. */
export async function startCluster(
  dir: string,
  dbPath: string,
  mode: Omit<Mode, 'name'>,
  extraEnv: Record<string, string> = {},
): Promise<Cluster> {
  const redisPrefix = mode.redis ? uniquePrefix('bench-scale') : undefined;
  if (redisPrefix) onCleanup(() => deleteRedisPrefix(redisPrefix));
  const env = nodeEnv(dbPath, {
    REDIS_URL: mode.redis ? process.env.LOKET_TEST_REDIS_URL || 'redis://127.0.0.1:6379' : undefined,
    REDIS_KEY_PREFIX: redisPrefix,
    DATABASE_URL: undefined,
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
  const dbPath = copyTemplate(template, `${dir}/${mode.name.replace(/\W+/g, '-')}.db`);
  const cluster = await startCluster(dir, dbPath, mode);
  try {
    // Warm-up (JIT, caches, keep-alive): bookings at the end of the window, checked like the rest.
    const warm = await spreadWorkload(cluster.url, template.spreadStarts.slice(-200), 1, 8, 2);
    const cpu0 = cluster.nodes.map((n) => cpuMsOf(n.child.pid));
    const hap0 = cpuMsOf(cluster.haproxyPid);
    const spreadStarts = template.spreadStarts.slice(0, -200);
    const spread = await spreadWorkload(cluster.url, spreadStarts, template.perStart, opts.connections, opts.seconds);
    const hot = await hotWorkload(cluster.url, template.hotDay, opts.connections, opts.hotSeconds);
    const nodeCpu = cluster.nodes.reduce((s, n, k) => s + cpuMsOf(n.child.pid) - (cpu0[k] as number), 0);
    const hapCpu = cluster.haproxyPid ? cpuMsOf(cluster.haproxyPid) - hap0 : null;
    const booked = spread.stats.booked + hot.stats.booked;
    await cluster.stop();
    const invariants = checkSqlite(dbPath, [...warm.references, ...spread.references, ...hot.references]);
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

export interface PgProbe {
  available: boolean;
  message: string;
}

/**
 * Whether a node serves from PostgreSQL: start one with DATABASE_URL on a fresh database. A node that
 * refuses to start, or starts without creating a single table there, is reported as not available (with
 * the node's own message); nothing is faked.
 */
export async function probePostgres(dir: string, template: Template): Promise<PgProbe> {
  const unreachable = await pgUnavailable();
  if (unreachable) return { available: false, message: `PostgreSQL not reachable: ${unreachable}` };
  const database = await createPgTestDatabase();
  onCleanup(() => database.drop());
  const env = nodeEnv(copyTemplate(template, `${dir}/pg-probe.db`), { DATABASE_URL: database.url });
  let node: NodeProc | null = null;
  try {
    node = await startNode('pg1', await freePort(), env, 60_000);
  } catch (error) {
    if (error instanceof NodeRefused) return { available: false, message: lastMeaningfulLine(error.output) };
    return { available: false, message: (error as Error).message.split('\n')[0] ?? 'failed' };
  } finally {
    if (node) await killNode(node, 'SIGTERM');
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const r = await client.query(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'appointments'",
    );
    if ((r.rows[0] as { n: number }).n === 0)
      return {
        available: false,
        message:
          'the node started with DATABASE_URL set but created no appointments table in PostgreSQL (it ignores it)',
      };
  } finally {
    await client.end();
  }
  return {
    available: true,
    message:
      'a node starts on PostgreSQL, but this bench does not yet seed its 20-counter office there (no PostgreSQL fixtures yet)',
  };
}

export async function redisProbe(): Promise<string | null> {
  return redisUnavailable();
}
