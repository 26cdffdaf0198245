import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { type Db, openDatabase } from '../../../db/client.ts';
import { runMigrations } from '../../../db/migrate.ts';
import { sqliteStorage } from '../../../db/sqlite/storage.ts';
import { createApp } from '../../../server/app.ts';
import type { Config } from '../../../server/config.ts';
import type { Deps } from '../../../server/deps.ts';
import { createDomainEvents } from '../../../server/events.ts';
import { silentLogger } from '../../../server/logger.ts';
import { createTestContext } from '../../helpers/context.ts';
import { ensureWebBuilt, runningClock, type WebApp } from './server.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface RestartableServer {
  url: string;
  deps(): Deps;
  clock: ReturnType<typeof runningClock>;
  /** Stops the HTTP server and the hub (sockets drop), keeping the database file. */
  stop(): Promise<void>;
  /** Starts a fresh process-equivalent (new app, hub and db handle) on the same port and database. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A server that can be stopped and started again on the same port and SQLite file, as a restart
 * of `npm start` would: for the display's reconnect test.
 */
export async function startRestartableServer(
  options: { now?: string; config?: Partial<Config>; apps?: readonly WebApp[] } = {},
): Promise<RestartableServer> {
  ensureWebBuilt(options.apps);
  const dir = mkdtempSync(join(tmpdir(), 'loket-e2e-restart-'));
  const dbPath = join(dir, 'loket.db');
  const now = options.now ?? '2026-11-23T08:30:00Z';
  // Seeds the file once (demo municipality and demo access), then closes it.
  const seeded = createTestContext({ now, dbPath, config: options.config });
  const config = seeded.config;
  seeded.db.$client.close();
  const clock = runningClock(now);

  let port = 0;
  let current: { server: Server; deps: Deps; db: Db; closeHub?: () => unknown } | null = null;

  async function start(): Promise<void> {
    const db = openDatabase(dbPath);
    runMigrations(db);
    // Listen first: the origin the browser sends (PUBLIC_URL) is known only once port 0 is bound.
    let fetchApp: (request: Request, env?: object) => Response | Promise<Response> = () =>
      new Response(null, { status: 503 });
    const server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: (req, env) => fetchApp(req, env), port, hostname: '127.0.0.1' }, () =>
        resolve(s as Server),
      );
    });
    const publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const deps: Deps = {
      storage: sqliteStorage(db),
      clock,
      config: { ...config, PUBLIC_URL: options.config?.PUBLIC_URL ?? publicUrl },
      events: createDomainEvents(),
      log: silentLogger,
    };
    const app = createApp(deps);
    fetchApp = app.fetch;
    let closeHub: (() => unknown) | undefined;
    const hubModule = ['server/hub/index.ts', 'server/hub/hub.ts'].map((p) => join(repoRoot, p)).find(existsSync);
    if (hubModule) {
      const hub = (await import(hubModule)) as {
        attachHub?: (server: Server, deps: Deps) => { close?: () => unknown } | undefined;
      };
      const attached = hub.attachHub?.(server, deps);
      closeHub = attached?.close ? () => attached.close?.() : undefined;
    }
    port = (server.address() as AddressInfo).port;
    current = { server, deps, db, closeHub };
  }

  async function stop(): Promise<void> {
    if (!current) return;
    const { server, deps, db, closeHub } = current;
    current = null;
    await closeHub?.();
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await deps.storage.close();
    db.$client.close();
  }

  await start();
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    deps: () => {
      if (!current) throw new Error('server is stopped');
      return current.deps;
    },
    clock,
    stop,
    start,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
