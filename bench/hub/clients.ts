/**
 * Bench client child: holds many display sockets (one process of several), records when each
 * `ticket:called` and each `queue:snapshot` arrives, and reports to the parent over IPC.
 */
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';

interface Start {
  type: 'start';
  url: string;
  sockets: { locationId: string; token: string }[];
  reconnection: boolean;
}
type Msg = Start | { type: 'report' } | { type: 'mark' } | { type: 'exit' };

const now = () => performance.timeOrigin + performance.now();
const sockets: Socket[] = [];
/** [ticketId, receivedAt] per ticket:called receipt. */
const receipts: number[] = [];
/** Per socket: [receivedAt, ticketCount] of each snapshot since the last mark. */
let snapshots: [number, number][][] = [];
/** Per socket: when it (re)connected since the last mark. */
let connects: number[][] = [];

function send(msg: unknown): void {
  process.send?.(msg);
}

async function start(msg: Start): Promise<void> {
  snapshots = msg.sockets.map(() => []);
  connects = msg.sockets.map(() => []);
  let connected = 0;
  let failed = 0;
  const batch = 100;
  for (let i = 0; i < msg.sockets.length; i += batch) {
    await Promise.all(
      msg.sockets.slice(i, i + batch).map(
        (s, k) =>
          new Promise<void>((resolve) => {
            const index = i + k;
            const socket = io(msg.url, {
              auth: { token: s.token, locationId: s.locationId },
              transports: ['websocket'],
              forceNew: true,
              reconnection: msg.reconnection,
              // The front-ends' settings (shared-web/hub.ts).
              reconnectionDelay: 500,
              reconnectionDelayMax: 5000,
              timeout: 20_000,
            });
            sockets.push(socket);
            socket.on('ticket:called', (call: { ticketId: number }) => {
              receipts.push(call.ticketId, now());
            });
            socket.on('queue:snapshot', (snap: { tickets: { status: string }[] }) => {
              snapshots[index]?.push([Date.now(), snap.tickets.filter((t) => t.status === 'waiting').length]);
            });
            socket.on('connect', () => {
              connects[index]?.push(Date.now());
            });
            socket.once('connect', () => {
              connected++;
              resolve();
            });
            socket.once('connect_error', () => {
              failed++;
              resolve();
            });
          }),
      ),
    );
  }
  send({ type: 'ready', connected, failed });
}

process.on('message', (msg: Msg) => {
  if (msg.type === 'start') void start(msg);
  else if (msg.type === 'mark') {
    snapshots = snapshots.map(() => []);
    connects = connects.map(() => []);
    send({ type: 'marked' });
  } else if (msg.type === 'report') {
    send({ type: 'report', receipts, snapshots, connects, connectedNow: sockets.filter((s) => s.connected).length });
  } else if (msg.type === 'exit') {
    for (const s of sockets) s.disconnect();
    setTimeout(() => process.exit(0), 100);
  }
});
