import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import type { Db } from '../../../db/client.ts';
import { createApp } from '../../../server/app.ts';
import type { Clock } from '../../../server/clock.ts';
import type { Config } from '../../../server/config.ts';
import type { Deps } from '../../../server/deps.ts';
import { attachHub, type Hub } from '../../../server/hub/hub.ts';
import { createTestContext } from '../../helpers/context.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export type WebApp = 'booking' | 'kiosk' | 'display' | 'agent-ui';
const built = new Set<WebApp>();
/** Builds the named front-ends once per test process (the build script skips apps that are up to date). */
export function ensureWebBuilt(
  apps: readonly WebApp[] = ['booking', 'kiosk', 'display', 'agent-ui'],
  options: { force?: boolean } = {},
): void {
  const todo = apps.filter((a) => options.force || !built.has(a));
  if (todo.length === 0) return;
  const args = [join(repoRoot, 'scripts/build-web.mjs'), ...(options.force ? ['--force'] : []), ...todo];
  execFileSync(process.execPath, args, {
    cwd: repoRoot,
    stdio: 'inherit',
    // vitest sets NODE_ENV=test; the browser tests must run the production bundles.
    env: { ...process.env, NODE_ENV: 'production' },
  });
  for (const a of todo) built.add(a);
}

/** A clock that starts at a fixed instant and then runs with real time, so waits and timers move. */
export function runningClock(start: string | Date): Clock & { set(at: string | Date): void } {
  let base = new Date(start).getTime();
  let t0 = Date.now();
  return {
    now: () => new Date(base + (Date.now() - t0)),
    set: (at) => {
      base = new Date(at).getTime();
      t0 = Date.now();
    },
  };
}

export interface LoopbackServer {
  server: Server;
  url: string;
  /** Serves the app on `deps` and attaches its hub. */
  serveApp(deps: Deps): void;
  /** Closes the hub (its sockets drop) and the HTTP server. */
  close(): Promise<void>;
}

/**
 * An HTTP server on loopback at `port` (0: any free one) that answers 503 until `serveApp` gives it the app:
 * it listens first because the origin the browser will send (PUBLIC_URL) is known only once port 0 is bound.
 */
export async function listenOnLoopback(port: number): Promise<LoopbackServer> {
  let fetchApp: (request: Request, env?: object) => Response | Promise<Response> = () =>
    new Response(null, { status: 503 });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: (req, env) => fetchApp(req, env), port, hostname: '127.0.0.1' }, () =>
      resolve(s as Server),
    );
  });
  let hub: Hub | undefined;
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    serveApp: (deps) => {
      fetchApp = createApp(deps).fetch;
      hub = attachHub(server, deps);
    },
    close: async () => {
      await hub?.close();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface E2eServer {
  url: string;
  deps: Deps;
  /** The SQLite handle behind `deps.storage`, for looking at rows. */
  db: Db;
  clock: ReturnType<typeof runningClock>;
  close(): Promise<void>;
}

/**
 * A real Loket server for browser tests: a temporary SQLite file migrated and seeded (demo access
 * included via createTestContext), the real app and the hub on loopback port 0.
 * Default time: Monday 23 November 2026 09:30 in Amsterdam, inside walk-in hours.
 */
export async function startE2eServer(
  options: { now?: string; config?: Partial<Config>; apps?: readonly WebApp[] } = {},
): Promise<E2eServer> {
  ensureWebBuilt(options.apps);
  const dir = mkdtempSync(join(tmpdir(), 'loket-e2e-'));
  const now = options.now ?? '2026-11-23T08:30:00Z';
  const http = await listenOnLoopback(0);
  const url = http.url;
  const ctx = createTestContext({
    now,
    dbPath: join(dir, 'loket.db'),
    config: { PUBLIC_URL: url, ...options.config },
  });
  const clock = runningClock(now);
  const deps: Deps = { storage: ctx.storage, clock, config: ctx.config, events: ctx.events, log: ctx.log };
  http.serveApp(deps);
  return {
    url,
    deps,
    db: ctx.db,
    clock,
    close: async () => {
      await http.close();
      ctx.db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
