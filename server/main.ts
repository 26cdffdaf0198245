import type { Server as HttpServer } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { openDatabase } from '../db/client.ts';
import { type DemoAccessRows, formatDemoAccess, planDemoAccess } from '../db/demo-access.ts';
import { prepareSqliteDatabase } from '../db/migrate.ts';
import { openPool } from '../db/pg/client.ts';
import { preparePgDatabase } from '../db/pg/migrate.ts';
import { pgStorage } from '../db/pg/storage.ts';
import { sqliteStorage } from '../db/sqlite/storage.ts';
import { createApp } from './app.ts';
import { systemClock } from './clock.ts';
import { type Config, loadConfig } from './config.ts';
import type { Deps } from './deps.ts';
import { createDomainEvents } from './events.ts';
import { fillDemoHistoryInBackground } from './forecast/demo-history.ts';
import { warmPlannerAnswers } from './forecast/planner-warmup.ts';
import { attachHub } from './hub/hub.ts';
import { startWebhookRecorder } from './integrations/webhooks/record.ts';
import { startBackgroundJobs } from './jobs/timers.ts';
import { createLogger, type Logger } from './logger.ts';
import { createNodeHealth } from './node-health.ts';
import { openRedis } from './redis.ts';
import { createRedisLimitStore } from './redis-limits.ts';
import { closeConnectionsWhileDraining, shutDown } from './shutdown.ts';
import type { Storage } from './storage.ts';

interface OpenedStorage {
  storage: Storage;
  /** Whether this process seeded the demo, and inserted the demo access (only then it shows the secrets). */
  seeded: boolean;
  demoAccessSeeded: boolean;
  /**
   * Whether this node fills the demo history of offices without one. SQLite (one node, or processes on one
   * machine started one after the other): every start does. PostgreSQL, where nodes start together: only the
   * node that seeded the demo, so two nodes never simulate the same office.
   */
  fillsDemoHistory: boolean;
  /** Closes the storage and the engine under it (the SQLite file; the PostgreSQL pool). */
  close(): Promise<void>;
}

/**
 * The engine: PostgreSQL with DATABASE_URL (it wins over LOKET_DB), else the SQLite file. Each is migrated
 * and, with LOKET_SEED_DEMO, seeded with the demo and its access exactly once however many nodes start
 * together (db/pg/migrate.ts under an advisory lock; db/migrate.ts in BEGIN IMMEDIATE transactions).
 * Null, with the reason on stderr, when PostgreSQL cannot serve.
 */
async function openStorage(
  config: Config,
  log: Logger,
  demo: DemoAccessRows | undefined,
): Promise<OpenedStorage | null> {
  const seedDemo = config.LOKET_SEED_DEMO;
  if (!config.DATABASE_URL) {
    const db = openDatabase(config.LOKET_DB, { minFreeBytes: config.LOKET_DB_MIN_FREE_MB * 1024 * 1024 });
    const prepared = prepareSqliteDatabase(db, { seedDemo, demoAccess: demo });
    const storage = sqliteStorage(db);
    return {
      storage,
      ...prepared,
      fillsDemoHistory: true,
      close: async () => {
        await storage.close();
        db.$client.close();
      },
    };
  }
  const pool = openPool(config.DATABASE_URL, { applicationName: 'loket' });
  pool.on('error', (error: Error & { code?: string }) => log.warn('database connection lost', { code: error.code }));
  try {
    const prepared = await preparePgDatabase(pool, { seedDemo, demoAccess: demo });
    const storage = pgStorage(pool);
    return { storage, ...prepared, fillsDemoHistory: prepared.seeded, close: () => storage.close() };
  } catch (error) {
    const code = (error as { code?: string }).code;
    process.stderr.write(
      `PostgreSQL cannot be reached or prepared at DATABASE_URL: ${code ?? ''} ${(error as Error).message}\n`,
    );
    await pool.end().catch(() => {});
    return null;
  }
}

/**
 * Connections the kernel keeps for the node before it accepts them (Linux caps it at net.core.somaxconn, 4096 on
 * kernels since 5.4).
 */
const LISTEN_BACKLOG = 4096;

/** The only composition root: config → storage (migrate, seed) → app → http server → hub → timers. */
async function main(): Promise<void> {
  const history = new AbortController();
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  // The demo access is planned (secrets drawn) before it is known whether this node will insert it.
  const demo = config.LOKET_SEED_DEMO ? planDemoAccess(config, systemClock.now()) : undefined;
  const opened = await openStorage(config, log, demo?.rows);
  if (!opened) {
    process.exitCode = 1;
    return;
  }
  // With REDIS_URL the rate limits hold across nodes (each node falls back to its own while Redis is away).
  const limitsRedis = openRedis(config, 'limits');
  limitsRedis?.on('error', () => {}); // reported once per outage by the store
  const sharedLimits = limitsRedis
    ? createRedisLimitStore(limitsRedis, { prefix: config.REDIS_KEY_PREFIX, log })
    : undefined;
  // Health: 503 while draining (SIGTERM) or while Redis does not answer (PING at most once a second).
  const nodeHealth = createNodeHealth({ redis: limitsRedis });
  const deps: Deps = {
    storage: opened.storage,
    clock: systemClock,
    config,
    events: createDomainEvents(),
    log,
    sharedLimits,
    nodeHealth,
  };
  if (opened.seeded) log.info('seeded the demo municipality');
  // Printed once, by the node that inserted them on the first start: afterwards only the hashes exist.
  if (demo && opened.demoAccessSeeded)
    process.stdout.write(formatDemoAccess(demo.access, config.PUBLIC_URL ?? `http://localhost:${config.PORT}`));

  const app = createApp(deps);
  const server = createAdaptorServer({ fetch: app.fetch, hostname: config.HOST }) as HttpServer;
  // When a node dies its screens reconnect to the others at once (a thousand and more each): with Node's default queue
  // of 511 connections not yet accepted, the kernel dropped the rest, and the balancer's health check, whose connect
  // times out after a second — one lost SYN — marked the busy survivors down, refusing every screen (#9).
  server.listen({ port: config.PORT, host: config.HOST, backlog: LISTEN_BACKLOG }, () => {
    const address = server.address();
    log.info('listening', { url: `http://localhost:${typeof address === 'object' ? address?.port : config.PORT}` });
  });
  closeConnectionsWhileDraining(server, () => nodeHealth.draining);
  // socket.io on the same HTTP server as the API (ARCHITECTURE.md, "Queue, auth and hub").
  const hub = attachHub(server, deps);
  // Reminders, retention and (with SMTP_URL) the outbox sender; unref'd intervals.
  const stopJobs = startBackgroundJobs(deps);
  // The cluster log's facts → the webhook outbox, from a cursor shared by the nodes (delivered by the 'webhooks' job).
  const stopWebhooks = startWebhookRecorder(deps);
  // A year of simulated history so statistics and forecasts show something; one office-day at a
  // time after the server is up, skipped for offices that already have history.
  if (config.LOKET_SEED_DEMO && config.LOKET_DEMO_HISTORY_DAYS > 0 && opened.fillsDemoHistory) {
    fillDemoHistoryInBackground(deps, { days: config.LOKET_DEMO_HISTORY_DAYS, signal: history.signal })
      .then(async (totals) => {
        if (totals.tickets > 0) log.info('filled demo history', totals);
        // A demo's planner opens at once: its cold answers (seconds each) computed now, an office at a time
        // (a second-best, forecast/planner-warmup.ts).
        await warmPlannerAnswers(deps, { signal: history.signal }).then(
          (offices) => log.info('warmed planner answers', { offices }),
          (error: unknown) => log.error('planner warm-up failed', { error: String(error) }),
        );
      })
      .catch((error: unknown) => log.error('demo history failed', { error: String(error) }));
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    void shutDown({
      server,
      drain: () => nodeHealth.drain(),
      stop: [stopJobs, stopWebhooks, () => history.abort()],
      closeHub: () => hub.close(),
      close: [
        async () => sharedLimits?.close(),
        async () => {
          await limitsRedis?.quit().catch(() => limitsRedis.disconnect());
        },
        () => opened.close(),
      ],
      log,
      noticeMs: config.SHUTDOWN_NOTICE_MS,
      graceMs: config.SHUTDOWN_GRACE_MS,
    }).finally(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
