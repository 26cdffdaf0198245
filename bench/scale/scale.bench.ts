/**
 * npm run bench:scale — Loket on several nodes (issue 9), loopback only, every loop bounded in count and
 * time, every process and temporary file removed afterwards (also on Ctrl-C or failure).
 *
 * 1. Bookings/s and p50/p99 over HTTP: one SQLite process direct; 1, 2 and 4 nodes (`server/main.ts`)
 *    behind HAProxy on one PostgreSQL database (DATABASE_URL) + Redis, in the same run.
 *    Workloads: many office-days (spread) and one hot office-day (release storm). Statuses, and the
 *    database checked afterwards (invariant 1 via findViolations; every 201 present).
 * 2. Displays over 4 nodes (PostgreSQL + Redis), clerks spread over the nodes (`--clerks=spread`, default) or all on
 *    node A (`--clerks=node-a`): fan-out latency per node; SIGKILL of one node with its displays and clerks: time until
 *    its displays are back on another node with a fresh snapshot; clerk reconnects; calls lost.
 * 3. A node (PostgreSQL + Redis) killed every 10 s during a booking burst: acknowledged bookings lost,
 *    duplicates with Idempotency-Key retries (appointments and kiosk tickets).
 * 4. Per-request costs (item 7) against bare baselines, and a growth table.
 *
 *   npm run bench:scale                 # full run (~15 min) → bench/results/scale.json + scale.md
 *   npm run bench:scale -- --quick      # smoke run, small and short (about 2 min on a quiet machine) → scale-smoke.json
 *   npm run bench:scale -- --part=1,3   # some parts only
 *   npm run bench:scale -- --nodes-on=sqlite   # parts 1-3: the nodes on one SQLite file instead of PostgreSQL
 *   npm run bench:scale -- --part=4 --only=call-next [--baseline=<checkout>] [--rounds=N]   # part 4's call-next row only
 *     (bench/results/scale-call-next.{json,md}); with --baseline the same row for another checkout of Loket
 *     (e.g. `git archive <commit>` with a node_modules link), alternating with this one in the same run
 *   npm run bench:scale -- --booking-row [--rounds=3]   # part 4's booking row alone → scale-booking-row.json
 *   npm run bench:scale -- --part=2 [--rate=60] [--per-office=8]   # part 2 at 60 calls/s over all offices (default:
 *     one per office per second, 125) and with 8 displays per office (default 40: 5,000); it reports the CPU of the
 *     nodes, of the run's PostgreSQL backends, of Redis (shared: an upper bound) and of HAProxy
 *   npm run bench:scale -- --part=1 --engine=postgresql   # part 1's PostgreSQL modes only
 *   npm run bench:scale -- --part=1 --engine=postgresql --only=hot --baseline=<checkout> [--rounds=N]
 *     # each node mode on this checkout and on the baseline's nodes, alternating (the harness and database are this one's)
 *   npm run bench:scale -- --part=1 --warm-per-node=200   # every node warmed with 200 bookings (default: 200 in all)
 *     and, on top, with --warm-hot-per-node=N hot-day bookings on a day of its own (default 100 per node; 0: none)
 *   npm run bench:scale -- --part=1 --engine=postgresql --only=hot --nodes=1,4   # only the modes with 1 and 4 nodes
 *     LOKET_BENCH_THREADS=1: per mode, the nodes' CPU by thread, system calls, wakeups and preemptions and the
 *     database's transactions per booking; LOKET_BENCH_HOT_ONE_NODE=1: the hot day's residents all on the first node
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { round } from '../shared.ts';
import { bookingRow } from './booking-row.ts';
import {
  type Engine,
  type Mode,
  type ModeResult,
  postgresProbe,
  redisProbe,
  runMode,
  selectedModes,
} from './bookings.ts';
import { parseClerkPlacement } from './clerk-placement.ts';
import { cleanup, tempDir } from './cluster.ts';
import {
  availabilityGrowth,
  bookingCost,
  type CpuSplit,
  callNextCost,
  cpuSplitTotals,
  type NodeCallCost,
  schedulingSpeedAvailability,
  WARM_UP_PRESSES,
} from './costs.ts';
import { displaysAcrossNodes, type FanoutResult, type FanoutSize } from './fanout.ts';
import { buildTemplate, type Template } from './fixtures.ts';
import { databaseGrowth } from './growth.ts';
import { killDuringBurst } from './kills.ts';
import { allSections, note, renderMarkdown, restoreSections, table } from './report.ts';

const here = dirname(fileURLToPath(import.meta.url));
const QUICK = process.argv.includes('--quick');
/** What the nodes of parts 1-3 serve from (part 1's single direct process is SQLite either way). */
const NODES_ON: Engine = process.argv.includes('--nodes-on=sqlite') ? 'sqlite' : 'postgresql';
const ENGINE_NAME = { sqlite: 'SQLite', postgresql: 'PostgreSQL' } as const;
/** `--only=call-next`: part 4 measures only call-next + start + broadcast + estimates (`--only=hot`: bookings.ts). */
const ONLY_CALL_NEXT = process.argv.includes('--only=call-next');
const BASELINE = process.argv.find((a) => a.startsWith('--baseline='))?.slice('--baseline='.length);
/** `--rounds=N`: the call-next row measures each checkout N times, alternating (default 2 with a baseline). */
const ROUNDS = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice('--rounds='.length)) || undefined;
/** `--clerks=spread|node-a`: where part 2's clerks connect (clerk-placement.ts; default spread). */
const CLERKS = parseClerkPlacement(process.argv);
/** `--rate=N`: part 2's calls per second over all offices (default one per office per second: 125). */
const RATE = Number(process.argv.find((a) => a.startsWith('--rate='))?.slice('--rate='.length)) || undefined;
/** `--per-office=N`: part 2's displays per office (default 40: 5,000 displays), for a machine that cannot connect them all. */
const PER_OFFICE =
  Number(process.argv.find((a) => a.startsWith('--per-office='))?.slice('--per-office='.length)) || undefined;
const PARTS = new Set(
  (process.argv.find((a) => a.startsWith('--part='))?.slice('--part='.length) ?? '1,2,3,4').split(',').map(Number),
);

export interface Results {
  bench: 'scale';
  at: string;
  quick: boolean;
  machine: { cpus: number; node: string; loadAverageAtStart: number[]; loadAverageAtEnd?: number[] };
  setup: string[];
  runtimeSeconds?: number;
  failures?: string[];
  /** The Markdown sections (so that a run of some parts can keep the others'). */
  sections?: { title: string; body: string }[];
  /** Parts re-run after the full run, with their time. */
  partsRerun?: string[];
  bookings?: { modes: ModeResult[]; postgres: string; redis: string; failures?: string[] };
  displays?: unknown;
  kills?: unknown;
  costs?: unknown;
}

const began = Date.now();
const results: Results = {
  bench: 'scale',
  at: new Date().toISOString(),
  quick: QUICK,
  machine: {
    cpus: cpus().length,
    node: process.version,
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  },
  setup: [
    NODES_ON === 'postgresql'
      ? 'Nodes: server/main.ts through tsx (what `npm start` runs), LOKET_DEMO_HISTORY_DAYS=0, with DATABASE_URL on one PostgreSQL database per mode (a fresh database holding the rows of the SQLite template, bench/scale/postgres.ts, dropped afterwards); the direct process of part 1 on an SQLite file (WAL, synchronous=FULL).'
      : 'Nodes: server/main.ts through tsx (what `npm start` runs), LOKET_DEMO_HISTORY_DAYS=0, on one SQLite file (WAL, synchronous=FULL).',
    'Multi-node modes: REDIS_URL with a key prefix of their own (removed afterwards), HAProxy 2.6 with deploy/haproxy.cfg of the nodes’ checkout (round robin, health checks every second, connection failures and empty responses retried on another node; cluster.ts benchHaproxyConfig) with the bench’s port, except that the clients’ X-Forwarded-For is kept (see below) and a display may ask for its first node with ?node=.',
    'Residents: each request from its own address in its own /24 (X-Forwarded-For, TRUST_PROXY=true): the production rate limits stay on and apply per resident.',
    'Proof-of-work: the bench office has challenge_mode=always; CHALLENGE_MAX_NUMBER=1000 (the minimum) and one CHALLENGE_HMAC_KEY shared by all nodes; every booking fetches and solves a challenge.',
  ],
};

/** `--part=` without --quick: the other parts' figures and sections of the last full run stay in scale.json. */
function keepOtherParts(): void {
  const file = join(here, '..', 'results', 'scale.json');
  if (!existsSync(file)) return;
  const previous = JSON.parse(readFileSync(file, 'utf8')) as Results;
  const keys: Record<number, keyof Results> = { 1: 'bookings', 2: 'displays', 3: 'kills', 4: 'costs' };
  for (const [n, key] of Object.entries(keys))
    if (!PARTS.has(Number(n)) && previous[key] !== undefined)
      (results as unknown as Record<string, unknown>)[key] = previous[key];
  results.failures = (previous.failures ?? []).filter((f) => ![...PARTS].some((n) => f.startsWith(`part ${n}`)));
  results.machine.loadAverageAtStart = previous.machine.loadAverageAtStart;
  results.at = previous.at;
  results.partsRerun = [
    ...(previous.partsRerun ?? []),
    `part ${[...PARTS].join(',')} re-run at ${new Date().toISOString()} (load average at its start ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')})`,
  ];
  // Where the nodes run is this run's (the parts re-run now say so); the rest of the set-up is kept.
  results.setup = [
    ...results.setup.filter((l) => l.startsWith('Nodes:')),
    ...previous.setup.filter((l) => !l.startsWith('Re-run:') && !l.startsWith('Nodes:')),
    ...results.partsRerun.map((l) => `Re-run: ${l}`),
  ];
  restoreSections(
    previous.sections ?? sectionsOfMarkdown(join(here, '..', 'results', 'scale.md')),
    (title) => ![...PARTS].some((n) => title.startsWith(`${n}.`)),
  );
}

/** The `## ` sections of a scale.md written before the JSON kept them. */
function sectionsOfMarkdown(file: string): { title: string; body: string }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split(/^## /m)
    .slice(1)
    .map((chunk) => {
      const [title = '', ...rest] = chunk.split('\n');
      return { title: title.trim(), body: rest.join('\n').trim() };
    });
}

function write(): void {
  // A run of the call-next row alone writes its own file (partCallNextOnly), never scale.{json,md}.
  if (ONLY_CALL_NEXT) return;
  mkdirSync(join(here, '..', 'results'), { recursive: true });
  // A smoke run's figures are not results: its JSON is git-ignored (*-smoke.json), it writes no Markdown.
  if (QUICK) writeFileSync(join(here, '..', 'results', 'scale-smoke.json'), `${JSON.stringify(results, null, 2)}\n`);
  else {
    results.sections = allSections();
    writeFileSync(join(here, '..', 'results', 'scale.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(here, '..', 'results', 'scale.md'), renderMarkdown(results));
  }
}

async function partBookings(dir: string, template: Template): Promise<void> {
  const S = '1. Bookings over HTTP';
  console.log(`\n== ${S} (POST /appointments with a solved challenge) ==`);
  const redis = await redisProbe();
  const postgresDown = NODES_ON === 'postgresql' ? await postgresProbe() : null;
  const engine = ENGINE_NAME[NODES_ON];
  const multi: Mode[] = (QUICK ? [1, 2] : [1, 2, 4]).map((n) => ({
    name: `${n} ${engine} node${n > 1 ? 's' : ''}, HAProxy, Redis`,
    engine: NODES_ON,
    nodes: n,
    haproxy: true,
    redis: true,
  }));
  const modes: Mode[] = [
    { name: '1 SQLite process, direct', engine: 'sqlite', nodes: 1, haproxy: false, redis: false },
    ...(redis || postgresDown ? [] : multi),
  ];
  const opts = QUICK
    ? { seconds: 3, hotSeconds: 3, connections: 16 }
    : { seconds: 15, hotSeconds: 20, connections: 32 };
  const out: ModeResult[] = [];
  const failures: string[] = [];
  const postgres =
    NODES_ON === 'sqlite'
      ? 'not used (--nodes-on=sqlite)'
      : postgresDown
        ? `not reachable: ${postgresDown}`
        : 'reachable';
  // With --baseline (part 1): each mode on this checkout and then on the baseline's, --rounds times, alternating.
  const runs = Array.from({ length: BASELINE ? (ROUNDS ?? 1) : 1 }, () =>
    selectedModes(modes).flatMap((mode) =>
      BASELINE && mode.engine === NODES_ON && mode.nodes > 0 && mode.haproxy
        ? [{ mode }, { mode: { ...mode, name: `${mode.name} [baseline]` }, root: BASELINE }]
        : [{ mode }],
    ),
  ).flat();
  for (const { mode, root } of runs as { mode: Mode; root?: string }[]) {
    try {
      out.push(await runMode(dir, template, mode, opts, root));
    } catch (error) {
      // A mode that cannot run (a node refusing DATABASE_URL, say) is reported with its reason; the rest go on.
      const message = `${mode.name}: ${(error as Error).message.split('\n')[0]}`;
      console.error(`  ${message}`);
      failures.push(message);
      results.failures = [...(results.failures ?? []), `part 1 ${message}`];
    }
    results.bookings = { modes: out, postgres, redis: redis ? `not reachable: ${redis}` : 'reachable', failures };
  }
  results.bookings = { modes: out, postgres, redis: redis ? `not reachable: ${redis}` : 'reachable', failures };
  note(
    S,
    `${opts.connections} concurrent residents; spread: ≤ ${opts.seconds} s over ${new Set(template.spreadStarts.map((s) => s.slice(0, 10))).size} office-days; hot day ${template.hotDay}: ≤ ${opts.hotSeconds} s or until full (capacity ${template.hotCapacity} pickups). Latency: POST /appointments; "tries/s" counts every POST. Aims (issue 9, for PostgreSQL nodes): hot day ≥ 150 bookings/s, p99 < 500 ms, 0 violations, 0 5xx. CPU per booking over the measured workloads, from /proc: the nodes, the PostgreSQL backends of the run's database (not its WAL writer or checkpointer), HAProxy, and the load generator (this process: the residents' HTTP and proof-of-work). Idle: each node's CPU over 5 s with no request but HAProxy's health checks, after the warm-up (${process.argv.some((a) => a.startsWith('--warm-per-node=')) ? 'a fixed number of bookings per node, --warm-per-node' : '200 bookings for the whole cluster'}; then each node, directly, hot-day bookings on a day of its own, --warm-hot-per-node, default 100).${BASELINE ? ` Rows marked [baseline]: the nodes of ${BASELINE}, alternating with this checkout's in the same run.` : ''}`,
  );
  table(
    S,
    ['mode', 'workload', 'booked/s', 'tries/s', 'p50 ms', 'p99 ms', '201', '409', '429', '5xx', 'no answer'],
    out.flatMap((m) =>
      [m.spread, m.hot].map((w) => [
        m.mode,
        w.workload,
        w.bookingsPerSecond,
        w.attemptsPerSecond,
        w.p50Ms,
        w.p99Ms,
        w.statuses['201'] ?? 0,
        w.statuses['409'] ?? 0,
        w.statuses['429'] ?? 0,
        w.status5xx,
        w.noAnswer,
      ]),
    ),
  );
  table(
    S,
    [
      'mode',
      'node CPU ms/booking',
      'PostgreSQL backends CPU ms/booking',
      'HAProxy CPU ms/booking',
      'load generator CPU ms/booking',
      'idle node CPU ms/s',
      'warm-up bookings per node',
      'active',
      'violations',
      'lost 201s',
    ],
    out.map((m) => [
      m.mode,
      m.nodeCpuMsPerBooking,
      m.postgresCpuMsPerBooking ?? '–',
      m.haproxyCpuMsPerBooking,
      m.loadCpuMsPerBooking,
      m.idleCpuMsPerSecond.join(' / '),
      m.warmPerNode,
      m.invariants.activeAppointments,
      m.invariants.violations.length,
      m.invariants.lostAcknowledged,
    ]),
  );
  // The aims of issue 9 for the hot day, per node mode: met or not, as measured.
  for (const m of out.filter((x) => x.mode !== '1 SQLite process, direct')) {
    const h = m.hot;
    const misses = [
      h.bookingsPerSecond < 150 ? `${h.bookingsPerSecond} bookings/s < 150` : '',
      h.p99Ms >= 500 ? `p99 ${h.p99Ms} ms ≥ 500` : '',
      m.invariants.violations.length > 0 ? `${m.invariants.violations.length} violations` : '',
      h.status5xx + m.spread.status5xx > 0 ? `${h.status5xx + m.spread.status5xx} × 5xx` : '',
      m.invariants.lostAcknowledged > 0 ? `${m.invariants.lostAcknowledged} acknowledged lost` : '',
    ].filter(Boolean);
    note(S, `${m.mode}, hot day: ${misses.length === 0 ? 'aims met' : `aims missed — ${misses.join(', ')}`}.`);
  }
  note(S, `PostgreSQL: ${postgres}; Redis: ${redis ? `not reachable: ${redis}` : 'reachable'}.`);
  for (const f of failures) note(S, `FAILED — ${f}`);
  write();
}

async function partDisplays(dir: string, template: Template): Promise<void> {
  const S = '2. Displays across nodes';
  console.log(`\n== ${S} ==`);
  const opts = QUICK
    ? { offices: 10, perOffice: 20, fanSeconds: 3, killSeconds: 5, clientProcesses: 1, connectSeconds: 30 }
    : { offices: 125, perOffice: 40, fanSeconds: 15, killSeconds: 15, clientProcesses: 4, connectSeconds: 75 };
  Object.assign(opts, RATE ? { rate: RATE } : {}, PER_OFFICE ? { perOffice: PER_OFFICE } : {});
  const clerksText =
    CLERKS === 'spread'
      ? `${opts.offices} clerks (one socket and address each), office i's on node n(1 + i mod 4) directly (--clerks=spread: as consoles behind the balancer land on every node; direct so that each call's node is known), so 3/4 of each office's displays are on other nodes than its clerk,`
      : `${opts.offices} clerks all on node A (--clerks=node-a; one socket and address each)`;
  const clerksAfterKill =
    'the SIGKILL also drops the clerks on n4, which reconnect through HAProxy with the front-ends\' back-off (0.5 s growing to 5 s) and go on calling; a press sent but not acknowledged when its node died is not an acknowledged call, so it is counted under "unacknowledged" and not as lost; a press due while its clerk was reconnecting is skipped and counted';
  if (BASELINE) return partDisplaysAgainstBaseline(dir, template, opts, BASELINE, `${clerksText} ${clerksAfterKill}`);
  let r: FanoutResult;
  try {
    r = await displaysAcrossNodes(dir, template, { ...opts, redis: true, engine: NODES_ON, clerks: CLERKS });
  } catch (error) {
    // With REDIS_URL a node that crashes under the display load is a finding, reported as such; the part then
    // runs again without Redis (facts still cross nodes through the shared cluster log) to get its figures.
    note(S, `With REDIS_URL (socket.io Redis Streams adapter): FAILED — ${(error as Error).message}`);
    results.failures = [...(results.failures ?? []), `part 2 with Redis: ${(error as Error).message}`];
    note(
      S,
      `Run again without REDIS_URL (cross-node facts through the cluster log in the shared ${ENGINE_NAME[NODES_ON]} database):`,
    );
    r = await displaysAcrossNodes(dir, template, { ...opts, redis: false, engine: NODES_ON, clerks: CLERKS });
  }
  results.displays = r;
  note(
    S,
    `Nodes on ${ENGINE_NAME[r.engine]}. ${r.redis ? 'With REDIS_URL: ' : 'Without Redis: '}${r.connected} of ${r.displays} display sockets connected within ${r.connectSeconds} s (${r.offices} offices × ${opts.perOffice}, each office's displays spread over ${r.nodes} nodes behind HAProxy, ${r.clientProcesses} client processes); ${clerksText} press next + start ${RATE ? `every ${round(r.offices / r.callsPerSecond, 2)} s (--rate)` : 'once a second'}: ${r.callsPerSecond} calls/s for ${opts.fanSeconds} s, then node n4 is SIGKILLed and calls go on for ${opts.killSeconds} s; ${clerksAfterKill}. ${r.calls} calls acknowledged${Object.keys(r.callErrors).length ? `; presses without an acknowledged call, by cause: ${JSON.stringify(r.callErrors)}` : ''}. Call-next press → ack p50 ${r.callAckP50Ms} / p99 ${r.callAckP99Ms} ms (an ack waits up to 500 ms for the node's publisher, server/hub/hub.ts). Clerk reconnects: ${r.clerkReconnects} (SIGKILL → reconnect p50 ${r.clerkReconnectP50Ms} / p99 ${r.clerkReconnectP99Ms} ms), ${r.clerksStillDisconnected} still without a node at the end. Clients' CPU over the calls before the kill: display processes ${r.clientsCpu.displayProcessesMsPerSecond.join(' / ')} ms/s, clerks ${r.clientsCpu.clerksMsPerSecond} ms/s (1000 = a core: a client near it receives late), machine busy ${round(r.clientsCpu.machineBusyShare * 100)} % of both cores (every process on it); servers' CPU ms/s: the 4 nodes ${r.serversCpu.nodesMsPerSecond}, the PostgreSQL backends of the run's database ${r.serversCpu.postgresMsPerSecond ?? '—'}, Redis ${r.serversCpu.redisMsPerSecond ?? '—'} (shared with the machine's other users), HAProxy ${r.serversCpu.haproxyMsPerSecond ?? '—'}. Fan-out p50 / p99 ms of the calls sent in each 5 s before the kill: ${r.latencyByWindow.map((w) => `${w.p50Ms} / ${w.p99Ms}`).join(', ')}. CPU/call below is the node's CPU over all the cluster's calls before the kill. Calls judged ${r.settled ? `once the displays had stopped receiving, ${round(r.settledAfterMs / 1000)} s after the last press` : `after the bounded wait (${round(r.settledAfterMs / 1000)} s after the last press) with displays still receiving: "lost" then includes calls still on their way`}. Latency: from the clerk sending call-next to the display receiving ticket:called (aim p99 < 100 ms).`,
  );
  table(
    S,
    [
      'node',
      'displays',
      'clerks',
      'calls from its clerks',
      'receipts',
      'delivered',
      'p50 ms',
      'p99 ms',
      'from own clerks p50 / p99',
      'from other nodes p50 / p99',
      'node CPU ms/call',
      'idle CPU ms/s',
      'ms/call without idle',
    ],
    r.perNode.map((n) => [
      n.node,
      n.displays,
      n.clerks,
      n.clerkCalls,
      n.receipts,
      `${round(n.deliveredShare * 100, 2)} %`,
      n.p50Ms,
      n.p99Ms,
      `${n.sameNodeP50Ms} / ${n.sameNodeP99Ms}`,
      `${n.crossNodeP50Ms} / ${n.crossNodeP99Ms}`,
      n.cpuMsPerCall,
      n.idleCpuMsPerSecond,
      n.idleCorrectedCpuMsPerCall,
    ]),
  );
  const k = r.kill;
  table(
    S,
    [
      'after SIGKILL of',
      'displaced',
      'back with snapshot',
      'p50 ms',
      'p99 ms',
      'max ms',
      'lost (display, call)',
      'calls with a loss',
      'covered by snapshot',
    ],
    [[k.node, k.displaced, k.recovered, k.p50Ms, k.p99Ms, k.maxMs, k.lostPairs, k.callsWithLoss, k.coveredBySnapshot]],
  );
  note(
    S,
    `Time: from the SIGKILL to the display's first snapshot after its reconnect (client back-off 0.5–5 s × 1.5, as the front-ends; aim p99 ≤ 10 s, 0 calls lost); of that, SIGKILL → the display's disconnect p50 ${k.killToDisconnectP50Ms} / p99 ${k.killToDisconnectP99Ms} ms, SIGKILL → reconnect (client back-off, HAProxy, handshake) p50 ${k.killToReconnectP50Ms} / p99 ${k.killToReconnectP99Ms} ms (failed reconnection attempts: ${k.failedReconnects}; their connect errors over the whole run by message: ${JSON.stringify(k.connectErrors)}; all displays' connect errors after the kill, with their causes: ${JSON.stringify(k.connectErrorsAfterKill ?? {})}; HAProxy's servers after the kill: ${(k.haproxyEvents ?? []).join('; ') || 'no change logged'}) and reconnect → snapshot p50 ${k.reconnectToSnapshotP50Ms} / p99 ${k.reconnectToSnapshotP99Ms} ms. "Covered by snapshot": a display missed the ticket:called (down at the time) but a snapshot with a seq at or after the call's reached it. Snapshots asked for after a seq gap: ${k.gapSnapshotsAsked}. The same ticket:called received twice by a display: ${k.duplicateReceipts} times, at ${k.displaysWithDuplicates} displays (these count in "delivered" above 100 %).`,
  );
  write();
}

/**
 * `--part=2 --baseline=<checkout>`: part 2 on the baseline's nodes and on this checkout's, `--rounds` times each
 * (default 2), alternating (baseline first), in one sitting: one row per run. CPU per call from /proc is the robust
 * figure; the latencies follow the machine's load.
 */
async function partDisplaysAgainstBaseline(
  dir: string,
  template: Template,
  opts: FanoutSize,
  baseline: string,
  clerksText: string,
): Promise<void> {
  const S = '2. Displays across nodes';
  const rows: (string | number)[][] = [];
  const runs: { checkout: string; load: number[]; result?: FanoutResult; error?: string }[] = [];
  for (let i = 0; i < (ROUNDS ?? 2); i++) {
    for (const [checkout, root] of [
      ['before', baseline],
      ['after', undefined],
    ] as const) {
      const load = loadavg().map((x) => Math.round(x * 100) / 100);
      console.log(`  round ${i + 1}, ${checkout} (${root ?? 'this checkout'}), load ${load.join(' ')}`);
      try {
        const r = await displaysAcrossNodes(dir, template, {
          ...opts,
          redis: true,
          engine: NODES_ON,
          root,
          clerks: CLERKS,
        });
        runs.push({ checkout, load, result: r });
        const k = r.kill;
        const row = [
          `${checkout} #${i + 1}`,
          load[0] ?? 0,
          ...r.perNode.map((n) => `${n.cpuMsPerCall} (${n.idleCorrectedCpuMsPerCall})`),
          ...r.perNode.map((n) => `${n.p50Ms} / ${n.p99Ms}`),
          r.calls,
          `${r.clerkReconnects} / ${Object.entries(r.callErrors)
            .filter(([c]) => c.startsWith('unacknowledged') || c.startsWith('skipped'))
            .reduce((n, [, v]) => n + v, 0)}`,
          `${k.recovered}/${k.displaced}`,
          `${k.p50Ms} / ${k.p99Ms}`,
          `${k.reconnectToSnapshotP50Ms} / ${k.reconnectToSnapshotP99Ms}`,
          k.lostPairs,
          `${r.serversCpu.nodesMsPerSecond} / ${r.serversCpu.postgresMsPerSecond ?? '—'} / ${r.serversCpu.redisMsPerSecond ?? '—'} / ${r.serversCpu.haproxyMsPerSecond ?? '—'}`,
          round(r.clientsCpu.machineBusyShare * 100),
        ];
        rows.push(row);
        console.log(`  ${JSON.stringify(row)}`);
        console.log(
          `  after the kill: disconnect p50 ${k.killToDisconnectP50Ms} / p99 ${k.killToDisconnectP99Ms} ms, reconnect p50 ${k.killToReconnectP50Ms} / p99 ${k.killToReconnectP99Ms} ms, ${k.failedReconnects} failed attempts, connect errors ${JSON.stringify(k.connectErrorsAfterKill)}; HAProxy: ${k.haproxyEvents.join('; ') || 'no server went down or up'}`,
        );
      } catch (error) {
        runs.push({ checkout, load, error: (error as Error).message });
        rows.push([`${checkout} #${i + 1}`, load[0] ?? 0, `FAILED: ${(error as Error).message}`]);
      }
    }
  }
  results.displays = { baseline, runs };
  note(
    S,
    `Before/after: the nodes of ${baseline} ("before") and of this checkout ("after"), alternating in one sitting, the harness, clients and database this checkout's, HAProxy's configuration the nodes' checkout's (deploy/haproxy.cfg); otherwise as the single run (${opts.offices} offices × ${opts.perOffice} displays over 4 PostgreSQL nodes with Redis behind HAProxy, ${opts.rate ?? opts.offices} calls/s for ${opts.fanSeconds} s, then n4 SIGKILLed for ${opts.killSeconds} s; clerks: ${clerksText}). CPU/call from /proc over the ${opts.fanSeconds} s before the kill, in brackets without the node's CPU per second with every display connected and no call (measured over 5 s before the calls: sweeps, pings, safety reads), which a lower throughput spreads over fewer calls; latency from the clerk's send to the display's ticket:called; load is the 1-minute load average at the run's start.`,
  );
  table(
    S,
    [
      'run',
      'load',
      'n1 CPU ms/call (idle-corrected)',
      'n2',
      'n3',
      'n4',
      'n1 p50 / p99 ms',
      'n2',
      'n3',
      'n4',
      'calls',
      'clerk reconnects / presses unacknowledged or skipped',
      'back',
      'kill → snapshot p50 / p99 ms',
      'reconnect → snapshot p50 / p99 ms',
      'lost',
      'CPU ms/s: nodes / PG backends / Redis / HAProxy',
      'machine busy %',
    ],
    rows,
  );
  write();
}

async function partKills(dir: string, template: Template): Promise<void> {
  const S = '3. A node killed during a booking burst';
  console.log(`\n== ${S} ==`);
  const opts = QUICK
    ? { nodes: 2, seconds: 8, killEvery: 4, connections: 8 }
    : { nodes: 3, seconds: 60, killEvery: 10, connections: 16 };
  const r = await killDuringBurst(dir, template, { ...opts, engine: NODES_ON });
  results.kills = r;
  note(
    S,
    `${r.nodes} nodes behind HAProxy (${ENGINE_NAME[r.engine]} + Redis), ${opts.connections} residents booking with Idempotency-Key for ${r.seconds} s plus 2 clerks issuing tickets (Idempotency-Key) as staff; every ${r.killEverySeconds} s one node SIGKILLed and restarted at once (${r.kills} kills, restart to healthy ${r.restartMs.join('/')} ms). A lost answer (none, or HAProxy 502/503/504) is retried with the same key and body for up to 30 s (20 tries, pauses 0.3 s growing to 3 s). Aims: 0 acknowledged lost, 0 duplicates.`,
  );
  const a = r.appointments;
  const t = r.tickets;
  table(
    S,
    ['', 'requests', 'acknowledged (201)', '409', 'gave up', 'retries', 'lost acknowledged', 'duplicates'],
    [
      ['appointments', a.requests, a.acknowledged, a.refused409, a.gaveUp, a.retries, a.lostAcknowledged, a.duplicates],
      ['tickets', t.requests, t.acknowledged, null, t.gaveUp, t.retries, t.lostAcknowledged, t.duplicates],
    ],
  );
  note(
    S,
    `Answers seen by residents: ${a.answers5xx} × 5xx (HAProxy's 502/503/504 while a node died included), ${a.answersNoAnswer} × no answer; ${a.retriesRefusedChallenge} retries refused as challenge-invalid (the lost first attempt had spent the challenge; the client solved a new one). Invariant 1 afterwards: ${a.invariants.violations.length} violations in ${a.invariants.activeAppointments} appointments.`,
  );
  write();
}

/** `--only=call-next`: the call-next row of part 4 (with `--baseline`, before and after), in a file of its own. */
async function partCallNextOnly(dir: string, template: Template): Promise<void> {
  const calls = await callNextCost(dir, template, {
    ...(QUICK
      ? { calls: 10, waiting: 200, displays: 10, spacingMs: 400 }
      : { calls: 40, waiting: 200, displays: 40, spacingMs: 400 }),
    baselineRoot: BASELINE,
    rounds: ROUNDS,
  });
  const S = '4. Per-request costs (item 7): call-next only';
  const cell = (c: { idleCorrectedCpuMsPerCall: number; cpuMsPerCall: number; errors: number }) =>
    `${c.idleCorrectedCpuMsPerCall} (raw ${c.cpuMsPerCall}${c.errors ? `, ${c.errors} errors` : ''})`;
  table(
    S,
    ['call-next + start + broadcast + estimates', 'waiting', 'displays', 'CPU ms/call', 'ratio to bare'],
    [
      ...(calls.baseline
        ? [
            [
              `before (${calls.baseline.root})`,
              calls.waiting,
              calls.displays,
              cell(calls.baseline),
              `${round(calls.baseline.idleCorrectedCpuMsPerCall / Math.max(0.001, calls.bare.cpuMsPerCall), 1)}×`,
            ],
          ]
        : []),
      ['Loket node (aim ≤ 2 ms)', calls.waiting, calls.displays, cell(calls.ours), `${calls.ratio}×`],
      ['bare socket.io broadcast', null, calls.displays, calls.bare.cpuMsPerCall, '1×'],
    ],
  );
  note(
    S,
    `Command: \`npm run bench:scale -- --part=4 --only=call-next${BASELINE ? ` --baseline=${BASELINE}` : ''}${ROUNDS ? ` --rounds=${ROUNDS}` : ''}\`; load average at end ${loadavg()
      .map((x) => x.toFixed(2))
      .join(
        ' ',
      )}. Each node measured ${calls.ours.rounds ? `${calls.ours.rounds.length} times${calls.baseline ? ', alternating with the baseline (which goes first in the odd rounds, second in the even ones)' : ''} (mean shown; rounds: ${calls.baseline?.rounds ? `before ${calls.baseline.rounds.join(', ')}, ` : ''}Loket ${calls.ours.rounds.join(', ')})` : 'once'}, after ${WARM_UP_PRESSES} warm-up presses (until 2026-12-07: 3, which left V8 compiling during the measurement); CPU of the node process from /proc, its idle CPU subtracted.`,
  );
  const messages = (m: NodeCallCost['messagesPerCall']) =>
    m ? `a display ${JSON.stringify(m.display)}, the clerk's two sockets ${JSON.stringify(m.clerks)}` : 'not counted';
  note(
    S,
    `Messages per call + start (besides the two acks): ${calls.baseline ? `before: ${messages(calls.baseline.messagesPerCall)}; ` : ''}Loket node: ${messages(calls.ours.messagesPerCall)}.`,
  );
  const splitText = (split: CpuSplit | undefined) => {
    if (!split) return 'not measured';
    const total = cpuSplitTotals(split);
    const parts = Object.entries(split)
      .sort(([, a], [, b]) => b.user + b.system - (a.user + a.system))
      .map(([name, v]) => `${name} ${v.user} + ${v.system}`);
    return `user ${total.user} + system ${total.system} ms (${parts.join(', ')})`;
  };
  note(
    S,
    `Where the /proc figure goes, raw CPU per call by thread and mode (user + system, ms; main = the JavaScript thread, node = every other thread of the process: V8's workers, the thread pool, tsx's loader): ${calls.baseline ? `before: ${splitText(calls.baseline.split)}; ` : ''}Loket node: ${splitText(calls.ours.split)}; bare socket.io: ${splitText(calls.bare.split)}.`,
  );
  note(
    S,
    'Why /proc shows about twice what a V8 CPU profile of the main thread does (perf over every thread of the node, LOKET_BENCH_PERF, 2026-12-07): until the node ran with --no-memory-reducer (npm start, 2026-12-07) the other threads were 15–30 % of the figure, 80 % of their samples V8 compiling (TurboFan): the V8 memory reducer ran its idle-heap GCs (Mark-Compact "reduce", about 24 s after start, once the server looked idle) inside the measured presses, they dropped optimised code whose embedded objects died (deopt "weak objects": predictWaits, pickNextTicket, socket.io send …), which was then compiled again — rounds came out bimodal (about 6–8 or 12–16 ms); ordinary major GCs do not do this (LOKET_BENCH_NODE_LOG with --trace-deopt). A baseline checkout runs with the flags of its own start script. Of the main thread, ~19 % is kernel (socket writes and their loopback delivery, SQLite file locks and I/O, epoll), ~12 % SQLite, ~6 % malloc; fsync ~1 % (queue commits are relaxed), so the disk is not the gap. Until 2026-12-07 the cluster log tail prepared its statement again at every read (a bound LIMIT), another ~6 % of the main thread.',
  );
  const file = join(here, '..', 'results', QUICK ? 'scale-call-next-smoke.json' : 'scale-call-next.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    `${JSON.stringify({ at: new Date().toISOString(), machine: results.machine, calls }, null, 2)}\n`,
  );
  if (!QUICK) writeFileSync(join(here, '..', 'results', 'scale-call-next.md'), renderMarkdown(results));
}

async function partCosts(dir: string, template: Template): Promise<void> {
  if (ONLY_CALL_NEXT) return partCallNextOnly(dir, template);
  const S = '4. Per-request costs (item 7) against bare baselines';
  console.log(`\n== ${S} ==`);
  const booking = await bookingCost(
    dir,
    template,
    QUICK
      ? { requests: 60, connections: 8, schedulingSpeedSeconds: 0 }
      : { requests: 600, connections: 8, schedulingSpeedSeconds: 3 },
  );
  const calls = await callNextCost(
    dir,
    template,
    QUICK
      ? { calls: 10, waiting: 200, displays: 10, spacingMs: 400 }
      : { calls: 40, waiting: 200, displays: 40, spacingMs: 400 },
  );
  const growth = await availabilityGrowth(
    QUICK ? [4] : [4, 25, 100],
    QUICK ? [0.1, 0.9] : [0.1, 0.5, 0.9],
    QUICK ? 1 : 5,
  );
  const speed20 = QUICK ? null : await schedulingSpeedAvailability(0.9, 3);
  const databases = await databaseGrowth(QUICK ? [1, 3] : [1, 10, 100], QUICK ? 1 : 5);
  results.costs = { booking, calls, growth, databases, schedulingSpeed20Counters90Percent: speed20 };
  note(
    S,
    `Booking: ${booking.requests} POST /appointments (challenge off, as the bare endpoint has none) with ${booking.connections} connections to one node (server/main.ts) vs the bare hono + SQLite insert endpoint (bench/scale/bare-server.ts, same pragmas); CPU of the serving process from /proc, the node's idle CPU (timers, cluster-log tail) subtracted.`,
  );
  table(
    S,
    ['booking', 'CPU ms/request', 'requests/s', 'p50 ms', 'p99 ms'],
    [
      [
        'Loket node',
        `${booking.ours.idleCorrectedCpuMsPerBooking} (raw ${booking.ours.cpuMsPerBooking})`,
        booking.ours.perSecond,
        booking.ours.p50Ms,
        booking.ours.p99Ms,
      ],
      [
        'bare hono + insert',
        booking.bare.cpuMsPerRequest,
        booking.bare.perSecond,
        booking.bare.p50Ms,
        booking.bare.p99Ms,
      ],
      ['ratio (aim CPU ≤ 3×, throughput ≥ 0.5×)', `${booking.cpuRatio}×`, `${booking.throughputRatio}×`, null, null],
    ],
  );
  if (booking.schedulingSpeed)
    note(
      S,
      `bench/scheduling-speed.ts httpThroughput (in-process, autocannon, 10 connections): ours ${booking.schedulingSpeed.oursPerSecond}/s vs bare ${booking.schedulingSpeed.barePerSecond}/s = ${booking.schedulingSpeed.ratio}× (packed days ${booking.schedulingSpeed.ratioPacked}×).`,
    );
  table(
    S,
    [
      'call-next + start + broadcast + estimates',
      'waiting',
      'displays',
      'CPU ms/call',
      'bare socket.io ms/call',
      'ratio',
    ],
    [
      [
        'Loket node (aim ≤ 2 ms)',
        calls.waiting,
        calls.displays,
        `${calls.ours.idleCorrectedCpuMsPerCall} (raw ${calls.ours.cpuMsPerCall})`,
        calls.bare.cpuMsPerCall,
        `${calls.ratio}×`,
      ],
    ],
  );
  note(
    S,
    "Availability growth (in-process CPU, median of 5 runs after 3 warm-up runs that fill the caches and let V8 optimise; an office with N counters all rostered 09:00–17:00 on weekdays for passports, every 10-minute slot filled with the given probability; available-days over 8 weeks, available-times for one mid-window day). Aims: available-days ≤ 50 ms at 100 counters, growing at most linearly; available-times no worse than linear in the day's appointments.",
  );
  table(
    S,
    [
      'counters',
      'fill',
      'appointments',
      'available-days ms',
      'days found',
      'day appointments',
      'available-times ms',
      'µs per appointment',
    ],
    growth.map((g) => [
      g.counters,
      `${Math.round(g.fillShare * 100)} %`,
      g.appointments,
      g.availableDaysCpuMs,
      g.availableDays,
      g.dayAppointments,
      g.availableTimesCpuMs,
      g.availableTimesPerAppointmentUs,
    ]),
  );
  if (speed20)
    note(
      S,
      `bench/scheduling-speed.ts availabilitySpeed (20 counters, 90 % prefilled, passport × 2): available-days ${round(speed20.availableDaysMs, 1)} ms, available-times for all ${speed20.availableDays} days ${round(speed20.availableTimesAllDaysMs, 1)} ms.`,
    );
  note(
    S,
    'Database growth (bench/scale/growth.ts; in-process CPU on the embedded engine, median of 5 after 3 warm-up calls): one database holding 1, 10 or 100 offices, each with 4 counters rostered on weekdays since a year before now, half of its 10-minute slots booked from a year ago to 8 weeks ahead (past ones served) and a year of served walk-in tickets (40 a weekday, 4 events each). Measured at one office in the middle. Aim: flat — a request at one office costs the same whatever the other offices and the past hold.',
  );
  table(
    S,
    [
      'offices',
      'appointments',
      'tickets',
      'ticket events',
      'available-days ms',
      'available-times ms',
      'book ms',
      'issue ticket ms',
      'call-next ms',
      'queue snapshot ms',
    ],
    databases.map((g) => [
      g.offices,
      g.appointments,
      g.tickets,
      g.ticketEvents,
      g.availableDaysMs,
      g.availableTimesMs,
      g.bookMs,
      g.issueTicketMs,
      g.callNextMs,
      g.queueSnapshotMs,
    ]),
  );
  write();
}

async function main(): Promise<void> {
  if (process.argv.includes('--booking-row')) {
    const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice('--rounds='.length) ?? 3);
    try {
      await bookingRow(rounds);
    } finally {
      await cleanup();
    }
    return;
  }
  console.log(
    `bench:scale${QUICK ? ' --quick' : ''} — ${cpus().length} CPUs, node ${process.version}, load average at start ${results.machine.loadAverageAtStart.join(' ')}`,
  );
  for (const line of results.setup) console.log(`  ${line}`);
  const dir = tempDir('run');
  try {
    const template = buildTemplate(join(dir, 'template.db'), new Date());
    if (!QUICK && PARTS.size < 4 && !ONLY_CALL_NEXT) keepOtherParts();
    const parts: [number, string, (d: string, t: Template) => Promise<void>][] = [
      [1, '1. Bookings over HTTP', partBookings],
      [2, '2. Displays across nodes', partDisplays],
      [3, '3. A node killed during a booking burst', partKills],
      [4, '4. Per-request costs (item 7) against bare baselines', partCosts],
    ];
    for (const [n, title, run] of parts) {
      if (!PARTS.has(n)) continue;
      try {
        await run(dir, template);
      } catch (error) {
        // One part failing (e.g. the machine cannot bear its load) must not cost the others' figures.
        const message = (error as Error).stack ?? String(error);
        console.error(`  part ${n} failed: ${message}`);
        note(title, `Part ${n} FAILED: ${(error as Error).message}`);
        results.failures = [...(results.failures ?? []), `part ${n}: ${(error as Error).message}`];
        write();
      }
    }
  } finally {
    results.machine.loadAverageAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
    results.runtimeSeconds = Math.round((Date.now() - began) / 1000);
    write();
    console.log(
      `\nload average at end ${results.machine.loadAverageAtEnd.join(' ')}; wrote bench/results/${ONLY_CALL_NEXT ? (QUICK ? 'scale-call-next-smoke.json' : 'scale-call-next.{json,md}') : QUICK ? 'scale-smoke.json' : 'scale.{json,md}'} (${results.runtimeSeconds} s)`,
    );
    await cleanup();
  }
}

main().catch(async (error) => {
  console.error(error);
  await cleanup();
  process.exit(1);
});
