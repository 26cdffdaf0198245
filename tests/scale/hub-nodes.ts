import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planDemoAccess } from '../../db/demo-access.ts';
import { openPool } from '../../db/pg/client.ts';
import { preparePgDatabase } from '../../db/pg/migrate.ts';
import { hashPassword } from '../../server/auth/password.ts';
import { testConfig } from '../../server/config.ts';
import { createStaffUser, DEMO_DEVICE_TOKEN, DEMO_PASSWORD } from '../helpers/auth.ts';
import { createTestContext } from '../helpers/context.ts';
import { createPgTestDatabase, deleteRedisPrefix, redisTestUrl, uniquePrefix } from '../helpers/servers.ts';

const main = fileURLToPath(new URL('../../server/main.ts', import.meta.url));
export const ZIJL = 'haarlem-zijlsingel';

/** Where the nodes keep their data: one SQLite file (WAL) shared by the processes, or one PostgreSQL database. */
export type NodeDatabase = { engine: 'sqlite'; path: string } | { engine: 'postgresql'; url: string };
export type Engine = NodeDatabase['engine'];

export interface SeededDatabase {
  database: NodeDatabase;
  remove(): Promise<void> | void;
}

/**
 * What the hub tests change in the demo: walk-in open all day every day (the nodes run on the real clock),
 * call-and-start on (so "next" can be pressed again and again). Portable SQL: `?` placeholders, no booleans.
 */
const HUB_DAY = [
  `UPDATE schedule_rules SET rrule = 'FREQ=DAILY', opens_at = '00:00', closes_at = '23:59'
   WHERE location_id = ? AND kind IN ('opening', 'walk-in')`,
  'DELETE FROM closures WHERE location_id = ? OR location_id IS NULL',
];

/**
 * A seeded database for several node processes, with the demo as `npm start` seeds it and a second agent at
 * the Zijlsingel. `hubDay` (the default) opens walk-in all day every day with call-and-start on; without it the
 * demo's opening hours stay (the booking tests rely on them). Each test gets a database of its own:
 * a temporary SQLite file, or a fresh PostgreSQL database (createPgTestDatabase) that `remove()` drops.
 */
export async function seededDatabase(
  engine: Engine = 'sqlite',
  options: { hubDay?: boolean } = {},
): Promise<SeededDatabase> {
  const hubDay = options.hubDay ?? true;
  return engine === 'sqlite' ? seededSqlite(hubDay) : seededPostgres(hubDay);
}

async function seededSqlite(hubDay: boolean): Promise<SeededDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'loket-scale-hub-'));
  const path = join(dir, 'loket.db');
  const ctx = createTestContext({ dbPath: path });
  await createStaffUser(ctx, { username: 'agent-2', role: 'agent', locationIds: [ZIJL] });
  const sql = ctx.db.$client;
  if (hubDay) {
    for (const statement of HUB_DAY) sql.prepare(statement).run(ZIJL);
    sql.prepare('UPDATE locations SET call_and_start = 1 WHERE id = ?').run(ZIJL);
  }
  sql.close();
  return { database: { engine: 'sqlite', path }, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `?` → `$1, $2, …` for node-postgres. */
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

async function seededPostgres(hubDay: boolean): Promise<SeededDatabase> {
  const created = await createPgTestDatabase();
  try {
    const pool = openPool(created.url, { max: 2, applicationName: 'loket-test-setup' });
    try {
      // What a node does on its first start (db/pg/migrate.ts), with the tests' demo password and device token.
      const config = testConfig({ LOKET_DEMO_PASSWORD: DEMO_PASSWORD, LOKET_DEMO_DEVICE_TOKEN: DEMO_DEVICE_TOKEN });
      await preparePgDatabase(pool, { seedDemo: true, demoAccess: planDemoAccess(config, new Date()).rows });
      const passwordHash = await hashPassword(DEMO_PASSWORD);
      const user = await pool.query<{ id: number }>(
        `INSERT INTO staff_users (municipality_id, username, display_name, role, password_hash)
         VALUES ('haarlem', 'agent-2', 'agent-2', 'agent', $1) RETURNING id`,
        [passwordHash],
      );
      await pool.query('INSERT INTO staff_locations (user_id, location_id) VALUES ($1, $2)', [user.rows[0]?.id, ZIJL]);
      if (hubDay) {
        for (const statement of HUB_DAY) await pool.query(numbered(statement), [ZIJL]);
        await pool.query('UPDATE locations SET call_and_start = true WHERE id = $1', [ZIJL]);
      }
    } finally {
      await pool.end();
    }
  } catch (error) {
    await created.drop();
    throw error;
  }
  return { database: { engine: 'postgresql', url: created.url }, remove: () => created.drop() };
}

export interface NodeProcess {
  name: string;
  url: string;
  port: number;
  child: ChildProcess;
  /** stderr and stdout of the node, for a failing test's message. */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Every node process still running; killed when the test process exits, whatever the clean-up did or did not. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** `server/main.ts` in its own process on loopback, as an operator starts a node; resolves once /health answers. */
export async function startNode(
  name: string,
  env: { database: NodeDatabase; redisUrl: string; keyPrefix: string; extra?: Record<string, string>; port?: number },
): Promise<NodeProcess> {
  // A restarted node takes its old port back, as behind a load balancer whose configuration names it.
  const port = env.port ?? (await freePort());
  const { DATABASE_URL: _url, LOKET_DB: _file, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: {
      ...inherited,
      PORT: String(port),
      HOST: '127.0.0.1',
      // DATABASE_URL wins over LOKET_DB (server/config.ts); the other is left out so a node cannot pick the wrong one.
      ...(env.database.engine === 'sqlite' ? { LOKET_DB: env.database.path } : { DATABASE_URL: env.database.url }),
      REDIS_URL: env.redisUrl,
      REDIS_KEY_PREFIX: env.keyPrefix,
      LOKET_SEED_DEMO: 'true',
      LOKET_DEMO_HISTORY_DAYS: '0',
      LOKET_DEMO_PASSWORD: DEMO_PASSWORD,
      LOKET_DEMO_DEVICE_TOKEN: DEMO_DEVICE_TOKEN,
      LOG_LEVEL: 'warn',
      // The tests' clients all come from 127.0.0.1.
      HUB_MAX_CONNECTIONS_PER_ADDRESS: '1000',
      RATE_LIMIT_LOOKUPS_PER_MINUTE: '10000',
      ...env.extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const node: NodeProcess = {
    name,
    url,
    port,
    child,
    output: () => output,
    kill: (signal = 'SIGKILL') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`node ${name} exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/api/v1/health`);
      if (res.ok) return node;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await node.kill();
      throw new Error(`node ${name} did not answer /health within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Cluster {
  nodes: NodeProcess[];
  database: NodeDatabase;
  keyPrefix: string;
  /** Starts node `i` again on its port (after a kill), with the same settings; replaces it in `nodes`. */
  restart(i: number): Promise<NodeProcess>;
}

/**
 * `count` node processes on one seeded database (see seededDatabase) and one fresh Redis key prefix, named A, B, C….
 * Everything started is handed to `onCleanup` (run last-registered first by the caller): nodes killed, the key
 * prefix deleted, the database removed. On SQLite the nodes start one after the other (the first opens the file
 * before the others); on PostgreSQL at the same moment, as an operator's nodes may (the migration lock orders them).
 */
export async function startCluster(
  count: number,
  options: {
    engine: Engine;
    onCleanup: (fn: () => Promise<unknown> | unknown) => void;
    hubDay?: boolean;
    extra?: Record<string, string>;
  },
): Promise<Cluster> {
  const seeded = await seededDatabase(options.engine, { hubDay: options.hubDay });
  options.onCleanup(() => seeded.remove());
  const keyPrefix = uniquePrefix(`scale-${options.engine}`);
  options.onCleanup(() => deleteRedisPrefix(keyPrefix));
  const settings = { database: seeded.database, redisUrl: redisTestUrl(), keyPrefix, extra: options.extra };
  const names = Array.from({ length: count }, (_, i) => String.fromCharCode(65 + i));
  const started = async (name: string, port?: number) => {
    const node = await startNode(name, { ...settings, port });
    options.onCleanup(() => node.kill());
    return node;
  };
  const nodes: NodeProcess[] = [];
  if (options.engine === 'postgresql') nodes.push(...(await Promise.all(names.map((n) => started(n)))));
  else for (const name of names) nodes.push(await started(name));
  return {
    nodes,
    database: seeded.database,
    keyPrefix,
    restart: async (i) => {
      const old = nodes[i];
      if (!old) throw new Error(`no node ${i}`);
      await old.kill('SIGKILL');
      const node = await started(old.name, old.port);
      nodes[i] = node;
      return node;
    },
  };
}

/**
 * The load balancer of the tests, on loopback: each TCP connection goes to the first backend that accepts it, in
 * the order of `prefer(...)`. A killed node refuses, so its clients land on another when they reconnect.
 */
export async function startBalancer(
  backends: () => number[],
): Promise<{ url: string; close(): Promise<void>; server: Server }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    const targets = backends();
    const attempt = (i: number) => {
      const port = targets[i];
      if (port === undefined) return client.destroy();
      const upstream = tcpConnect(port, '127.0.0.1');
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        sockets.add(upstream);
        upstream.on('close', () => {
          sockets.delete(upstream);
          client.destroy();
        });
        client.on('close', () => upstream.destroy());
        upstream.on('error', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      upstream.once('error', () => {
        if (!connected) attempt(i + 1);
      });
    };
    attempt(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: tests read answers loosely
export async function http<T = any>(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

export async function signIn(url: string, username: string): Promise<string> {
  const res = await http<{ token: string }>(url, 'POST', '/sessions', { body: { username, password: DEMO_PASSWORD } });
  if (res.status !== 201) throw new Error(`sign-in as ${username} failed: ${res.status}`);
  return res.body.token;
}

export async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
