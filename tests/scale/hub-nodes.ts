import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStaffUser, DEMO_DEVICE_TOKEN, DEMO_PASSWORD } from '../helpers/auth.ts';
import { createTestContext } from '../helpers/context.ts';

const main = fileURLToPath(new URL('../../server/main.ts', import.meta.url));
export const ZIJL = 'haarlem-zijlsingel';

/**
 * One SQLite file for several node processes (WAL), seeded like the demo, with walk-in open all day every day
 * (the nodes run on the real clock), call-and-start on (so "next" can be pressed again and again) and a second
 * agent at the Zijlsingel.
 */
export async function seededDatabase(): Promise<{ path: string; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'loket-scale-hub-'));
  const path = join(dir, 'loket.db');
  const ctx = createTestContext({ dbPath: path });
  await createStaffUser(ctx, { username: 'agent-2', role: 'agent', locationIds: [ZIJL] });
  const sql = ctx.db.$client;
  sql
    .prepare(
      `UPDATE schedule_rules SET rrule = 'FREQ=DAILY', opens_at = '00:00', closes_at = '23:59'
       WHERE location_id = ? AND kind IN ('opening', 'walk-in')`,
    )
    .run(ZIJL);
  sql.prepare('DELETE FROM closures WHERE location_id = ? OR location_id IS NULL').run(ZIJL);
  sql.prepare('UPDATE locations SET call_and_start = 1 WHERE id = ?').run(ZIJL);
  sql.close();
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
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

/** `server/main.ts` in its own process on loopback, as an operator starts a node; resolves once /health answers. */
export async function startNode(
  name: string,
  env: { dbPath: string; redisUrl: string; keyPrefix: string },
): Promise<NodeProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOKET_DB: env.dbPath,
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
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
