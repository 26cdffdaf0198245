/**
 * Clerk child for part 2: one staff socket per counter (each clerk at their own address), all on one node
 * (node A, directly). Every second each clerk presses "next" and starts the called ticket, spread over the
 * second — with 125 offices that is 125 calls/s. Records [ticketId, sentAt, office index] of every acknowledged call.
 * Bounded by `seconds`; reports over IPC.
 */
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { emitAck } from '../shared.ts';

/** `queue:call-next` answers `{ ticket }` like its HTTP twin (null: nobody waiting). */
type Ack = { ok: boolean; data?: { ticket?: { id: number } | null } | null; error?: { code: string } };
interface Start {
  type: 'start';
  url: string;
  token: string;
  targets: { locationId: string; counterId: number; address: string }[];
  seconds: number;
}

const now = () => performance.timeOrigin + performance.now();

function connect(url: string, token: string, address: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(url, {
      // As the consoles connect (shared-web/hub.ts): a round's facts in one message, the own changes by the acks.
      auth: { token, facts: 'batched' },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { 'x-forwarded-for': address },
    });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

const emit = (socket: Socket, event: string, payload: unknown) => emitAck<Ack>(socket, event, payload, 10_000);

process.on('message', async (msg: Start | { type: 'go' }) => {
  if (msg.type !== 'start') return;
  let sockets: Socket[];
  try {
    sockets = await Promise.all(msg.targets.map((t) => connect(msg.url, msg.token, t.address)));
  } catch (error) {
    process.send?.({ type: 'ready', error: (error as Error).message });
    return;
  }
  process.send?.({ type: 'ready' });
  process.once('message', async () => {
    const sent: number[] = []; // [ticketId, sentAt, office index]
    const errors: Record<string, number> = {};
    const t0 = now() + 200;
    await Promise.all(
      msg.targets.map(async (target, i) => {
        const socket = sockets[i] as Socket;
        // Bounded in count and in time: an overloaded node must not stretch the run (calls late by more than
        // the run's length are skipped, and counted).
        for (let k = 0; k < msg.seconds; k++) {
          if (now() > t0 + (msg.seconds + 5) * 1000) {
            errors['skipped: run over'] = (errors['skipped: run over'] ?? 0) + msg.seconds - k;
            break;
          }
          const wait = t0 + k * 1000 + (i / msg.targets.length) * 1000 - now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          const sentAt = now();
          const ack = await emit(socket, 'queue:call-next', { counterId: target.counterId });
          const called = ack.ok ? ack.data?.ticket : null;
          if (called) {
            sent.push(called.id, sentAt, i);
            await emit(socket, 'ticket:start', { ticketId: called.id });
          } else {
            const code = ack.error?.code ?? 'empty queue';
            errors[code] = (errors[code] ?? 0) + 1;
          }
        }
      }),
    );
    process.send?.({ type: 'result', sent, errors });
    for (const s of sockets) s.disconnect();
    setTimeout(() => process.exit(0), 100);
  });
});
process.on('disconnect', () => process.exit(0));
