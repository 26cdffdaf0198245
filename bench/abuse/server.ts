/**
 * Bench server child: the real app and hub on a fresh seeded SQLite file, configured as in production
 * behind a proxy (TRUST_PROXY, so each simulated client has its own X-Forwarded-For address) with the
 * default abuse limits. Sends { type: 'listening', port } over IPC; SIGTERM closes like main.ts.
 */
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { openDatabase } from '../../db/client.ts';
import { planDemoAccess } from '../../db/demo-access.ts';
import { prepareSqliteDatabase } from '../../db/migrate.ts';
import { sqliteStorage } from '../../db/sqlite/storage.ts';
import { createApp } from '../../server/app.ts';
import { systemClock } from '../../server/clock.ts';
import { loadConfig } from '../../server/config.ts';
import { createDomainEvents } from '../../server/events.ts';
import { attachHub } from '../../server/hub/hub.ts';
import { silentLogger } from '../../server/logger.ts';
import { answerCpuRequests, closeOnSigterm } from '../server-child.ts';

const [dbPath, password] = process.argv.slice(2);
const config = loadConfig({
  LOKET_DB: dbPath,
  LOG_LEVEL: 'silent',
  PORT: '0',
  TRUST_PROXY: 'true',
  LOKET_DEMO_PASSWORD: password,
  LOKET_DEMO_DEVICE_TOKEN: 'bench-device-token-0123456789',
});
const db = openDatabase(config.LOKET_DB, { minFreeBytes: config.LOKET_DB_MIN_FREE_MB * 1024 * 1024 });
prepareSqliteDatabase(db, { seedDemo: true, demoAccess: planDemoAccess(config, systemClock.now()).rows });
const deps = {
  storage: sqliteStorage(db),
  clock: systemClock,
  config,
  events: createDomainEvents(),
  log: silentLogger,
};
const app = createApp(deps);
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
  process.send?.({ type: 'listening', port: info.port }),
);
const hub = attachHub(server as HttpServer, deps);
answerCpuRequests();
closeOnSigterm(hub, db);
