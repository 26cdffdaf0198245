/**
 * Display client child for part 2: many display sockets (each office's displays share the office's
 * address, X-Forwarded-For), each asking HAProxy for a node (`?node=`) for its first connection, reconnecting
 * through the round robin with the front-ends' settings. Like the real display (shared-web/use-location-feed.ts) a socket that sees a gap in the
 * location's seq asks for a snapshot, and one that reconnects subscribes again (`queue:subscribe`, with the seq it has:
 * acked `{ current }` when the snapshot the hub sent it unasked is still current). Records every ticket:called (ticket, time, seq), every snapshot
 * (time, seq), connects and disconnects; reports them to the parent over IPC.
 */
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';

export interface DisplaySpec {
  locationId: string;
  token: string;
  node: string;
  address: string;
}
interface Start {
  type: 'start';
  url: string;
  sockets: DisplaySpec[];
}
type Msg = Start | { type: 'status' } | { type: 'report' } | { type: 'exit' };

export interface DisplayReport {
  node: string;
  locationId: string;
  /** [ticketId, receivedAt, seq] per ticket:called. */
  calls: number[];
  /** [receivedAt, seq] per snapshot (on connect, or asked for after a gap). */
  snapshots: number[];
  connects: number[];
  disconnects: number[];
  gapsAsked: number;
  /** Reconnection attempts that failed (refused by HAProxy or the node, or timed out), and why (per message). */
  failedReconnects: number;
  connectErrors: Record<string, number>;
  /**
   * [receivedAt, message] per connect error (at most 100 per socket), the message with what lies under it when
   * socket.io has it (a WebSocket's `Unexpected server response: 503`, `socket hang up`, …).
   */
  connectErrorLog: [number, string][];
}

const now = () => performance.timeOrigin + performance.now();
const sockets: Socket[] = [];
let reports: DisplayReport[] = [];

async function start(msg: Start): Promise<void> {
  reports = msg.sockets.map((s) => ({
    node: s.node,
    locationId: s.locationId,
    calls: [],
    snapshots: [],
    connects: [],
    disconnects: [],
    gapsAsked: 0,
    failedReconnects: 0,
    connectErrors: {},
    connectErrorLog: [],
  }));
  // Sockets are opened in batches of 100, 100 ms apart, without waiting for each batch: the parent polls how
  // many are connected and goes on with those once its bounded connect phase is over.
  const batch = 100;
  for (let i = 0; i < msg.sockets.length; i += batch) {
    msg.sockets.slice(i, i + batch).forEach((s, k) => {
      const rep = reports[i + k] as DisplayReport;
      let lastSeq = 0;
      const socket = io(`${msg.url}/?node=${s.node}`, {
        auth: { token: s.token, locationId: s.locationId },
        transports: ['websocket'],
        forceNew: true,
        extraHeaders: { 'x-forwarded-for': s.address },
        // The front-ends' settings (shared-web/hub.ts).
        reconnection: true,
        reconnectionDelay: 500,
        reconnectionDelayMax: 5000,
        timeout: 20_000,
      });
      sockets.push(socket);
      const snapshot = (snap: { seq?: number }) => {
        rep.snapshots.push(now(), snap.seq ?? -1);
        if (snap.seq !== undefined) lastSeq = Math.max(lastSeq, snap.seq);
      };
      socket.on('queue:snapshot', snapshot);
      // With the seq it has, as the real feed: the hub acks `{ current }` when the snapshot it sent is still current
      // (no snapshot, not counted as one); a node of before refuses the seq and is asked without it.
      let oldHub = false;
      const subscribe = (): void => {
        const withSeq = lastSeq > 0 && !oldHub;
        socket
          .timeout(10_000)
          .emitWithAck(
            'queue:subscribe',
            withSeq ? { locationId: s.locationId, seq: lastSeq } : { locationId: s.locationId },
          )
          .then((ack: { ok: boolean; data?: { seq?: number; current?: true }; error?: { code: string } }) => {
            if (ack.ok && ack.data && !ack.data.current) snapshot(ack.data);
            else if (withSeq && ack.error?.code === 'validation-failed') {
              oldHub = true;
              subscribe();
            }
          })
          .catch(() => {});
      };
      socket.on('ticket:called', (call: { ticketId: number; seq?: number; prev?: number }) => {
        rep.calls.push(call.ticketId, now(), call.seq ?? -1);
        if (call.prev !== undefined && call.prev > lastSeq) {
          // A gap: a fact went missing; ask for the queue as it is now.
          rep.gapsAsked++;
          subscribe();
        }
        if (call.seq !== undefined) lastSeq = Math.max(lastSeq, call.seq);
      });
      socket.on('connect', () => {
        rep.connects.push(now());
        // As the real display's feed (shared-web/use-location-feed.ts): on a reconnect, once it knows its office from a
        // first snapshot, it subscribes again, and the ack's snapshot counts as one.
        if (rep.snapshots.length === 0) return;
        subscribe();
      });
      socket.on('disconnect', () => {
        rep.disconnects.push(now());
        // Pinned to its node (`?node=`) for its first connection only, so the bench knows where it lives; a
        // reconnect goes through the balancer's round robin like a real display's (a pin would keep sending it to
        // its dead node until HAProxy's health checks mark that down).
        (socket.io as unknown as { uri: string }).uri = `${msg.url}/`;
        socket.io.opts.query = {};
      });
      socket.io.on('reconnect_error', () => rep.failedReconnects++);
      socket.on('connect_error', (err: Error & { description?: unknown }) => {
        rep.connectErrors[err.message] = (rep.connectErrors[err.message] ?? 0) + 1;
        const under = err.description instanceof Error ? err.description.message : undefined;
        if (rep.connectErrorLog.length < 100)
          rep.connectErrorLog.push([now(), under ? `${err.message}: ${under}` : err.message]);
      });
    });
    await new Promise((r) => setTimeout(r, 100));
  }
  process.send?.({ type: 'opened' });
}

process.on('message', (msg: Msg) => {
  if (msg.type === 'start') void start(msg);
  else if (msg.type === 'status')
    process.send?.({ type: 'status', connected: sockets.filter((s) => s.connected).length });
  else if (msg.type === 'report')
    process.send?.({ type: 'report', reports, connectedNow: sockets.filter((s) => s.connected).length });
  else if (msg.type === 'exit') {
    for (const s of sockets) s.disconnect();
    setTimeout(() => process.exit(0), 100);
  }
});
process.on('disconnect', () => process.exit(0));
