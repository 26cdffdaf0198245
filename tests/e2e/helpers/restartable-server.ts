import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Db, openDatabase } from '../../../db/client.ts';
import { runMigrations } from '../../../db/migrate.ts';
import { sqliteStorage } from '../../../db/sqlite/storage.ts';
import type { Config } from '../../../server/config.ts';
import type { Deps } from '../../../server/deps.ts';
import { createDomainEvents } from '../../../server/events.ts';
import { silentLogger } from '../../../server/logger.ts';
import { createTestContext } from '../../helpers/context.ts';
import { ensureWebBuilt, type LoopbackServer, listenOnLoopback, runningClock, type WebApp } from './server.ts';

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
  let current: { http: LoopbackServer; deps: Deps; db: Db } | null = null;

  async function start(): Promise<void> {
    const db = openDatabase(dbPath);
    runMigrations(db);
    const http = await listenOnLoopback(port);
    const publicUrl = http.url;
    const deps: Deps = {
      storage: sqliteStorage(db),
      clock,
      config: { ...config, PUBLIC_URL: options.config?.PUBLIC_URL ?? publicUrl },
      events: createDomainEvents(),
      log: silentLogger,
    };
    http.serveApp(deps);
    port = (http.server.address() as AddressInfo).port;
    current = { http, deps, db };
  }

  async function stop(): Promise<void> {
    if (!current) return;
    const { http, deps, db } = current;
    current = null;
    await http.close();
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
