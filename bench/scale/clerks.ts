/**
 * Clerk child for part 2: one staff socket per counter (each clerk at their own address), each on the node the
 * parent chose (`url`, directly: the bench knows which node served each call; see clerk-placement.ts). Every second
 * each clerk presses "next" and starts the called ticket, spread over the second — with 125 offices that is 125
 * calls/s (`periodMs`: once per that many ms instead, part 2's `--rate`). When its node dies the socket reconnects through HAProxy (`reconnectUrl`) with the front-ends' back-off
 * (shared-web/hub.ts: 0.5 s growing to 5 s) and goes on calling. Records [ticketId, sentAt, office index] of every
 * acknowledged call; a call sent but not acknowledged (its node died first) is counted by cause, not recorded.
 * Bounded in count (`seconds` presses per clerk) and in time; reports over IPC.
 */
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';

/** `queue:call-next` answers `{ ticket }` like its HTTP twin (null: nobody waiting). */
type Ack = { ok: boolean; data?: { ticket?: { id: number } | null } | null; error?: { code: string } };
interface Target {
  locationId: string;
  counterId: number;
  address: string;
  /** The node this clerk connects to first (directly). */
  url: string;
}
interface Start {
  type: 'start';
  /** HAProxy: where a clerk reconnects after losing its node. */
  reconnectUrl: string;
  token: string;
  targets: Target[];
  seconds: number;
  /** Each clerk presses once per this many ms (default 1000: one call per office per second). */
  periodMs?: number;
}

const now = () => performance.timeOrigin + performance.now();
const ACK_TIMEOUT_MS = 10_000;

function connect(target: Target, reconnectUrl: string, token: string, onReconnect: () => void): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(target.url, {
      // As the consoles connect (shared-web/hub.ts): a round's facts in one message, the own changes by the acks.
      auth: { token, facts: 'batched' },
      transports: ['websocket'],
      forceNew: true,
      // The front-ends' settings (shared-web/hub.ts); not while connecting first (a refusal fails the part).
      reconnection: false,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
      timeout: 20_000,
      extraHeaders: { 'x-forwarded-for': target.address },
    });
    socket.once('connect', () => {
      socket.io.reconnection(true);
      socket.on('disconnect', () => {
        // Its node is gone (or dropped it): come back through the balancer, as a console behind it would.
        (socket.io as unknown as { uri: string }).uri = reconnectUrl;
      });
      socket.io.on('reconnect', onReconnect);
      resolve(socket);
    });
    socket.once('connect_error', reject);
  });
}

/** The ack, or why there is none: the socket dropped with the call in flight, or no answer in time. */
async function emit(socket: Socket, event: string, payload: unknown): Promise<Ack> {
  try {
    return (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload)) as Ack;
  } catch (error) {
    const dropped = /disconnected/i.test((error as Error).message) || !socket.connected;
    return {
      ok: false,
      error: { code: dropped ? 'unacknowledged: socket dropped in flight' : 'unacknowledged: timeout' },
    };
  }
}

/** Waits (at most `ms`) for the socket to be connected again. */
function connected(socket: Socket, ms: number): Promise<boolean> {
  if (socket.connected) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(t);
      socket.off('connect', onConnect);
      resolve(ok);
    };
    const onConnect = () => done(true);
    const t = setTimeout(() => done(socket.connected), ms);
    socket.on('connect', onConnect);
  });
}

process.on('message', async (msg: Start | { type: 'go' }) => {
  if (msg.type !== 'start') return;
  const reconnects: number[] = [];
  let sockets: Socket[];
  try {
    sockets = await Promise.all(
      msg.targets.map((t) => connect(t, msg.reconnectUrl, msg.token, () => reconnects.push(now()))),
    );
  } catch (error) {
    process.send?.({ type: 'ready', error: (error as Error).message });
    return;
  }
  process.send?.({ type: 'ready' });
  process.once('message', async () => {
    const sent: number[] = []; // [ticketId, sentAt, office index]
    const errors: Record<string, number> = {};
    /** Press → ack of each acknowledged call-next (the ack waits up to 500 ms for the node's publisher, hub.ts). */
    const ackMs: number[] = [];
    const count = (cause: string, n = 1) => {
      errors[cause] = (errors[cause] ?? 0) + n;
    };
    const t0 = now() + 200;
    const endBy = t0 + (msg.seconds + 5) * 1000;
    const period = msg.periodMs ?? 1000;
    const presses = Math.round((msg.seconds * 1000) / period);
    await Promise.all(
      msg.targets.map(async (target, i) => {
        const socket = sockets[i] as Socket;
        // Bounded in count and in time: an overloaded node must not stretch the run (calls late by more than
        // the run's length are skipped, and counted).
        for (let k = 0; k < presses; k++) {
          if (now() > endBy) {
            count('skipped: run over', presses - k);
            break;
          }
          const slot = t0 + k * period + (i / msg.targets.length) * period;
          const wait = slot - now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          // A clerk whose node died waits for its reconnect up to its next press; a press it could not make then
          // is skipped (never sent, so never acknowledged nor lost).
          if (!(await connected(socket, Math.max(0, slot + period - now())))) {
            count('skipped: clerk reconnecting');
            continue;
          }
          const sentAt = now();
          const ack = await emit(socket, 'queue:call-next', { counterId: target.counterId });
          const called = ack.ok ? ack.data?.ticket : null;
          if (called) {
            sent.push(called.id, sentAt, i);
            ackMs.push(now() - sentAt);
            const started = await emit(socket, 'ticket:start', { ticketId: called.id });
            if (!started.ok) count(`start refused: ${started.error?.code ?? 'unknown'}`);
          } else count(ack.ok ? 'empty queue' : (ack.error?.code ?? 'unknown'));
        }
      }),
    );
    process.send?.({
      type: 'result',
      sent,
      ackMs,
      errors,
      reconnects,
      stillDisconnected: sockets.filter((s) => !s.connected).length,
    });
    for (const s of sockets) s.disconnect();
    setTimeout(() => process.exit(0), 100);
  });
});
process.on('disconnect', () => process.exit(0));
