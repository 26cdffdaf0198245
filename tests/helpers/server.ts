import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach } from 'vitest';
import type { ClientToServerEvents, HubAuth, ServerToClientEvents } from '../../server/contracts/hub.ts';
import { attachHub, type Hub, type HubOptions } from '../../server/hub/hub.ts';
import type { EngineContext } from './context.ts';

export type HubClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface RunningServer {
  url: string;
  port: number;
  hub: Hub;
  close(): Promise<void>;
}

/** The app and the hub on a real HTTP server, loopback only, on `port` (0: any free port). */
export async function startServer(ctx: EngineContext, port = 0, hubOptions: HubOptions = {}): Promise<RunningServer> {
  const server = await new Promise<HttpServer>((resolve) => {
    const s = serve({ fetch: ctx.app.fetch, port, hostname: '127.0.0.1' }, () =>
      resolve(s as HttpServer),
    ) as HttpServer;
  });
  const hub = attachHub(server, ctx, hubOptions);
  const actual = (server.address() as AddressInfo).port;
  const clients = new Set<HubClient>();
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    hub,
    close: async () => {
      server.closeAllConnections?.();
      await hub.close();
      void clients;
    },
  };
}

/** A real socket.io client (websocket only, no auto-reconnect unless asked). */
export function connectClient(
  url: string,
  auth: HubAuth = {},
  options: { reconnection?: boolean; reconnectionDelay?: number } = {},
): HubClient {
  return connect(url, {
    auth,
    transports: ['websocket'],
    reconnection: options.reconnection ?? false,
    reconnectionDelay: options.reconnectionDelay ?? 50,
    reconnectionDelayMax: Math.max(200, options.reconnectionDelay ?? 0),
    randomizationFactor: 0,
    forceNew: true,
  });
}

/** Resolves with the next `event` the client receives. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  client: HubClient,
  event: E,
  timeoutMs = 3000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${String(event)} within ${timeoutMs} ms`)), timeoutMs);
    // biome-ignore lint/suspicious/noExplicitAny: socket.io's typed once() is awkward with generic event names
    (client as any).once(event, (payload: unknown) => {
      clearTimeout(timer);
      resolve(payload as Parameters<ServerToClientEvents[E]>[0]);
    });
  });
}

/** Emits a command and resolves with its ack. */
export function command<E extends keyof ClientToServerEvents>(
  client: HubClient,
  event: E,
  payload: unknown,
  timeoutMs = 3000,
  // biome-ignore lint/suspicious/noExplicitAny: tests read ack data loosely
): Promise<{ ok: boolean; data?: any; error?: { code: string; message: string } }> {
  // biome-ignore lint/suspicious/noExplicitAny: payloads are deliberately untyped to send bad ones too
  return (client as any).timeout(timeoutMs).emitWithAck(event, payload);
}

export function waitConnected(client: HubClient, timeoutMs = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (client.connected) return resolve();
    const timer = setTimeout(() => reject(new Error('not connected')), timeoutMs);
    client.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    client.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/**
 * What a test opened (servers, clients, files), undone after each test, newest first: push onto the array.
 * Registers vitest's `afterEach`, so call it at the top of a test file.
 */
export function cleanupAfterEach(): (() => unknown)[] {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  return cleanup;
}

/** The app and the hub on loopback (startServer), closed after the test. */
export async function startServerFor(
  cleanup: (() => unknown)[],
  ctx: EngineContext,
  hubOptions: HubOptions = {},
): Promise<RunningServer> {
  const server = await startServer(ctx, 0, hubOptions);
  cleanup.push(() => server.close());
  return server;
}

/** A socket.io client of `server` (connectClient), disconnected after the test. */
export function clientFor(
  cleanup: (() => unknown)[],
  server: RunningServer,
  auth: HubAuth = {},
  options: Parameters<typeof connectClient>[2] = {},
): HubClient {
  const c = connectClient(server.url, auth, options);
  cleanup.push(() => {
    c.disconnect();
  });
  return c;
}

/** A screen of a location: a client connected with its first snapshot in hand. */
export async function screenFor(cleanup: (() => unknown)[], server: RunningServer, auth: HubAuth) {
  const client = clientFor(cleanup, server, auth);
  const snapshot = nextEvent(client, 'queue:snapshot');
  await waitConnected(client);
  return { client, snapshot: await snapshot };
}

/** Waits, polling every 20 ms, until `check` holds; fails naming `what` after `timeoutMs` (a bound, not a measurement). */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
