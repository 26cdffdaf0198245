/**
 * npm run bench:hub — the hub under load, loopback only, clients in separate processes.
 *
 * 1. Fan-out: 1,000 and 5,000 display sockets in rooms of 40 (one office each); one "next" per
 *    second per office through the real hub (DB write, predictor, broadcast), latency from sending
 *    the command to receipt of `ticket:called` at every display, p50/p99 and share delivered — and
 *    the same harness against a bare socket.io server that only broadcasts (the ratio).
 * 2. Call-next under contention: 20 counters (4 processes) pressing next → start → next … for 1,000
 *    tickets: calls per second and duplicates (from the acks and from the ticket-event log).
 * 3. Reconnect storm: 2,000 displays connected, the server restarts (SIGTERM as in production) while
 *    the queue changes; time until 99 % and 100 % hold a snapshot with the true state.
 * Prints the figures and writes bench/results/hub.json.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import { openDatabase } from '../db/client.ts';
import { services, ticketEvents, ticketItems, tickets } from '../db/schema/index.ts';
import { loadConfig } from '../server/config.ts';
import { serviceDateOf } from '../server/queue/queue-model.ts';
import { addLocations, adminSessionToken, type BenchLocation, seedBase } from './hub/seed.ts';
import { freePort, nextMessage, percentile, round } from './shared.ts';

/** Thousands of sockets take minutes to connect on a loaded machine; a child silent for three minutes has failed. */
const CHILD_MS = 180_000;
const here = dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.BENCH_HUB_SECONDS ?? 10);
const CLIENT_PROCESSES = 4;
const ROOM = 40;
/** Run one part only while developing: fanout | contention | storm. */
const ONLY = process.env.BENCH_HUB_ONLY;

function child(script: string, args: string[] = []): ChildProcess {
  return fork(join(here, 'hub', script), args, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
}

async function startServer(mode: 'loket' | 'bare', port: number, dbPath: string): Promise<ChildProcess> {
  const proc = child('server.ts', [mode, String(port), dbPath]);
  await new Promise<void>((resolve, reject) => {
    proc.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('listening')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return proc;
}

async function stopServer(proc: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  await exited;
}

async function startClients(url: string, locs: BenchLocation[], perRoom: number, reconnection: boolean) {
  const procs = Array.from({ length: CLIENT_PROCESSES }, () => child('clients.ts'));
  const ready = procs.map((p) => nextMessage<{ connected: number; failed: number }>(p, 'ready', CHILD_MS));
  procs.forEach((p, k) => {
    const sockets = locs
      .filter((_, i) => i % CLIENT_PROCESSES === k)
      .flatMap((l) => Array.from({ length: perRoom }, () => ({ locationId: l.id, token: l.displayToken })));
    p.send({ type: 'start', url, sockets, reconnection });
  });
  const r = await Promise.all(ready);
  return {
    procs,
    connected: r.reduce((a, x) => a + x.connected, 0),
    failed: r.reduce((a, x) => a + x.failed, 0),
  };
}

async function stopClients(procs: ChildProcess[]): Promise<void> {
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((resolve) => {
          p.once('exit', () => resolve());
          p.send({ type: 'exit' });
        }),
    ),
  );
}

interface FanoutResult {
  server: 'loket' | 'bare';
  sockets: number;
  rooms: number;
  calls: number;
  callErrors: number;
  expectedReceipts: number;
  delivered: number;
  deliveredShare: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Server process CPU per call (call + start + broadcasts + estimates), and the machine's load meanwhile. */
  serverCpuMsPerCall: number;
  loadAverage1m: number;
}

async function serverCpuMs(server: ChildProcess): Promise<number> {
  const reply = nextMessage<{ ms: number }>(server, 'cpu', 10_000);
  server.send({ type: 'cpu' });
  return (await reply).ms;
}

async function fanout(
  mode: 'loket' | 'bare',
  sockets: number,
  all: BenchLocation[],
  dbPath: string,
  adminToken: string,
) {
  const port = await freePort();
  const server = await startServer(mode, port, dbPath);
  const url = `http://127.0.0.1:${port}`;
  const locs = all.slice(0, sockets / ROOM);
  const clients = await startClients(url, locs, ROOM, false);
  const driver = child('driver.ts');
  const readyDriver = nextMessage(driver, 'ready', CHILD_MS);
  driver.send({
    type: 'start',
    mode: mode === 'loket' ? 'fanout-loket' : 'fanout-bare',
    url,
    token: adminToken,
    targets: locs.map((l) => ({ locationId: l.id, counterId: l.counterIds[0] })),
    seconds: SECONDS,
  });
  await readyDriver;
  const cpuBefore = await serverCpuMs(server);
  const resultP = nextMessage<{ result: { sent: number[]; errors: number } }>(driver, 'result', CHILD_MS);
  driver.send({ type: 'go' });
  const { result } = await resultP;
  await new Promise((r) => setTimeout(r, 1500)); // stragglers
  const cpuUsed = (await serverCpuMs(server)) - cpuBefore;
  const load = loadavg()[0] ?? 0;
  const reports = await Promise.all(
    clients.procs.map((p) => {
      const r = nextMessage<{ receipts: number[] }>(p, 'report', CHILD_MS);
      p.send({ type: 'report' });
      return r;
    }),
  );
  const sentAt = new Map<number, number>();
  for (let i = 0; i < result.sent.length; i += 2) sentAt.set(result.sent[i] as number, result.sent[i + 1] as number);
  const latencies: number[] = [];
  for (const rep of reports) {
    for (let i = 0; i < rep.receipts.length; i += 2) {
      const at = sentAt.get(rep.receipts[i] as number);
      if (at !== undefined) latencies.push((rep.receipts[i + 1] as number) - at);
    }
  }
  latencies.sort((a, b) => a - b);
  await stopClients(clients.procs);
  await stopServer(server);
  const expected = sentAt.size * ROOM;
  const out: FanoutResult = {
    server: mode,
    sockets: clients.connected,
    rooms: locs.length,
    calls: sentAt.size,
    callErrors: result.errors,
    expectedReceipts: expected,
    delivered: latencies.length,
    deliveredShare: round(latencies.length / Math.max(1, expected), 4),
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    maxMs: round(latencies[latencies.length - 1] ?? Number.NaN, 2),
    serverCpuMsPerCall: round(cpuUsed / Math.max(1, sentAt.size), 2),
    loadAverage1m: round(load, 2),
  };
  console.log(
    `fan-out ${mode.padEnd(5)} ${String(out.sockets).padStart(5)} sockets / ${out.rooms} rooms: ${out.calls} calls, ` +
      `p50 ${out.p50Ms} ms, p99 ${out.p99Ms} ms, max ${out.maxMs} ms, delivered ${(out.deliveredShare * 100).toFixed(2)} %, ` +
      `server CPU ${out.serverCpuMsPerCall} ms/call, load ${out.loadAverage1m}` +
      (out.callErrors ? `, ${out.callErrors} command errors` : ''),
  );
  return out;
}

async function contention(dbPath: string, adminToken: string, loc: BenchLocation, ticketCount: number) {
  const port = await freePort();
  const server = await startServer('loket', port, dbPath);
  const url = `http://127.0.0.1:${port}`;
  const per = loc.counterIds.length / 4;
  const drivers = [0, 1, 2, 3].map(() => child('driver.ts'));
  await Promise.all(
    drivers.map((d, k) => {
      const ready = nextMessage(d, 'ready', CHILD_MS);
      d.send({
        type: 'start',
        mode: 'contention',
        url,
        token: adminToken,
        targets: loc.counterIds.slice(k * per, (k + 1) * per).map((counterId) => ({ locationId: loc.id, counterId })),
        seconds: 0,
      });
      return ready;
    }),
  );
  const results = drivers.map((d) =>
    nextMessage<{ result: { called: number[]; errors: number; began: number; ended: number } }>(d, 'result', CHILD_MS),
  );
  for (const d of drivers) d.send({ type: 'go' });
  const done = (await Promise.all(results)).map((r) => r.result);
  await stopServer(server);
  const called = done.flatMap((r) => r.called);
  const seconds = (Math.max(...done.map((r) => r.ended)) - Math.min(...done.map((r) => r.began))) / 1000;
  const db = openDatabase(dbPath);
  const events = db
    .select({ ticketId: ticketEvents.ticketId })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.locationId, loc.id), eq(ticketEvents.type, 'called')))
    .all();
  db.$client.close();
  const out = {
    counters: loc.counterIds.length,
    processes: drivers.length,
    tickets: ticketCount,
    calls: called.length,
    seconds: round(seconds, 2),
    callsPerSecond: round(called.length / seconds, 1),
    duplicateCallsInAcks: called.length - new Set(called).size,
    calledEventsInLog: events.length,
    duplicateCallsInLog: events.length - new Set(events.map((e) => e.ticketId)).size,
    commandErrors: done.reduce((a, r) => a + r.errors, 0),
  };
  console.log(
    `call-next contention: ${out.counters} counters in ${out.processes} processes, ${out.calls}/${out.tickets} tickets ` +
      `in ${out.seconds} s = ${out.callsPerSecond} calls/s; duplicates: ${out.duplicateCallsInAcks} (acks), ` +
      `${out.duplicateCallsInLog} (event log)`,
  );
  return out;
}

async function storm(dbPath: string, locs: BenchLocation[]) {
  const port = await freePort();
  let server = await startServer('loket', port, dbPath);
  const url = `http://127.0.0.1:${port}`;
  const clients = await startClients(url, locs, ROOM, true);
  await Promise.all(
    clients.procs.map((p) => {
      const m = nextMessage(p, 'marked', CHILD_MS);
      p.send({ type: 'mark' });
      return m;
    }),
  );
  const killedAt = Date.now();
  await stopServer(server);
  // While the server is down the queue changes: one more ticket in every office.
  const db = openDatabase(dbPath);
  const passport = db.select().from(services).where(eq(services.code, 'passport')).get();
  const now = new Date();
  for (const loc of locs) {
    const serviceDate = serviceDateOf(now, 'Europe/Amsterdam');
    const row = db
      .insert(tickets)
      .values({
        municipalityId: 'haarlem',
        locationId: loc.id,
        serviceDate,
        number: 'P900',
        letter: 'P',
        sequence: 900,
        publicId: `${loc.id}-storm-ticket-xxxxxxx`.slice(0, 40),
        source: 'kiosk',
        issuedAt: now,
        queuedAt: now,
      })
      .returning({ id: tickets.id })
      .get();
    db.insert(ticketItems)
      .values({ ticketId: row.id, serviceId: passport?.id ?? 1, persons: 1 })
      .run();
  }
  db.$client.close();
  const expected = 4; // 3 seeded + 1 added while down
  server = await startServer('loket', port, dbPath);
  const upAt = Date.now();
  let firstCorrect: number[] = [];
  let serverSide: number[] = [];
  let connectedNow = 0;
  const deadline = upAt + 90_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    const reports = await Promise.all(
      clients.procs.map((p) => {
        const r = nextMessage<{ snapshots: [number, number][][]; connects: number[][]; connectedNow: number }>(
          p,
          'report',
          CHILD_MS,
        );
        p.send({ type: 'report' });
        return r;
      }),
    );
    connectedNow = reports.reduce((a, r) => a + r.connectedNow, 0);
    firstCorrect = reports.flatMap((r) =>
      r.snapshots.map((list) => list.find(([, count]) => count === expected)?.[0] ?? Number.NaN),
    );
    // From the socket's successful reconnect to its correct snapshot: the server's share of the wait.
    serverSide = reports.flatMap((r) =>
      r.snapshots.map((list, i) => {
        const at = list.find(([, count]) => count === expected)?.[0];
        const connected = r.connects[i]?.[r.connects[i].length - 1];
        return at !== undefined && connected !== undefined ? at - connected : Number.NaN;
      }),
    );
    if (firstCorrect.every((t) => !Number.isNaN(t))) break;
  }
  await stopClients(clients.procs);
  await stopServer(server);
  const times = firstCorrect
    .filter((t) => !Number.isNaN(t))
    .map((t) => t - upAt)
    .sort((a, b) => a - b);
  const n = firstCorrect.length;
  const serverShare = serverSide.filter((t) => !Number.isNaN(t)).sort((a, b) => a - b);
  const out = {
    clients: clients.connected,
    downMs: upAt - killedAt,
    /** From each socket's reconnect to its correct snapshot (excludes the clients' back-off). */
    connectToSnapshotP50Ms: percentile(serverShare, 50),
    connectToSnapshotP99Ms: percentile(serverShare, 99),
    connectToSnapshotMaxMs: serverShare[serverShare.length - 1] ?? null,
    backWithCorrectSnapshot: times.length,
    reconnectedSockets: connectedNow,
    p99BackMsAfterRestart: times.length >= Math.ceil(n * 0.99) ? times[Math.ceil(n * 0.99) - 1] : null,
    allBackMsAfterRestart: times.length === n ? times[n - 1] : null,
    clientSettings: { reconnectionDelay: 500, reconnectionDelayMax: 5000, randomizationFactor: 0.5 },
  };
  console.log(
    `reconnect storm: ${out.clients} displays, server down ${out.downMs} ms; after restart 99 % back with the true ` +
      `snapshot in ${out.p99BackMsAfterRestart} ms, 100 % in ${out.allBackMsAfterRestart} ms ` +
      `(${out.backWithCorrectSnapshot}/${n}); reconnect → snapshot p50 ${out.connectToSnapshotP50Ms} ms, ` +
      `p99 ${out.connectToSnapshotP99Ms} ms (the rest is the clients' back-off, up to 5 s × 1.5)`,
  );
  return out;
}

async function main(): Promise<void> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'loket-bench-hub-'));
  const dbPath = join(dir, 'loket.db');
  const config = loadConfig({ LOKET_DB: dbPath, LOG_LEVEL: 'silent', LOKET_DEMO_PASSWORD: 'bench-password-123' });
  const db = openDatabase(dbPath);
  const now = new Date();
  seedBase(db, config, now);
  const fan = addLocations(db, {
    prefix: 'fan',
    count: 125,
    countersPerLocation: 1,
    ticketsPerLocation: 2 * SECONDS + 5,
    now,
  });
  const [cont] = addLocations(db, { prefix: 'cont', count: 1, countersPerLocation: 20, ticketsPerLocation: 1000, now });
  const stormLocs = addLocations(db, {
    prefix: 'storm',
    count: 50,
    countersPerLocation: 1,
    ticketsPerLocation: 3,
    now,
  });
  const adminToken = adminSessionToken(db, now, 3_600_000);
  db.$client.close();
  console.log(`bench:hub — ${cpus().length} CPUs, node ${process.version}, ${SECONDS} s per fan-out run, loopback`);

  const fanouts: FanoutResult[] = [];
  for (const n of ONLY && ONLY !== 'fanout' ? [] : [1000, 5000]) {
    fanouts.push(await fanout('loket', n, fan.slice(n === 1000 ? 0 : 0), dbPath, adminToken));
    fanouts.push(await fanout('bare', n, fan, dbPath, adminToken));
  }
  const ratios = (fanouts.length ? [1000, 5000] : []).map((n) => {
    const l = fanouts.find((f) => f.server === 'loket' && f.rooms * ROOM === n) as FanoutResult;
    const b = fanouts.find((f) => f.server === 'bare' && f.rooms * ROOM === n) as FanoutResult;
    return { sockets: n, p50Ratio: round(l.p50Ms / b.p50Ms, 2), p99Ratio: round(l.p99Ms / b.p99Ms, 2) };
  });
  for (const r of ratios)
    console.log(`ratio loket / bare socket.io at ${r.sockets} sockets: p50 ×${r.p50Ratio}, p99 ×${r.p99Ratio}`);

  const contentionResult =
    !ONLY || ONLY === 'contention' ? await contention(dbPath, adminToken, cont as BenchLocation, 1000) : null;
  const stormResult = !ONLY || ONLY === 'storm' ? await storm(dbPath, stormLocs) : null;

  const results = {
    bench: 'hub',
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version, loadAverageAtEnd: loadavg() },
    secondsPerFanoutRun: SECONDS,
    fanout: fanouts,
    ratios,
    contention: contentionResult,
    reconnectStorm: stormResult,
    runtimeSeconds: round((Date.now() - started) / 1000, 1),
  };
  mkdirSync(join(here, 'results'), { recursive: true });
  if (ONLY) {
    // A partial run replaces only its own part of the last full results.
    const file = join(here, 'results', 'hub.json');
    const previous = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const part =
      ONLY === 'fanout'
        ? { fanout: fanouts, ratios }
        : ONLY === 'contention'
          ? { contention: contentionResult }
          : { reconnectStorm: stormResult };
    writeFileSync(file, `${JSON.stringify({ ...previous, ...part, [`${ONLY}At`]: results.at }, null, 2)}\n`);
    console.log(`updated the ${ONLY} part of bench/results/hub.json`);
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  writeFileSync(join(here, 'results', 'hub.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote bench/results/hub.json (${results.runtimeSeconds} s)`);
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
