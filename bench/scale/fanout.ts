/**
 * Part 2: displays spread over 4 nodes behind HAProxy (every office has displays on every node), one clerk per
 * office calling at one call per office per second — by default each office's clerk on node (office mod 4), directly,
 * as a deployment's consoles land through the balancer (`--clerks=spread`), or all on node A (`--clerks=node-a`); fan-out
 * latency per node. Then node D is SIGKILLed with its displays and clerks: time until its displays are on another node
 * with a fresh snapshot, its clerks' reconnects through HAProxy, and calls lost (every acknowledged call compared with
 * what each display saw: the ticket:called itself, or a later snapshot covering it; a call in flight when its node died
 * was never acknowledged, so it is counted apart, not as lost).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../db/client.ts';
import { addLocations } from '../hub/seed.ts';
import { nextMessage, percentile, round } from '../shared.ts';
import { benchDatabase, type Engine, postgresBackendsCpu, startCluster } from './bookings.ts';
import { type ClerkPlacement, clerkNodeIndex } from './clerk-placement.ts';
import { cpuMsOf, killNode, type NodeProc, sleep, track } from './cluster.ts';
import type { DisplayReport, DisplaySpec } from './displays.ts';
import type { Template } from './fixtures.ts';

const here = dirname(fileURLToPath(import.meta.url));
const now = () => performance.timeOrigin + performance.now();

function child(script: string): ChildProcess {
  return track(
    fork(join(here, script), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
}

export interface FanoutResult {
  engine: Engine;
  redis: boolean;
  displays: number;
  connected: number;
  connectSeconds: number;
  offices: number;
  nodes: number;
  callsPerSecond: number;
  clientProcesses: number;
  /** Where the clerks connected first (clerk-placement.ts). */
  clerks: ClerkPlacement;
  /**
   * Over the calls before the kill: CPU ms per second of each display client process and of the clerks' process
   * (1000 = a whole core: a saturated client receives late, and its latency is its own queue), and the share of the
   * machine's CPU that was busy (all processes, every engineer's: 1 = saturated).
   */
  clientsCpu: { displayProcessesMsPerSecond: number[]; clerksMsPerSecond: number; machineBusyShare: number };
  /**
   * Over the same seconds, CPU ms per second of the rest of the machine's load that the run makes: all four nodes
   * together, the PostgreSQL backends connected to the run's database (not the WAL writer, checkpointer), the Redis
   * server (shared with every engineer's tests on this machine: an upper bound) and HAProxy (null: not measured).
   */
  serversCpu: {
    nodesMsPerSecond: number;
    postgresMsPerSecond: number | null;
    redisMsPerSecond: number | null;
    haproxyMsPerSecond: number | null;
  };
  /** Fan-out latency of the calls sent in each 5 s before the kill (all displays). */
  latencyByWindow: { p50Ms: number; p99Ms: number; receipts: number }[];
  /** Whether the displays had stopped receiving before calls were judged (bounded wait), and when after the last press. */
  settled: boolean;
  settledAfterMs: number;
  calls: number;
  /** Presses that gave no acknowledged call, by cause (empty queue, error code, unacknowledged: node died, skipped). */
  callErrors: Record<string, number>;
  /** Press → ack of the acknowledged call-nexts (the whole run). */
  callAckP50Ms: number;
  callAckP99Ms: number;
  /** The clerks' reconnections (after the kill: through HAProxy), and those still without a node at the end. */
  clerkReconnects: number;
  clerkReconnectP50Ms: number;
  clerkReconnectP99Ms: number;
  clerksStillDisconnected: number;
  /** Per node, calls sent before the kill: receipts, delivered share, latency from the clerk's send. */
  perNode: {
    node: string;
    displays: number;
    /** p50/p99 of the calls made on this node (its own clerks), and of those made on other nodes (NaN: none). */
    sameNodeP50Ms: number;
    sameNodeP99Ms: number;
    crossNodeP50Ms: number;
    crossNodeP99Ms: number;
    /** Clerk sockets on this node at the start, and their acknowledged calls before the kill. */
    clerks: number;
    clerkCalls: number;
    receipts: number;
    deliveredShare: number;
    p50Ms: number;
    p99Ms: number;
    cpuMsPerCall: number;
    /** The node's CPU per second with every display connected and no call (sweeps, pings, the log's safety reads). */
    idleCpuMsPerSecond: number;
    /** `cpuMsPerCall` without that idle share: what the calls cost, whatever the run's throughput. */
    idleCorrectedCpuMsPerCall: number;
  }[];
  kill: {
    node: string;
    displaced: number;
    /** Displaced displays back on another node with a snapshot received after their reconnect. */
    recovered: number;
    /** From the SIGKILL to that snapshot. */
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
    reconnectToSnapshotP99Ms: number;
    reconnectToSnapshotP50Ms: number;
    /** From the SIGKILL to the display noticing (its disconnect). */
    killToDisconnectP50Ms: number;
    killToDisconnectP99Ms: number;
    /** From the SIGKILL to the display's reconnect (client back-off, HAProxy, the handshake on the new node). */
    killToReconnectP50Ms: number;
    killToReconnectP99Ms: number;
    /** Failed reconnection attempts of the displaced displays (each costs a back-off of 0.5–5 s). */
    failedReconnects: number;
    /** The displaced displays' connect errors over the run (connect phase too), by message (rate-limited, timeout, …). */
    connectErrors: Record<string, number>;
    /** Every display's connect errors after the SIGKILL, by message with its cause when known (`websocket error: …`). */
    connectErrorsAfterKill: Record<string, number>;
    /** HAProxy's servers going DOWN or UP from the SIGKILL on (ms after it: its log line). */
    haproxyEvents: string[];
    /** Pairs (display, acknowledged call) the display never saw nor got a later snapshot covering. */
    lostPairs: number;
    callsWithLoss: number;
    /** Calls a display missed as an event but whose state reached it in a snapshot (seq at or above the call's). */
    coveredBySnapshot: number;
    gapSnapshotsAsked: number;
    /** ticket:called received again by a display that had it (e.g. from a node whose publishing was behind), and by how many displays. */
    duplicateReceipts: number;
    displaysWithDuplicates: number;
  };
}

/** The run's size: offices × displays each, seconds of calls before and after the kill, client processes. */
export interface FanoutSize {
  offices: number;
  /** Calls per second over all offices (default: one per office per second; `--rate`). */
  rate?: number;
  perOffice: number;
  fanSeconds: number;
  killSeconds: number;
  clientProcesses: number;
  connectSeconds: number;
}

export async function displaysAcrossNodes(
  dir: string,
  template: Template,
  opts: FanoutSize & {
    redis: boolean;
    engine: Engine;
    clerks: ClerkPlacement;
    /** Another checkout of Loket whose nodes to run (`--baseline`): the harness, clients and database are this one's. */
    root?: string;
  },
): Promise<FanoutResult> {
  const seconds = opts.fanSeconds + opts.killSeconds;
  const callsPerSecond = opts.rate ?? opts.offices;
  let locs: ReturnType<typeof addLocations> = [];
  // The offices, their displays and waiting tickets are added to the SQLite copy (bench/hub/seed.ts), then
  // copied into PostgreSQL when the nodes run there.
  const database = await benchDatabase(template, dir, 'fanout', opts.engine, (path) => {
    const db = openDatabase(path);
    try {
      locs = addLocations(db, {
        prefix: 'fan',
        count: opts.offices,
        countersPerLocation: 1,
        ticketsPerLocation: seconds + 5,
        now: new Date(),
      });
    } finally {
      db.$client.close();
    }
  });
  const cluster = await startCluster(dir, database, { nodes: 4, haproxy: true, redis: opts.redis }, {}, opts.root);
  const procs: ChildProcess[] = [];
  try {
    const names = cluster.nodes.map((n) => n.name);
    // Each office's displays at the office's address, spread evenly over the 4 nodes.
    const specs: DisplaySpec[] = locs.flatMap((l, i) =>
      Array.from({ length: opts.perOffice }, (_, j) => ({
        locationId: l.id,
        token: l.displayToken,
        node: names[j % names.length] as string,
        address: `172.16.${(i >> 8) & 255}.${i & 255}`,
      })),
    );
    for (let p = 0; p < opts.clientProcesses; p++) procs.push(child('displays.ts'));
    const opened = procs.map((p) => nextMessage(p, 'opened', 120_000));
    procs.forEach((p, k) => {
      p.send({ type: 'start', url: cluster.url, sockets: specs.filter((_, i) => i % procs.length === k) });
    });
    await Promise.all(opened);
    // Bounded connect phase: go on with as many as are connected when all are, or when it ends.
    const connectUntil = Date.now() + opts.connectSeconds * 1000;
    let connected = 0;
    for (;;) {
      const status = await Promise.all(
        procs.map((p) => {
          const r = nextMessage<{ connected: number }>(p, 'status', 60_000);
          p.send({ type: 'status' });
          return r;
        }),
      );
      connected = status.reduce((s, r) => s + r.connected, 0);
      if (connected >= specs.length || Date.now() > connectUntil) break;
      await sleep(2_000);
    }
    const connectMs = Date.now() - (connectUntil - opts.connectSeconds * 1000);
    console.log(`  ${connected} of ${specs.length} displays connected after ${Math.round(connectMs / 1000)} s`);
    const dead = cluster.nodes.filter((n) => n.child.exitCode !== null || n.child.signalCode !== null);
    if (dead.length > 0)
      throw new Error(
        `${dead.length} node(s) died during the connect phase (${connected} displays connected); ${dead[0]?.name} (exit ${dead[0]?.child.exitCode ?? dead[0]?.child.signalCode}): ${crashLine(dead[0]?.output() ?? '')}`,
      );
    await sleep(1_000);
    // The nodes' CPU with every display connected and nothing called: a throughput that the machine's load lowers
    // spreads it over fewer calls, so CPU per call is also given without it.
    const IDLE_SECONDS = 5;
    const idle0 = cluster.nodes.map((n) => cpuMsOf(n.child.pid));
    const idleT0 = now();
    await sleep(IDLE_SECONDS * 1000);
    const idleSeconds = (now() - idleT0) / 1000;
    const idleCpuMsPerSecond = cluster.nodes.map((n, k) => (cpuMsOf(n.child.pid) - (idle0[k] as number)) / idleSeconds);

    const clerks = child('clerks.ts');
    procs.push(clerks);
    const clerkNode = locs.map((_, i) => clerkNodeIndex(i, cluster.nodes.length, opts.clerks));
    const clerksReady = nextMessage<{ error?: string }>(clerks, 'ready', 60_000);
    clerks.send({
      type: 'start',
      reconnectUrl: cluster.url,
      token: template.adminToken,
      targets: locs.map((l, i) => ({
        locationId: l.id,
        counterId: l.counterIds[0],
        address: `172.20.${(i >> 8) & 255}.${i & 255}`,
        url: (cluster.nodes[clerkNode[i] as number] as NodeProc).url,
      })),
      seconds,
      periodMs: (1000 * opts.offices) / callsPerSecond,
    });
    const clerksError = (await clerksReady).error;
    if (clerksError)
      throw new Error(
        `the clerks could not connect to their nodes (${opts.clerks}): ${clerksError} (${connected} of ${specs.length} displays had connected)`,
      );
    const result = nextMessage<{
      sent: number[];
      ackMs: number[];
      errors: Record<string, number>;
      reconnects: number[];
      stillDisconnected: number;
    }>(clerks, 'result', (seconds + 60) * 1000);
    const cpu0 = cluster.nodes.map((n) => cpuMsOf(n.child.pid));
    const clients = procs.filter((p) => p !== clerks);
    const clientCpu0 = clients.map((p) => cpuMsOf(p.pid));
    const clerksCpu0 = cpuMsOf(clerks.pid);
    const redisPid = processIdOf('redis-server');
    const servers0 = await serversCpuMs(database, redisPid, cluster.haproxyPid);
    const machine0 = machineCpuMs();
    const fanT0 = now();
    clerks.send({ type: 'go' });
    await sleep(opts.fanSeconds * 1000 + 200);
    const cpu1 = cluster.nodes.map((n) => cpuMsOf(n.child.pid));
    const fanSeconds = (now() - fanT0) / 1000;
    const machine1 = machineCpuMs();
    const servers1 = await serversCpuMs(database, redisPid, cluster.haproxyPid);
    const perSecond = (a: number | null, b: number | null) =>
      a === null || b === null || !Number.isFinite(b - a) ? null : round((b - a) / fanSeconds);
    const serversCpu = {
      nodesMsPerSecond: round(cpu1.reduce((s, c, k) => s + c - (cpu0[k] as number), 0) / fanSeconds),
      postgresMsPerSecond:
        servers0.postgres && servers1.postgres
          ? round(
              [...servers1.postgres].reduce((s, [pid, ms]) => s + ms - (servers0.postgres?.get(pid) ?? 0), 0) /
                fanSeconds,
            )
          : null,
      redisMsPerSecond: perSecond(servers0.redis, servers1.redis),
      haproxyMsPerSecond: perSecond(servers0.haproxy, servers1.haproxy),
    };
    const clientsCpu = {
      displayProcessesMsPerSecond: clients.map((p, k) =>
        round((cpuMsOf(p.pid) - (clientCpu0[k] as number)) / fanSeconds),
      ),
      clerksMsPerSecond: round((cpuMsOf(clerks.pid) - clerksCpu0) / fanSeconds),
      machineBusyShare: round((machine1.busy - machine0.busy) / Math.max(1, machine1.total - machine0.total), 3),
    };
    const victim = cluster.nodes[3] as NodeProc;
    const killAt = now();
    await killNode(victim, 'SIGKILL');
    const { sent, ackMs, errors, reconnects, stillDisconnected } = await result;
    ackMs.sort((a, b) => a - b);
    const clerkReconnects = reconnects.map((t) => t - killAt).sort((a, b) => a - b);
    // Stragglers, then wait (bounded) until every displaced display holds a fresh snapshot and the displays have
    // stopped receiving (nothing new between two polls a second apart): a call still on its way to a backlogged
    // client is late, not lost, and is not judged before it could arrive.
    const lastPressAt = now();
    await sleep(2_000);
    let reports: DisplayReport[] = [];
    let received = -1;
    let settled = false;
    const pollUntil = Date.now() + 30_000;
    for (;;) {
      const all = await Promise.all(
        procs
          .filter((p) => p !== clerks)
          .map((p) => {
            const r = nextMessage<{ reports: DisplayReport[] }>(p, 'report', 60_000);
            p.send({ type: 'report' });
            return r;
          }),
      );
      reports = all.flatMap((r) => r.reports);
      const displaced = reports.filter((r) => r.disconnects.some((t) => t >= killAt));
      const back = displaced.filter((r) => recoveredAt(r, killAt) !== null);
      const total = reports.reduce((s, r) => s + r.calls.length + r.snapshots.length, 0);
      settled = total === received;
      received = total;
      if ((back.length === displaced.length && settled) || Date.now() > pollUntil) break;
      await sleep(1_000);
    }
    const settledAfterMs = now() - lastPressAt;

    // Calls: ticket → [sentAt, office].
    const calls = new Map<number, { sentAt: number; office: string; clerkNode: number }>();
    for (let i = 0; i < sent.length; i += 3)
      calls.set(sent[i] as number, {
        sentAt: sent[i + 1] as number,
        office: locs[sent[i + 2] as number]?.id ?? '',
        clerkNode: clerkNode[sent[i + 2] as number] ?? -1,
      });
    // The seq of each call's fact, as any display saw it.
    const seqOf = new Map<number, number>();
    for (const r of reports)
      for (let i = 0; i < r.calls.length; i += 3) seqOf.set(r.calls[i] as number, r.calls[i + 2] as number);

    const callsBeforeKill = [...calls.values()].filter((c) => c.sentAt < killAt).length;
    // Fan-out p50 / p99 (all displays) by when the call was sent, in 5-s windows before the kill: a latency that
    // grows window by window is a queue building up somewhere, not a fixed cost per call.
    const windows: number[][] = [];
    for (const r of reports)
      for (let i = 0; i < r.calls.length; i += 3) {
        const c = calls.get(r.calls[i] as number);
        if (!c || c.sentAt >= killAt) continue;
        const w = Math.max(0, Math.floor((c.sentAt - fanT0) / 5000));
        const bucket = windows[w] ?? [];
        windows[w] = bucket;
        bucket.push((r.calls[i + 1] as number) - c.sentAt);
      }
    const latencyByWindow = Array.from(windows, (l = []) => {
      l.sort((a, b) => a - b);
      return { p50Ms: round(percentile(l, 50)), p99Ms: round(percentile(l, 99)), receipts: l.length };
    });
    const perNode = names.map((node, k) => {
      const mine = reports.filter((r) => r.node === node && r.connects.length > 0);
      const lat: number[] = [];
      // The same latencies split by where the call was made: a clerk on this node, or on another (the cluster log).
      const same: number[] = [];
      const cross: number[] = [];
      for (const r of mine)
        for (let i = 0; i < r.calls.length; i += 3) {
          const c = calls.get(r.calls[i] as number);
          if (!c || c.sentAt >= killAt) continue;
          const ms = (r.calls[i + 1] as number) - c.sentAt;
          lat.push(ms);
          (c.clerkNode === k ? same : cross).push(ms);
        }
      for (const l of [lat, same, cross]) l.sort((a, b) => a - b);
      const perOfficeOnNode = mine.length / Math.max(1, opts.offices);
      const expected = callsBeforeKill * perOfficeOnNode;
      return {
        node:
          node === victim.name
            ? `${node} (killed later)`
            : k === 0 && opts.clerks === 'node-a'
              ? `${node} (node A, all clerks)`
              : node,
        displays: mine.length,
        clerks: clerkNode.filter((n) => n === k).length,
        clerkCalls: [...calls.values()].filter((c) => c.clerkNode === k && c.sentAt < killAt).length,
        receipts: lat.length,
        deliveredShare: round(lat.length / Math.max(1, expected), 4),
        p50Ms: round(percentile(lat, 50)),
        p99Ms: round(percentile(lat, 99)),
        sameNodeP50Ms: round(percentile(same, 50)),
        sameNodeP99Ms: round(percentile(same, 99)),
        crossNodeP50Ms: round(percentile(cross, 50)),
        crossNodeP99Ms: round(percentile(cross, 99)),
        cpuMsPerCall: round(((cpu1[k] as number) - (cpu0[k] as number)) / Math.max(1, callsBeforeKill), 2),
        idleCpuMsPerSecond: round(idleCpuMsPerSecond[k] as number, 1),
        idleCorrectedCpuMsPerCall: round(
          ((cpu1[k] as number) - (cpu0[k] as number) - (idleCpuMsPerSecond[k] as number) * fanSeconds) /
            Math.max(1, callsBeforeKill),
          2,
        ),
      };
    });

    const displaced = reports.filter((r) => r.disconnects.some((t) => t >= killAt));
    // The server's share: from each displaced display's reconnect to its snapshot (the rest is client back-off).
    const serverShare = displaced
      .map((r) => {
        const at = recoveredAt(r, killAt);
        const reconnect = r.connects.find((t) => t > killAt);
        return at !== null && reconnect !== undefined ? at - reconnect : null;
      })
      .filter((t): t is number => t !== null)
      .sort((a, b) => a - b);
    const noticed = displaced
      .map((r) => r.disconnects.find((t) => t >= killAt))
      .filter((t): t is number => t !== undefined)
      .map((t) => t - killAt)
      .sort((a, b) => a - b);
    const reconnected = displaced
      .map((r) => r.connects.find((t) => t > killAt))
      .filter((t): t is number => t !== undefined)
      .map((t) => t - killAt)
      .sort((a, b) => a - b);
    const back = displaced
      .map((r) => recoveredAt(r, killAt))
      .filter((t): t is number => t !== null)
      .map((t) => t - killAt)
      .sort((a, b) => a - b);

    let lostPairs = 0;
    let duplicates = 0;
    let displaysWithDuplicates = 0;
    let covered = 0;
    const withLoss = new Set<number>();
    for (const r of reports) {
      const firstConnect = r.connects[0];
      if (firstConnect === undefined) continue;
      const seen = new Set<number>();
      for (let i = 0; i < r.calls.length; i += 3) seen.add(r.calls[i] as number);
      duplicates += r.calls.length / 3 - seen.size;
      if (r.calls.length / 3 > seen.size) displaysWithDuplicates++;
      let maxSnapshotSeq = -1;
      for (let i = 0; i < r.snapshots.length; i += 2)
        maxSnapshotSeq = Math.max(maxSnapshotSeq, r.snapshots[i + 1] as number);
      for (const [ticketId, c] of calls) {
        if (c.office !== r.locationId || c.sentAt < firstConnect || seen.has(ticketId)) continue;
        const seq = seqOf.get(ticketId);
        if (seq !== undefined && seq >= 0 && maxSnapshotSeq >= seq) covered++;
        else {
          lostPairs++;
          withLoss.add(ticketId);
        }
      }
    }
    return {
      engine: opts.engine,
      redis: opts.redis,
      displays: specs.length,
      connected,
      connectSeconds: Math.round(connectMs / 1000),
      offices: opts.offices,
      nodes: names.length,
      callsPerSecond,
      serversCpu,
      clientProcesses: opts.clientProcesses,
      clerks: opts.clerks,
      clientsCpu,
      latencyByWindow,
      settled,
      settledAfterMs: round(settledAfterMs),
      calls: calls.size,
      callErrors: errors,
      callAckP50Ms: round(percentile(ackMs, 50)),
      callAckP99Ms: round(percentile(ackMs, 99)),
      clerkReconnects: reconnects.length,
      clerkReconnectP50Ms: round(percentile(clerkReconnects, 50)),
      clerkReconnectP99Ms: round(percentile(clerkReconnects, 99)),
      clerksStillDisconnected: stillDisconnected,
      perNode,
      kill: {
        node: victim.name,
        displaced: displaced.length,
        recovered: back.length,
        p50Ms: round(percentile(back, 50)),
        p99Ms: round(percentile(back, 99)),
        maxMs: round(back[back.length - 1] ?? Number.NaN),
        reconnectToSnapshotP99Ms: round(percentile(serverShare, 99)),
        reconnectToSnapshotP50Ms: round(percentile(serverShare, 50)),
        killToDisconnectP50Ms: round(percentile(noticed, 50)),
        killToDisconnectP99Ms: round(percentile(noticed, 99)),
        killToReconnectP50Ms: round(percentile(reconnected, 50)),
        killToReconnectP99Ms: round(percentile(reconnected, 99)),
        failedReconnects: displaced.reduce((s, r) => s + r.failedReconnects, 0),
        connectErrors: displaced.reduce<Record<string, number>>((all, r) => {
          for (const [m, n] of Object.entries(r.connectErrors)) all[m] = (all[m] ?? 0) + n;
          return all;
        }, {}),
        connectErrorsAfterKill: reports.reduce<Record<string, number>>((all, r) => {
          for (const [at, m] of r.connectErrorLog ?? []) if (at >= killAt) all[m] = (all[m] ?? 0) + 1;
          return all;
        }, {}),
        haproxyEvents: (cluster.haproxyEvents ?? [])
          .filter((e) => e.at >= killAt - 1_000)
          .slice(0, 40)
          .map((e) => `+${Math.round(e.at - killAt)} ms: ${e.line}`),
        lostPairs,
        callsWithLoss: withLoss.size,
        coveredBySnapshot: covered,
        gapSnapshotsAsked: reports.reduce((s, r) => s + r.gapsAsked, 0),
        duplicateReceipts: duplicates,
        displaysWithDuplicates,
      },
    };
  } finally {
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            const t = setTimeout(() => {
              p.kill('SIGKILL');
              resolve();
            }, 5_000);
            p.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
            try {
              p.send({ type: 'exit' });
            } catch {
              p.kill('SIGKILL');
            }
          }),
      ),
    );
    await cluster.stop();
  }
}

/** CPU ms so far of the run's PostgreSQL backends (by pid), the Redis server and HAProxy (null: not readable). */
async function serversCpuMs(
  database: Awaited<ReturnType<typeof benchDatabase>>,
  redisPid: number | undefined,
  haproxyPid: number | undefined,
): Promise<{ postgres: Map<number, number> | null; redis: number | null; haproxy: number | null }> {
  const finite = (ms: number) => (Number.isFinite(ms) ? ms : null);
  return {
    postgres: database.engine === 'postgresql' ? await postgresBackendsCpu(database.copy.url) : null,
    redis: finite(cpuMsOf(redisPid)),
    haproxy: finite(cpuMsOf(haproxyPid)),
  };
}

/** The pid of a process of this name on the machine (/proc/<pid>/comm), if one runs. */
function processIdOf(name: string): number | undefined {
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) return Number(entry);
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return undefined;
}

/** The machine's CPU time so far (/proc/stat, all cores, ms): busy (all but idle and iowait) and total. */
function machineCpuMs(): { busy: number; total: number } {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - (f[3] ?? 0) - (f[4] ?? 0), total };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}

/** The thrown error of a crashed node (the line after the source excerpt), or its last line. */
function crashLine(output: string): string {
  const m = /^(\w*Error: .*)$/m.exec(output);
  const at = m
    ? output
        .slice(m.index)
        .split('\n')
        .find((l) => l.trim().startsWith('at '))
    : undefined;
  return m ? `${m[1]}${at ? ` (${at.trim()})` : ''}` : (output.trim().split('\n').at(-1) ?? '');
}

/** When a display that lost its node had a snapshot again: the first snapshot after its first reconnect. */
function recoveredAt(r: DisplayReport, killAt: number): number | null {
  const reconnect = r.connects.find((t) => t > killAt);
  if (reconnect === undefined) return null;
  for (let i = 0; i < r.snapshots.length; i += 2) {
    const at = r.snapshots[i] as number;
    if (at >= reconnect) return at;
  }
  return null;
}
