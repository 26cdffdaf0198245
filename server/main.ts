import type { Server as HttpServer } from 'node:http';
import { serve } from '@hono/node-server';
import { openDatabase } from '../db/client.ts';
import { formatDemoAccess, planDemoAccess } from '../db/demo-access.ts';
import { prepareSqliteDatabase } from '../db/migrate.ts';
import { pendingOnPostgres } from '../db/pg/storage.ts';
import { sqliteStorage } from '../db/sqlite/storage.ts';
import { createApp } from './app.ts';
import { systemClock } from './clock.ts';
import { loadConfig } from './config.ts';
import type { Deps } from './deps.ts';
import { createDomainEvents } from './events.ts';
import { fillDemoHistoryInBackground } from './forecast/demo-history.ts';
import { attachHub } from './hub/hub.ts';
import { startWebhookRecorder } from './integrations/webhooks/record.ts';
import { startBackgroundJobs } from './jobs/timers.ts';
import { createLogger } from './logger.ts';
import { createNodeHealth } from './node-health.ts';
import { openRedis } from './redis.ts';
import { createRedisLimitStore } from './redis-limits.ts';
import { closeConnectionsWhileDraining, shutDown } from './shutdown.ts';

/** The only composition root: config → db → app → http server → hub → timers. */
function main(): void {
  const history = new AbortController();
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  // DATABASE_URL selects PostgreSQL (it wins over LOKET_DB), but only once every domain is on the storage
  // seam: until then it refuses to start, naming what is missing, rather than half-work.
  if (config.DATABASE_URL) {
    const refusal = pendingOnPostgres() ?? 'PostgreSQL cannot be reached: the PostgreSQL start is not wired yet';
    process.stderr.write(`${refusal}\n`);
    process.exitCode = 1;
    return;
  }
  const db = openDatabase(config.LOKET_DB, { minFreeBytes: config.LOKET_DB_MIN_FREE_MB * 1024 * 1024 });
  // The demo municipality and its access once; only the process that inserted the access shows its secrets.
  const demo = planDemoAccess(config, systemClock.now());
  const prepared = prepareSqliteDatabase(db, { seedDemo: config.LOKET_SEED_DEMO, demoAccess: demo.rows });
  // With REDIS_URL the rate limits hold across nodes (each node falls back to its own while Redis is away).
  const limitsRedis = openRedis(config, 'limits');
  limitsRedis?.on('error', () => {}); // reported once per outage by the store
  const sharedLimits = limitsRedis
    ? createRedisLimitStore(limitsRedis, { prefix: config.REDIS_KEY_PREFIX, log })
    : undefined;
  // Health: 503 while draining (SIGTERM) or while Redis does not answer (PING at most once a second).
  const nodeHealth = createNodeHealth({ redis: limitsRedis });
  const deps: Deps = {
    storage: sqliteStorage(db),
    clock: systemClock,
    config,
    events: createDomainEvents(),
    log,
    sharedLimits,
    nodeHealth,
  };
  if (prepared.seeded) log.info('seeded the demo municipality');
  // Printed once, on the first start: afterwards only the hashes exist.
  if (prepared.demoAccessSeeded)
    process.stdout.write(formatDemoAccess(demo.access, config.PUBLIC_URL ?? `http://localhost:${config.PORT}`));

  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    log.info('listening', { url: `http://localhost:${info.port}` });
  }) as HttpServer;
  closeConnectionsWhileDraining(server, () => nodeHealth.draining);
  // socket.io on the same HTTP server as the API (ARCHITECTURE.md, "Queue, auth and hub").
  const hub = attachHub(server, deps);
  // Reminders, retention and (with SMTP_URL) the outbox sender; unref'd intervals.
  const stopJobs = startBackgroundJobs(deps);
  // Domain facts → the webhook outbox (delivered by the 'webhooks' job).
  const stopWebhooks = startWebhookRecorder(deps);
  // A year of simulated history so statistics and forecasts show something; one office-month at a
  // time after the server is up, skipped for offices that already have history.
  if (config.LOKET_SEED_DEMO && config.LOKET_DEMO_HISTORY_DAYS > 0) {
    fillDemoHistoryInBackground(deps, { days: config.LOKET_DEMO_HISTORY_DAYS, signal: history.signal })
      .then((totals) => {
        if (totals.tickets > 0) log.info('filled demo history', totals);
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
        () => deps.storage.close(),
        () => {
          db.$client.close();
        },
      ],
      log,
      noticeMs: config.SHUTDOWN_NOTICE_MS,
      graceMs: config.SHUTDOWN_GRACE_MS,
    }).finally(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main();
