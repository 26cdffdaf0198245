/**
 * Flooder child: `sockets` anonymous hub sockets, each from its own address (X-Forwarded-For), sending
 * `ticket:follow` as fast as the client can until the server cuts it off, then reconnecting at once as
 * an attacker would. Bounded: stops on { type: 'stop' } or after `maxSeconds`, and never sends more
 * than `maxPackets` in all. Reports what it sent and what the server answered.
 */
import { io, type Socket } from 'socket.io-client';

interface Start {
  type: 'start';
  url: string;
  sockets: number;
  firstAddress: number;
  maxSeconds: number;
  maxPackets: number;
}

const stats = { sent: 0, handled: 0, rateLimited: 0, cutOff: 0, connects: 0, connectRefused: 0 };
let stopping = false;
const open = new Set<Socket>();

function address(n: number): string {
  // One /24 per flooding client, so only per-socket and per-address limits meet it.
  return `100.${64 + ((n >> 16) & 63)}.${(n >> 8) & 255}.${n & 255}`;
}

function flood(url: string, addr: string, maxPackets: number): void {
  if (stopping) return;
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { 'x-forwarded-for': addr },
  });
  open.add(socket);
  const burst = () => {
    if (stopping || !socket.connected) return;
    for (let i = 0; i < 200 && stats.sent < maxPackets; i++) {
      stats.sent++;
      // A well-formed public id of no ticket: each one the server handles costs a database read.
      socket.emit('ticket:follow', { publicId: 'bench-no-such-ticket-000' }, (ack: { error?: { code: string } }) => {
        if (ack?.error?.code === 'rate-limited') stats.rateLimited++;
        else stats.handled++;
      });
    }
    if (stats.sent < maxPackets) setImmediate(burst);
  };
  socket.on('connect', () => {
    stats.connects++;
    burst();
  });
  socket.on('connect_error', () => {
    stats.connectRefused++;
    open.delete(socket);
    // Refused at the handshake (connection bucket): try again a little later.
    if (!stopping) setTimeout(() => flood(url, addr, maxPackets), 250);
  });
  socket.on('disconnect', (reason) => {
    open.delete(socket);
    if (reason === 'io server disconnect') stats.cutOff++;
    if (!stopping) setImmediate(() => flood(url, addr, maxPackets));
  });
}

function stop(): void {
  if (stopping) return;
  stopping = true;
  for (const s of open) s.disconnect();
  process.send?.({ type: 'stats', stats }, () => process.exit(0));
}

process.on('message', (msg: Start | { type: 'stop' }) => {
  if (msg.type === 'start') {
    for (let i = 0; i < msg.sockets; i++) flood(msg.url, address(msg.firstAddress + i), msg.maxPackets);
    setTimeout(stop, msg.maxSeconds * 1000).unref();
    process.send?.({ type: 'started' });
  } else stop();
});
