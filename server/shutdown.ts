import type { Server as HttpServer } from 'node:http';
import type { Logger } from './logger.ts';

/**
 * A node's graceful stop (SIGTERM), so a rolling deploy or a scale-in fails no request:
 *
 * 1. `drain()`: health answers 503 `draining` at once, and every answer from now on carries
 *    `Connection: close`, so keep-alive clients (the load balancer) open their next request elsewhere;
 *    timers and background work stop (`stop`);
 * 2. for `noticeMs` (SHUTDOWN_NOTICE_MS, default 0) the node still serves, so a load balancer's health
 *    check takes it out before any connection is refused;
 * 3. stop accepting: the listening socket closes (new connections are refused; HAProxy retries them on
 *    another node) and idle keep-alive connections are closed; the hub closes its sockets (a transport
 *    close, after which socket.io clients reconnect, behind the balancer to another node);
 * 4. requests in flight are finished, for at most `graceMs`; what is left then is cut;
 * 5. `close` (Redis, the database) and the caller exits 0.
 */
export interface ShutdownParts {
  server: HttpServer;
  drain(): void;
  /** Stops timers and background work; synchronous. */
  stop: (() => void)[];
  /** Disconnects the hub's sockets; resolves once its server is closed (may wait for `server`). */
  closeHub(): Promise<void>;
  /** Closes connections to Redis and the database, after the last request. */
  close: (() => Promise<void> | void)[];
  log: Logger;
  noticeMs?: number;
  graceMs?: number;
}

/** Marks answers of a draining node `Connection: close`; call once, right after the server is created. */
export function closeConnectionsWhileDraining(server: HttpServer, draining: () => boolean): void {
  server.prependListener('request', (_req, res) => {
    if (draining() && !res.headersSent) res.setHeader('connection', 'close');
  });
}

export async function shutDown(parts: ShutdownParts): Promise<void> {
  const { server, log } = parts;
  const graceMs = parts.graceMs ?? 10_000;
  const startedAt = performance.now();
  parts.drain();
  for (const stop of parts.stop) {
    try {
      stop();
    } catch (error) {
      log.warn('shutdown: a stop failed', { error: String(error) });
    }
  }
  if (parts.noticeMs) await new Promise((resolve) => setTimeout(resolve, parts.noticeMs));
  const drained = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const outcome = await Promise.race([
    Promise.all([parts.closeHub(), drained]).then(() => 'drained' as const),
    deadline,
  ]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    log.warn('shutdown: requests still open after the grace period are cut', { graceMs });
    server.closeAllConnections();
  }
  for (const close of parts.close) {
    try {
      await close();
    } catch (error) {
      log.warn('shutdown: a close failed', { error: String(error) });
    }
  }
  log.info('shut down', { outcome, ms: Math.round(performance.now() - startedAt) });
}
