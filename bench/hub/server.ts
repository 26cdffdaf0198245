/**
 * Bench server child: `loket <port> <db>` runs the real app and hub (as server/main.ts does, without
 * seeding or timers); `bare <port>` runs a bare socket.io server that broadcasts a call to a room —
 * the baseline. Prints "listening" when ready; SIGTERM closes like main.ts does.
 */
import type { Server as HttpServer } from 'node:http';
import { createServer } from 'node:http';
import { serve } from '@hono/node-server';
import { Server } from 'socket.io';
import { openDatabase } from '../../db/client.ts';
import { sqliteStorage } from '../../db/sqlite/storage.ts';
import { createApp } from '../../server/app.ts';
import { systemClock } from '../../server/clock.ts';
import { loadConfig } from '../../server/config.ts';
import { createDomainEvents } from '../../server/events.ts';
import { attachHub } from '../../server/hub/hub.ts';
import { silentLogger } from '../../server/logger.ts';
import { answerCpuRequests, closeOnSigterm } from '../server-child.ts';
import { SAMPLE_TICKET } from './sample.ts';

const [mode, portArg, dbPath] = process.argv.slice(2);

answerCpuRequests();
const port = Number(portArg);

if (mode === 'loket') {
  // Thousands of displays and every driver connect from 127.0.0.1, and one driver socket speaks for
  // hundreds of counters: the per-address and per-socket abuse limits are lifted for this load.
  const config = loadConfig({
    LOKET_DB: dbPath,
    LOG_LEVEL: 'silent',
    PORT: String(port),
    HUB_MAX_CONNECTIONS_PER_ADDRESS: '1000000',
    HUB_MAX_ANONYMOUS_CONNECTIONS_PER_ADDRESS: '1000000',
  });
  const db = openDatabase(config.LOKET_DB);
  const deps = {
    db,
    storage: sqliteStorage(db),
    clock: systemClock,
    config,
    events: createDomainEvents(),
    log: silentLogger,
  };
  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => process.stdout.write('listening\n'));
  const unlimited = { limit: 1e9, windowMs: 1_000 };
  const hub = attachHub(server as HttpServer, deps, {
    limits: {
      staffPerSocket: unlimited,
      allPerAddress: unlimited,
      publicPerAddress: unlimited,
      connectsPerAddress: unlimited,
      cutOffsPerAddress: unlimited,
    },
  });
  closeOnSigterm(hub, db);
} else {
  const http = createServer();
  const io = new Server(http, { serveClient: false, connectionStateRecovery: { maxDisconnectionDuration: 120_000 } });
  let seq = 0;
  io.on('connection', (socket) => {
    const locationId = (socket.handshake.auth as { locationId?: string }).locationId;
    if (locationId) socket.join(`location:${locationId}`);
    socket.on('call', (payload: { locationId: string }, ack: (a: unknown) => void) => {
      seq += 1;
      const ticket = { ...SAMPLE_TICKET, id: seq, locationId: payload.locationId };
      io.to(`location:${payload.locationId}`).emit('ticket:called', {
        ticketId: seq,
        number: ticket.number,
        counterId: 1,
        counterName: 'Balie 1',
        calledAt: new Date().toISOString(),
        recall: false,
        ticket,
      });
      ack({ ok: true, data: ticket });
    });
  });
  http.listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
  process.on('SIGTERM', () => io.close(() => process.exit(0)));
}
