import { useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, CommandFacts, ServerToClientEvents } from '../server/contracts/hub.ts';

/** The typed socket every front-end uses: events and acks come from server/contracts/hub.ts. */
export type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface HubOptions {
  /** Device or staff token; sent as `auth.token` in the handshake. */
  token?: string | null;
  url?: string;
  /** Tests pass a factory to avoid a real connection. */
  connect?: (url: string | undefined, opts: Parameters<typeof io>[1]) => HubSocket;
}

export function createHubSocket(options: HubOptions = {}): HubSocket {
  const opts: Parameters<typeof io>[1] = {
    path: '/socket.io',
    transports: ['websocket', 'polling'],
    // Staff sockets take a round's facts as one message, their own commands' changes by the acks (the live feed,
    // use-location-feed.ts, follows both); the hub ignores it for devices and residents.
    auth: options.token ? { token: options.token, facts: 'batched' } : {},
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  };
  if (options.connect) return options.connect(options.url, opts);
  return (options.url ? io(options.url, opts) : io(opts)) as HubSocket;
}

type Command = keyof ClientToServerEvents;
type PayloadOf<E extends Command> = Parameters<ClientToServerEvents[E]>[0];
type AckOf<E extends Command> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];

/**
 * Per socket: who hears what a command's ack says about the facts the hub did not send this socket (its own change:
 * the last seq, a call's waits) — the live feed (use-location-feed.ts), before the command's caller gets the ack.
 */
const commandFactListeners = new WeakMap<object, Set<(facts: CommandFacts) => void>>();

/** Listens to the acks of `socket`'s commands that skipped its own facts (`CommandFacts`); returns the unsubscribe. */
export function onCommandFacts(socket: HubSocket, listener: (facts: CommandFacts) => void): () => void {
  let set = commandFactListeners.get(socket);
  if (!set) {
    set = new Set();
    commandFactListeners.set(socket, set);
  }
  set.add(listener);
  return () => set.delete(listener);
}

/** Emits a command and resolves with its ack; a timeout or lost connection is an `ok: false` ack. */
export function emitCommand<E extends Command>(
  socket: HubSocket,
  event: E,
  payload: PayloadOf<E>,
  timeoutMs = 5000,
): Promise<AckOf<E>> {
  return new Promise((resolve) => {
    // socket.io's typed emit cannot follow a generic event name; the types above keep callers honest.
    const untyped = socket as unknown as {
      timeout(ms: number): { emit(e: string, p: unknown, cb: (err: Error | null, ack: Ack) => void): void };
    };
    untyped.timeout(timeoutMs).emit(event, payload, (err, ack) => {
      if (err) return resolve({ ok: false, error: { code: 'internal', message: 'timeout' } } as AckOf<E>);
      if (ack.ok && (ack.seq !== undefined || ack.estimates !== undefined)) {
        for (const listener of commandFactListeners.get(socket) ?? [])
          listener({ seq: ack.seq, estimates: ack.estimates });
      }
      resolve(ack as AckOf<E>);
    });
  });
}

/** How long a socket the server disconnected waits before it connects again (`reconnectAfterServerDisconnect`). */
export const SERVER_DISCONNECT_RETRY_MS = 1000;

/**
 * socket.io does not reconnect a socket the server disconnected on purpose (reason `io server disconnect`): a revoked
 * device, a signed-out or expired session, a flooding socket. A screen would then say "reconnecting" for ever while
 * nothing tries. This connects it again after `SERVER_DISCONNECT_RETRY_MS`: the handshake then refuses a token that
 * is no longer valid (`connect_error` `unauthorized`, which the screen answers by signing out) or takes the socket
 * back. Returns the clean-up (listener and pending timer); a socket the client closed itself is left closed.
 */
export function reconnectAfterServerDisconnect(socket: HubSocket, delayMs = SERVER_DISCONNECT_RETRY_MS): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onDisconnect = (reason: string) => {
    if (reason !== 'io server disconnect') return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!socket.connected) socket.connect();
    }, delayMs);
  };
  socket.on('disconnect', onDisconnect);
  return () => {
    clearTimeout(timer);
    socket.off('disconnect', onDisconnect);
  };
}

/**
 * A socket for the lifetime of a component, with its connection state. `onConnect` runs on every
 * (re)connect: the place to (re)subscribe and ask for a fresh snapshot.
 */
export function useHub(options: HubOptions & { enabled?: boolean; onConnect?: (socket: HubSocket) => void } = {}): {
  socket: HubSocket | null;
  connected: boolean;
} {
  const [socket, setSocket] = useState<HubSocket | null>(null);
  const [connected, setConnected] = useState(false);
  const onConnect = useRef(options.onConnect);
  onConnect.current = options.onConnect;
  const enabled = options.enabled ?? true;
  const { token, url, connect } = options;

  useEffect(() => {
    if (!enabled) return;
    const s = createHubSocket({ token, url, connect });
    const up = () => {
      setConnected(true);
      onConnect.current?.(s);
    };
    const down = () => setConnected(false);
    s.on('connect', up);
    s.on('disconnect', down);
    s.on('connect_error', down);
    const stopReconnecting = reconnectAfterServerDisconnect(s);
    setSocket(s);
    return () => {
      stopReconnecting();
      s.off('connect', up);
      s.off('disconnect', down);
      s.off('connect_error', down);
      s.disconnect();
      setSocket(null);
      setConnected(false);
    };
  }, [enabled, token, url, connect]);

  return { socket, connected };
}
