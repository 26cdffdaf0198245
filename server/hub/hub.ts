import type { Server as HttpServer } from 'node:http';
import type { Http2SecureServer, Http2Server } from 'node:http2';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Server } from 'socket.io';
import { ZodError } from 'zod';
import { canAccessLocation, canReadQueue, type Principal } from '../auth/principal.ts';
import { resolveDeviceToken, resolveToken } from '../auth/resolve.ts';
import { hashToken } from '../auth/tokens.ts';
import { monotonicClock } from '../clock.ts';
import { localEstimateGate, redisEstimateGate } from '../cluster/estimate-gate.ts';
import type { ClusterLog } from '../cluster/log-store.ts';
import type { Ack, HubAuth, HubSnapshot, SnapshotCurrent } from '../contracts/hub.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { type CauseLog, causeLog } from '../logger.ts';
import { getPublicTicket } from '../queue/queue-read.ts';
import { openRedis } from '../redis.ts';
import { createHubGuard, defaultHubLimits, type HubLimits } from './abuse.ts';
import { type CommandActor, eventsOf } from './actor.ts';
import { type CommandContext, type CommandName, commands } from './commands.ts';
import { type Publisher, startPublisher } from './publish.ts';
import {
  apiKeyRoom,
  batchedStaffRoom,
  counterRoom,
  deviceRoom,
  locationRoom,
  roleRoom,
  sessionRoom,
  ticketRoom,
} from './rooms.ts';
import type { HubServer, HubSocket, SocketData } from './types.ts';

export interface Hub {
  io: HubServer;
  publisher: Publisher;
  close(): Promise<void>;
}

/** How long a dropped client's missed events are kept for it (socket.io connection state recovery). */
const RECOVERY_MS = 2 * 60_000;
/**
 * How long a batched socket's ack waits for the publisher to have sent its command's change to the others (the tail
 * reads it at once; with peers a round may wait up to 150 ms for another node's fact before it). Past this the ack
 * goes without a seq and the socket gets its change's facts like any other.
 */
const REPORT_WAIT_MS = 500;
/**
 * A socket's token is re-checked against the database by a sweep (and before a command) once the last
 * check is older than this. Sign-out and revocation disconnect at once (`auth:revoked`; on the other nodes through
 * the adapter or the cluster log); this bounds how long a revocation made outside the app goes unnoticed. A staff
 * session's expiry is checked on every sweep without the database.
 */
const RECHECK_MS = 5_000;
const SWEEP_MS = 1_000;
/** Device tokens resolved at handshakes, kept per node at most this many (a storm of new ones evicts the oldest). */
const DEVICE_TOKENS_KEPT = 20_000;
/** Sockets re-checked against the database per sweep at most, so a sweep stays short. */
const RECHECKS_PER_SWEEP = 2_000;

export interface HubOptions {
  limits?: Partial<HubLimits>;
  recheckMs?: number;
  sweepMs?: number;
  /** The cluster event log (default: the storage's, `deps.storage.clusterLog()`). */
  clusterLog?: ClusterLog;
  /** How often the log is read when this process made no change (default 75 ms). */
  pollMs?: number;
  /** How long the publisher's live view of an office's queue serves before it is read again (default 5 s). */
  liveViewMaxAgeMs?: number;
  /** With Redis: how long another node's fact waits for what that node built for it before it is read (150 ms). */
  peerWaitMs?: number;
  /** The share of the process the wait predictor may take per office (default 0.25). */
  estimateShare?: number;
  /** With Redis: how often a node sends the others every ticket its sockets follow (default 10 s). */
  followsFullMs?: number;
  /** Waits older than this (office clock) are estimated again with no change (default 30 s; publish.ts). */
  waitsMaxAgeMs?: number;
  /** How often the publisher looks for waits older than that (default 5 s). */
  waitsRefreshMs?: number;
  /** How long the run after a round that only started a visit waits for the next change (default 2 s). */
  startCoalesceMs?: number;
}

/** The client's address as the HTTP routes see it: the socket's, or X-Forwarded-For behind a proxy. */
function handshakeAddress(socket: HubSocket, trustProxy: boolean): string {
  if (trustProxy) {
    const header = socket.handshake.headers['x-forwarded-for'];
    const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return socket.handshake.address || 'unknown';
}

/** The role room a socket joins at a location; API clients get the display's (public) view. */
function roleOf(p: Principal): string {
  if (p.kind === 'staff') return p.role;
  if (p.kind === 'device') return p.deviceKind;
  return 'display';
}

/** A storage failure (AppError `unavailable`) as a warning with its cause, rate-limited per cause (as HTTP's 503s). */
function logUnavailable(logCause: CauseLog, err: unknown, what: string): void {
  if (!(err instanceof AppError) || err.code !== 'unavailable') return;
  const behind = err.cause instanceof Error ? err.cause.message.slice(0, 200) : undefined;
  logCause(`hub ${what} answered unavailable`, err.message, behind && behind !== err.message ? { error: behind } : {});
}

function toAckError(err: unknown, deps: Deps, logCause: CauseLog, command: string): Ack<never> {
  logUnavailable(logCause, err, `command ${command}`);
  if (err instanceof AppError) return { ok: false, error: { code: err.code, message: err.message } };
  if (err instanceof ZodError) {
    const first = err.issues[0];
    return {
      ok: false,
      error: {
        code: 'validation-failed',
        message: first ? `${first.path.join('.') || 'payload'}: ${first.message}` : 'Invalid payload',
      },
    };
  }
  deps.log.error('hub command failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  return { ok: false, error: { code: 'internal', message: 'Something went wrong on our side' } };
}

/**
 * The socket.io hub on the API's HTTP server. Clients connect with `io(origin, { auth: { token } })`;
 * a forged or revoked token is refused at the handshake, no token means a resident who may only
 * follow a ticket. Every (re)connect gets a `queue:snapshot` of the location it watches.
 */
export function attachHub(
  httpServer: HttpServer | Http2Server | Http2SecureServer,
  deps: Deps,
  options: HubOptions = {},
): Hub {
  const recheckMs = options.recheckMs ?? RECHECK_MS;
  const clock = deps.monotonic ?? monotonicClock;
  const limits: HubLimits = {
    ...defaultHubLimits,
    maxConnectionsPerAddress: deps.config.HUB_MAX_CONNECTIONS_PER_ADDRESS,
    maxAnonymousConnectionsPerAddress: deps.config.HUB_MAX_ANONYMOUS_CONNECTIONS_PER_ADDRESS,
    ...options.limits,
  };
  const guard = createHubGuard(limits, { clock, store: deps.sharedLimits });
  const logCause = causeLog(deps.log);
  // Several nodes (REDIS_URL): socket.io's Redis Streams adapter carries what spans nodes — revocation
  // (`io.in(room).disconnectSockets()`), the cluster's estimates, `fetchSockets`, and connection state recovery on
  // any node. The queue facts reach every node through the cluster log instead (publish.ts).
  const redis = openRedis(deps.config, 'hub');
  const adapterRedis = redis?.duplicate({ enableOfflineQueue: true, connectionName: 'loket:hub-adapter' }) ?? null;
  for (const client of [redis, adapterRedis]) client?.on('error', redisTrouble(deps));
  const prefix = deps.config.REDIS_KEY_PREFIX;
  const io: HubServer = new Server(httpServer as HttpServer, {
    path: '/socket.io',
    serveClient: false,
    // Same-origin front-ends; devices and consoles authenticate with a token, not cookies.
    cors: { origin: false },
    maxHttpBufferSize: 16 * 1024,
    connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_MS, skipMiddlewares: false },
    ...(adapterRedis
      ? {
          adapter: createAdapter(adapterRedis, {
            streamName: `${prefix}hub`,
            channelPrefix: `${prefix}hub`,
            sessionKeyPrefix: `${prefix}hub:session:`,
            onlyPlaintext: true,
          }),
        }
      : {}),
  });

  const clusterLog = options.clusterLog ?? deps.storage.clusterLog();
  const publisher = startPublisher(io, deps, {
    log: clusterLog,
    estimates: redis ? redisEstimateGate(redis, prefix) : localEstimateGate,
    pollMs: options.pollMs,
    liveViewMaxAgeMs: options.liveViewMaxAgeMs,
    peers: adapterRedis !== null,
    peerWaitMs: options.peerWaitMs,
    estimateShare: options.estimateShare,
    followsFullMs: options.followsFullMs,
    waitsMaxAgeMs: options.waitsMaxAgeMs,
    waitsRefreshMs: options.waitsRefreshMs,
    startCoalesceMs: options.startCoalesceMs,
    // Any node's revocation, read from the cluster log (with or without Redis): forgotten here even with no socket of it.
    onRevoked: (kind, id) => {
      revocations++;
      if (kind === 'device') forgetDevice(id);
    },
  });
  // Node-to-node messages of another shape — a node of the previous version during a rolling deploy (until
  // 2026-12-07 `hub:followers` carried the tickets alone) — are ignored, never thrown on in the adapter's handler.
  io.on('hub:followers', (_locationId, seq, tickets) => {
    if (typeof seq === 'number' && Array.isArray(tickets)) publisher.applyFollowerUpdates(seq, tickets);
  });
  io.on('hub:follows', (message) => {
    if (typeof message?.node === 'string') publisher.applyFollows(message);
  });
  io.on('hub:facts', (locationId, facts) => publisher.applyPeerFacts(locationId, facts));

  /**
   * Device tokens this node resolved lately (by token hash), with when they were checked against the database. A
   * node's displays reconnecting elsewhere (a node died) arrive by the thousand, each office's screens often with
   * one token: a token checked less than `recheckMs` ago is taken as checked then, with no read, and the socket is
   * re-checked by the sweep once that check is `recheckMs` old — the bound every connected socket has. A revocation
   * forgets the device's tokens on every node as soon as it reaches it: on this node at once (`auth:revoked`), on the
   * others by the revoking node's `hub:revoked` (sent just before its `disconnectSockets`) and by the cluster log's
   * revocation fact when this node reads it (within ~75 ms; without Redis the only message: publish.ts `onRevoked`),
   * and whenever this node cuts off a device's socket (the adapter's or the cluster log's revocation, a failed
   * re-check, a flood).
   */
  const deviceTokens = new Map<string, { principal: Principal; checkedAt: number }>();
  /**
   * Devices revoked (or cut off) here lately, and when: a token check that began before that is not remembered (and a
   * handshake's is read again), so the device's next handshake on this node reads its token from the database — a
   * revoked device is then refused; one merely cut off (a flood, a failed re-check that has since passed) is let in.
   */
  const revokedDevices = new Map<number, number>();
  const forgetDevice = (id: number): void => {
    revokedDevices.set(id, clock.nowMs());
    for (const [hash, entry] of deviceTokens)
      if (entry.principal.kind === 'device' && entry.principal.deviceId === id) deviceTokens.delete(hash);
  };
  /** Revocations (of any kind) heard here so far: a handshake joins a token read only if none came after its start. */
  let revocations = 0;
  const stopForgetting = deps.events.subscribe('auth:revoked', ({ kind, id }) => {
    revocations++;
    if (kind === 'device') forgetDevice(id);
  });
  // A node of the previous version sends no `hub:revoked`: its revocations are forgotten here when they cut a socket.
  io.on('hub:revoked', (message) => {
    revocations++;
    if (message?.kind === 'device' && Number.isInteger(message.id)) forgetDevice(message.id);
  });
  /**
   * Handshake token reads under way, by token hash. A node's screens reconnecting here together (a node died) arrive
   * with an office's token several at a time, before the first read of it has answered: they share that read instead of
   * each reading the token (and queueing for the storage) again — unless a revocation (a sign-out, a device removed)
   * came in since the read began: then the handshake reads for itself, as it would have alone.
   */
  const handshakeReads = new Map<
    string,
    { read: Promise<{ principal: Principal | null; checkedAt: number }>; revocations: number }
  >();
  const handshakePrincipal = (token: string): Promise<{ principal: Principal | null; checkedAt: number }> => {
    const hash = hashToken(token);
    const known = deviceTokens.get(hash);
    if (known && clock.nowMs() - known.checkedAt < recheckMs) return Promise.resolve(known);
    const going = handshakeReads.get(hash);
    if (going && going.revocations === revocations) return going.read;
    const read = (async () => {
      let checkedAt = clock.nowMs();
      let principal = await resolveToken(deps, token, deps.clock.now());
      // Revoked while the read ran: it may have read the device before the revocation, so read it again.
      if (principal?.kind === 'device' && (revokedDevices.get(principal.deviceId) ?? -1) >= checkedAt) {
        checkedAt = clock.nowMs();
        principal = await resolveToken(deps, token, deps.clock.now());
      }
      rememberDevice(hash, principal, checkedAt);
      return { principal, checkedAt };
    })();
    handshakeReads.set(hash, { read, revocations });
    const done = () => {
      if (handshakeReads.get(hash)?.read === read) handshakeReads.delete(hash);
    };
    read.then(done, done);
    return read;
  };
  function rememberDevice(hash: string, principal: Principal | null, checkedAt: number): void {
    deviceTokens.delete(hash);
    if (principal?.kind !== 'device' || (revokedDevices.get(principal.deviceId) ?? -1) >= checkedAt) return;
    deviceTokens.set(hash, { principal, checkedAt });
    if (deviceTokens.size > DEVICE_TOKENS_KEPT) deviceTokens.delete(deviceTokens.keys().next().value as string);
  }

  io.use(async (socket, next) => {
    const auth = (socket.handshake.auth ?? {}) as HubAuth;
    const token = typeof auth.token === 'string' && auth.token.length > 0 ? auth.token : null;
    let principal: Principal | null = null;
    let checkedAt = clock.nowMs();
    try {
      if (token !== null) ({ principal, checkedAt } = await handshakePrincipal(token));
    } catch (err) {
      logUnavailable(logCause, err, 'handshake');
      return next(new Error('unavailable'));
    }
    if (token !== null && !principal) return next(new Error('unauthorized'));
    // Counted last, so a refused handshake holds no slot; released on disconnect.
    const socketGuard = await guard.open(handshakeAddress(socket, deps.config.TRUST_PROXY), token === null);
    if (!socketGuard) return next(new Error('rate-limited'));
    // Gone while the (shared) limits answered: socket.io drops it without a disconnect event.
    if (socket.conn.readyState !== 'open') {
      socketGuard.release();
      return next(new Error('gone'));
    }
    // With connection state recovery the Redis adapter stores `socket.data` (msgpack) when a client drops: the guard
    // (functions, timers) is not data and stays out of it; the middleware gives a recovered socket a new one.
    const data = { principal, token, checkedAt } as SocketData;
    Object.defineProperty(data, 'guard', { value: socketGuard, enumerable: false, writable: true });
    socket.data = data;
    socket.once('disconnect', (reason) => {
      socketGuard.release();
      // Cut off by a node (a revocation here or elsewhere, by the adapter or the cluster log; a failed re-check; a
      // flood): the device's next handshake on this node reads its token again.
      if (reason === 'server namespace disconnect' && principal?.kind === 'device') forgetDevice(principal.deviceId);
    });
    next();
  });

  /**
   * Device tokens being checked against the database now, by token hash. An office's screens often share one token
   * and connected together, so their checks go stale in the same sweep: they share one read (until 2026-12-07 each
   * screen's own — 40 device reads per 5 s for the call-next bench's 40 displays of one token).
   */
  const deviceChecks = new Map<string, Promise<{ principal: Principal | null; checkedAt: number }>>();
  const checkDevice = (token: string): Promise<{ principal: Principal | null; checkedAt: number }> => {
    const hash = hashToken(token);
    let check = deviceChecks.get(hash);
    if (!check) {
      const checkedAt = clock.nowMs();
      check = resolveDeviceToken(deps.storage.read.auth, token)
        .then((principal) => {
          rememberDevice(hash, principal, checkedAt);
          return { principal, checkedAt };
        })
        .finally(() => deviceChecks.delete(hash));
      deviceChecks.set(hash, check);
    }
    return check;
  };

  /**
   * Re-resolves the socket's token; a revoked, expired or deactivated one is disconnected. A device's token is
   * looked up as a device's only (it is never a staff session's; the general lookup tries the sessions first): the
   * sweep re-checks every display every few seconds, and this halves its reads.
   */
  const recheck = async (socket: HubSocket): Promise<boolean> => {
    const token = socket.data.token;
    if (!token) return true;
    const device = socket.data.principal?.kind === 'device';
    // Another socket of the same device token (an office's screens may share one) was checked since: that check.
    const known = device ? deviceTokens.get(hashToken(token)) : undefined;
    if (known && known.checkedAt > socket.data.checkedAt && clock.nowMs() - known.checkedAt < recheckMs) {
      socket.data.principal = known.principal;
      socket.data.checkedAt = known.checkedAt;
      return true;
    }
    const checked = device ? await checkDevice(token) : null;
    const checkedAt = checked?.checkedAt ?? clock.nowMs();
    const fresh = checked ? checked.principal : await resolveToken(deps, token, deps.clock.now());
    if (!fresh) {
      socket.disconnect(true);
      return false;
    }
    socket.data.principal = fresh;
    socket.data.checkedAt = checkedAt;
    return true;
  };

  // Displays never send a command, so tokens are re-checked on a timer too, on every process.
  const sweep = setInterval(() => {
    const now = deps.clock.now().getTime();
    const stale = clock.nowMs() - recheckMs;
    for (const [hash, entry] of deviceTokens) if (entry.checkedAt <= stale) deviceTokens.delete(hash);
    for (const [id, at] of revokedDevices) if (at <= stale) revokedDevices.delete(id);
    let budget = RECHECKS_PER_SWEEP;
    for (const socket of io.of('/').sockets.values()) {
      const p = socket.data.principal;
      if (p?.kind === 'staff' && p.expiresAt !== undefined && p.expiresAt.getTime() <= now) {
        socket.disconnect(true);
      } else if (socket.data.token && socket.data.checkedAt <= stale && budget > 0) {
        budget--;
        recheck(socket).catch(() => undefined); // storage unavailable: checked again next sweep
      }
    }
  }, options.sweepMs ?? SWEEP_MS);
  sweep.unref();

  /**
   * Per socket (one connection: a recovered one is a new socket), per office: the seq of the snapshot it was last sent,
   * or of the one being sent. A client that resubscribes on every (re)connect (shared-web/use-location-feed.ts) right
   * after the handshake sent it the snapshot unasked is answered `{ current, seq }` when that snapshot is still at or
   * after the seq a new one would need — one snapshot built and encoded per reconnecting screen, not two builds and
   * three encodings (until 2026-12-07 the subscription emitted a second one and put it in its ack too).
   */
  const sentSnapshots = new WeakMap<HubSocket, Map<string, Promise<number | undefined>>>();

  const watchLocation = async (
    socket: HubSocket,
    locationId: string,
    clientSeq?: number,
  ): Promise<HubSnapshot | SnapshotCurrent> => {
    const p = socket.data.principal;
    // Only an API client's access depends on the office's municipality: a screen reconnecting (by the thousand when a
    // node died) reads nothing here — an unknown office is `not-found` from the snapshot.
    const municipalityId =
      p?.kind === 'api-client' ? (await deps.storage.read.queue.location(locationId))?.municipalityId : undefined;
    if (!p || !canReadQueue(p, locationId, municipalityId)) throw new AppError('forbidden', 'Not your location');
    socket.join([locationRoom(locationId), roleRoom(locationId, roleOf(p))]);
    if (takesBatchedFacts(socket)) socket.join(batchedStaffRoom(locationId));
    const sent = sentSnapshots.get(socket) ?? new Map<string, Promise<number | undefined>>();
    sentSnapshots.set(socket, sent);
    const before = sent.get(locationId);
    const answer = (async (): Promise<HubSnapshot | SnapshotCurrent> => {
      // The client has a snapshot (it says which seq): the one this socket was sent, once it has gone out, if any.
      const had = clientSeq === undefined ? undefined : await before;
      const current = had !== undefined && clientSeq !== undefined && had >= clientSeq ? had : undefined;
      const snapshot = await publisher.snapshot(locationId, current);
      if (snapshot === 'current') return { current: true, seq: current as number };
      if (!snapshot) throw new AppError('not-found', 'No such location');
      socket.emit('queue:snapshot', snapshot);
      return snapshot;
    })();
    sent.set(
      locationId,
      answer.then(
        (a) => a.seq,
        () => before,
      ),
    );
    return answer;
  };

  io.on('connection', (socket) => {
    // Every packet is counted before its payload is parsed or a handler runs.
    socket.use((packet, next) => {
      void socket.data.guard.admit().then((verdict) => {
        if (verdict === 'allow') return next();
        const ack = packet[packet.length - 1];
        if (typeof ack === 'function') {
          (ack as (a: Ack) => void)({
            ok: false,
            error: { code: 'rate-limited', message: 'Too many messages; slow down' },
          });
        }
        if (verdict === 'disconnect') socket.disconnect(true);
      });
    });
    const p = socket.data.principal;
    const auth = (socket.handshake.auth ?? {}) as HubAuth;
    // The rooms that revocation needs are joined at once; the location's snapshot follows.
    if (p?.kind === 'api-client') socket.join(apiKeyRoom(p.keyId));
    else if (p?.kind === 'device') socket.join(deviceRoom(p.deviceId));
    else if (p?.kind === 'staff') socket.join(sessionRoom(p.sessionId));
    const connected = async () => {
      if (p?.kind === 'api-client') {
        // An integrator with queue:read watches what a waiting-room display shows (no personal data).
        if (typeof auth.locationId === 'string') await watchLocation(socket, auth.locationId);
      } else if (p?.kind === 'device') {
        await watchLocation(socket, p.locationId);
      } else if (p?.kind === 'staff') {
        const counter = await deps.storage.read.queue.counterOfAgent(p.userId);
        if (counter) socket.join(counterRoom(counter.id));
        const wanted =
          typeof auth.locationId === 'string' && canAccessLocation(p, auth.locationId)
            ? auth.locationId
            : counter && canAccessLocation(p, counter.locationId)
              ? counter.locationId
              : p.locationIds.length === 1
                ? p.locationIds[0]
                : undefined;
        if (wanted) await watchLocation(socket, wanted);
      }
      if (typeof auth.follow === 'string' && /^[A-Za-z0-9_-]{16,40}$/.test(auth.follow)) {
        const followed = publisher.beginFollow();
        const ticket = await getPublicTicket(deps, auth.follow);
        socket.join(ticketRoom(auth.follow));
        socket.data.guard.follows++;
        socket.emit('ticket:updated', ticket);
        followed(auth.follow, ticket.locationId);
      }
    };
    connected().catch((err: unknown) => {
      if (!(err instanceof AppError)) deps.log.error('hub connect failed', { error: String(err) });
    });

    const context: CommandContext = {
      deps,
      socket,
      maxFollows: limits.maxFollowsPerSocket,
      beginFollow: () => publisher.beginFollow(),
      watchLocation: (locationId, seq) => watchLocation(socket, locationId, seq),
      watchCounter: async (counterId, locationId) => {
        for (const room of socket.rooms) if (room.startsWith('counter:')) socket.leave(room);
        socket.join(counterRoom(counterId));
        if (!socket.rooms.has(locationRoom(locationId))) await watchLocation(socket, locationId);
      },
    };

    for (const name of Object.keys(commands) as CommandName[]) {
      const command = commands[name];
      socket.on(name, async (...args: unknown[]) => {
        // A client may send (payload, ack), (ack) or junk: never trust the shape.
        const ack = typeof args[args.length - 1] === 'function' ? (args[args.length - 1] as (a: Ack) => void) : null;
        const payload = typeof args[0] === 'function' ? undefined : args[0];
        let reply: Ack;
        try {
          if (!command.public) {
            if (!socket.data.token) throw new AppError('unauthorized', 'Connect with a token');
            // Revoked or expired since the last check: cut the socket off.
            if (clock.nowMs() - socket.data.checkedAt > recheckMs && !(await recheck(socket))) {
              throw new AppError('unauthorized', 'Your session has ended');
            }
          }
          const parsed = command.schema.parse(payload);
          const actor: CommandActor = { socketId: socket.id, batched: takesBatchedFacts(socket) };
          const asActor = { ...context, deps: { ...deps, events: eventsOf(deps.events, actor) } };
          reply = { ok: true, data: await command.run(asActor, parsed) };
          if (actor.pending) Object.assign(reply, await reportOf(actor));
        } catch (err) {
          reply = toAckError(err, deps, logCause, name);
        }
        if (ack) ack(reply);
      });
    }
  });

  const stopRevocations = deps.events.subscribe('auth:revoked', ({ kind, id }) => {
    const room = kind === 'staff' ? sessionRoom(id) : kind === 'device' ? deviceRoom(id) : apiKeyRoom(id);
    // First the other nodes forget the device's tokens (one stream: in this order), so that a screen cut off there
    // is refused when it reconnects at once, and a node holding its token with no socket of it refuses it as well.
    if (adapterRedis) io.serverSideEmit('hub:revoked', { kind, id });
    // Through the adapter: the sockets on every node (the cluster log's `auth:revoked` does it again).
    io.in(room).disconnectSockets(true);
  });

  return {
    io,
    publisher,
    close: async () => {
      stopRevocations();
      stopForgetting();
      clearInterval(sweep);
      await publisher.stop();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      if (!options.clusterLog) clusterLog.close();
      for (const client of [redis, adapterRedis]) client?.disconnect();
    },
  };
}

/** A staff socket that asked for a round's facts as one message (`HubAuth.facts`), its own changes by their acks. */
function takesBatchedFacts(socket: HubSocket): boolean {
  return socket.data.principal?.kind === 'staff' && (socket.handshake.auth as HubAuth | undefined)?.facts === 'batched';
}

/**
 * What the publisher left out for the socket whose command made a change (its last seq, the call's waits): waited for
 * at most REPORT_WAIT_MS; after that nothing is left out for it (`gaveUp`), and the ack says nothing.
 */
async function reportOf(actor: CommandActor): Promise<CommandActor['report']> {
  if (!actor.report) {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      actor.reported = resolve;
      timer = setTimeout(resolve, REPORT_WAIT_MS);
    });
    clearTimeout(timer);
  }
  actor.gaveUp = true;
  return actor.report;
}

/** Redis going away is logged once per outage, not on every reconnect attempt; the hub keeps serving its sockets. */
function redisTrouble(deps: Deps): (err: Error) => void {
  let lastLogged = 0;
  return (err) => {
    if (Date.now() - lastLogged < 60_000) return;
    lastLogged = Date.now();
    deps.log.warn('hub redis unavailable', { error: err.message });
  };
}
