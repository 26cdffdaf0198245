/**
 * Bench driver child. `fanout`: one staff socket presses "next" once a second at one counter of each
 * office (spread over the second) and starts the called ticket, recording when each call was sent.
 * `contention`: each given counter presses next → start → next … as fast as acks come, until the
 * queue is empty. Reports over IPC.
 */
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { emitAck } from '../shared.ts';

/** `call` answers the ticket; `queue:call-next` answers `{ ticket }` like its HTTP twin. */
type Ack = {
  ok: boolean;
  data?: { id: number; ticket?: undefined } | { id?: undefined; ticket: { id: number } | null } | null;
  error?: { code: string };
};
interface Start {
  type: 'start';
  mode: 'fanout-loket' | 'fanout-bare' | 'contention';
  url: string;
  token: string;
  /** fanout: one counter per office; contention: the counters this process drives. */
  targets: { locationId: string; counterId: number }[];
  seconds: number;
}

const now = () => performance.timeOrigin + performance.now();

function connect(url: string, token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(url, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

const emit = (socket: Socket, event: string, payload: unknown) => emitAck<Ack>(socket, event, payload, 30_000);

async function fanout(msg: Start, socket: Socket): Promise<unknown> {
  const sent: number[] = []; // [ticketId, sentAt]
  let errors = 0;
  const t0 = now() + 200;
  const tasks: Promise<void>[] = [];
  msg.targets.forEach((target, i) => {
    tasks.push(
      (async () => {
        for (let k = 0; k < msg.seconds; k++) {
          const at = t0 + k * 1000 + (i / msg.targets.length) * 1000;
          const wait = at - now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          const sentAt = now();
          if (msg.mode === 'fanout-bare') {
            const ack = await emit(socket, 'call', { locationId: target.locationId });
            if (ack.ok && ack.data?.id !== undefined) sent.push(ack.data.id, sentAt);
            else errors++;
            continue;
          }
          const ack = await emit(socket, 'queue:call-next', { counterId: target.counterId });
          const called = ack.ok ? ack.data?.ticket : null;
          if (called) {
            sent.push(called.id, sentAt);
            await emit(socket, 'ticket:start', { ticketId: called.id });
          } else errors++;
        }
      })(),
    );
  });
  await Promise.all(tasks);
  return { sent, errors };
}

async function contention(msg: Start, socket: Socket): Promise<unknown> {
  const called: number[] = [];
  let errors = 0;
  const began = Date.now();
  await Promise.all(
    msg.targets.map(async (target) => {
      for (;;) {
        const ack = await emit(socket, 'queue:call-next', { counterId: target.counterId });
        if (!ack.ok) {
          errors++;
          if (errors > 1000) return;
          continue;
        }
        const ticket = ack.data?.ticket;
        if (!ticket) return;
        called.push(ticket.id);
        await emit(socket, 'ticket:start', { ticketId: ticket.id });
      }
    }),
  );
  return { called, errors, began, ended: Date.now() };
}

process.on('message', async (msg: Start | { type: 'go' }) => {
  if (msg.type === 'start') {
    const socket = await connect(msg.url, msg.token);
    process.send?.({ type: 'ready' });
    process.once('message', async () => {
      const result = msg.mode === 'contention' ? await contention(msg, socket) : await fanout(msg, socket);
      process.send?.({ type: 'result', result });
      socket.disconnect();
      setTimeout(() => process.exit(0), 100);
    });
  }
});
