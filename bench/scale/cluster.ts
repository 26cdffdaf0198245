/**
 * Processes of the scale bench: Loket nodes (the real `server/main.ts`, as `npm start` runs it, through
 * tsx), HAProxy in front of them, and the bookkeeping that removes every process, temporary file, Redis
 * key prefix and PostgreSQL database again — also on Ctrl-C and on failure.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { freePort } from '../shared.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '..', '..');
const MAIN = join(ROOT, 'server', 'main.ts');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every child this run started, killed on exit; cleanup steps run once, last registered first. */
const children = new Set<ChildProcess>();
const cleanups: (() => Promise<unknown> | unknown)[] = [];
let cleaning: Promise<void> | null = null;

export function onCleanup(fn: () => Promise<unknown> | unknown): void {
  cleanups.push(fn);
}

export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (error) {
        console.error(`cleanup: ${(error as Error).message}`);
      }
    }
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the bench and cleaning up`);
    void cleanup().then(() => process.exit(130));
  });
}

export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `loket-bench-scale-${label}-`));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** CPU time (user + system, ms) a process has used so far, from /proc (any process, no IPC). */
export function cpuMsOf(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5), i.e. 11 and 12 after the name; clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU time (ms) so far of each thread of a process, summed by thread name (`main`: the main thread; the others as
 * the kernel names them — on node 20 V8's platform threads, compiling and collecting concurrently, are `node` too).
 */
export function threadCpuMsOf(pid: number | undefined): Map<string, number> {
  const byName = new Map<string, number>();
  if (!pid) return byName;
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = tid === String(pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byName.set(name, (byName.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // the thread ended
    }
  }
  return byName;
}

/**
 * A process's system calls that read and write (/proc/<pid>/io) and its main thread's context switches so far: how
 * often it went to the kernel and how often it slept and woke (voluntary) or was preempted (involuntary).
 */
export function syscallsOf(pid: number | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!pid) return out;
  try {
    for (const line of readFileSync(`/proc/${pid}/io`, 'utf8').split('\n')) {
      const [k, v] = line.split(':');
      if (k === 'syscr' || k === 'syscw') out[k] = Number(v);
    }
    for (const line of readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8').split('\n')) {
      const [k, v] = line.split(':');
      if (k === 'voluntary_ctxt_switches') out.wakeups = Number(v);
      if (k === 'nonvoluntary_ctxt_switches') out.preempted = Number(v);
    }
  } catch {
    // gone
  }
  return out;
}

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export interface NodeProc {
  name: string;
  port: number;
  url: string;
  child: ChildProcess;
  env: Record<string, string>;
  /** The last lines the node wrote (for error messages). */
  output(): string;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

/** Environment every bench node shares (the same across nodes, as an operator would set it). */
export function nodeEnv(dbPath: string, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, {
    TZ: 'UTC',
    LOKET_DB: dbPath,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    LOKET_DEMO_PASSWORD: 'bench-password-123',
    LOKET_DEMO_HISTORY_DAYS: '0',
    // Behind HAProxy (and the bench's simulated residents): the client address is X-Forwarded-For's first entry.
    TRUST_PROXY: 'true',
    // One challenge secret for all nodes, so a challenge fetched from one node is accepted by another.
    CHALLENGE_HMAC_KEY: 'bench-scale-shared-challenge-key-0123456789',
    // The cheapest proof-of-work the configuration allows (the bench measures the server, not the solver).
    CHALLENGE_MAX_NUMBER: '1000',
  });
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/**
 * The node/V8 flags `npm start` of a checkout passes (between `tsx` and `server/main.ts` in its package.json), so that
 * the bench's nodes, and a baseline's, run as that checkout's `npm start` does (since 2026-12-07 `--no-memory-reducer`).
 */
function startFlagsOf(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const m = /\btsx\s+((?:--?[\w-]+(?:=\S+)?\s+)*)server\/main\.ts/.exec(pkg.scripts?.start ?? '');
  return m?.[1]?.split(/\s+/).filter(Boolean) ?? [];
}

/**
 * Starts `server/main.ts` on `port`; resolves when /api/v1/health answers, rejects when the node exits first.
 * `root`: another checkout of Loket to run (a before/after comparison in one run); default this one.
 */
export async function startNode(
  name: string,
  port: number,
  env: Record<string, string>,
  timeoutMs = 90_000,
  root = ROOT,
): Promise<NodeProc> {
  const child = track(
    spawn(
      process.execPath,
      [
        // LOKET_BENCH_CPU_PROF=<dir>: each node writes V8 CPU profiles there when it exits (not after SIGKILL), one
        // per thread (the largest is the main thread; tsx's loader runs in another), named after the pid.
        ...(process.env.LOKET_BENCH_CPU_PROF
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.LOKET_BENCH_CPU_PROF}`]
          : []),
        // LOKET_BENCH_NODE_FLAGS: further node/V8 flags for every node (e.g. `--single-threaded-gc` to see the GC's
        // share on the main thread in a CPU profile).
        ...(process.env.LOKET_BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
        ...startFlagsOf(root),
        '--import',
        'tsx',
        root === ROOT ? MAIN : join(root, 'server', 'main.ts'),
      ],
      {
        cwd: root,
        env: { ...env, PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    ),
  );
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const node: NodeProc = { name, port, url: `http://127.0.0.1:${port}`, child, env, output: () => out, exited };
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  while (Date.now() < deadline) {
    if (gone) throw new NodeRefused(name, out);
    try {
      const res = await fetch(`${node.url}/api/v1/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return node;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error(`node ${name} did not answer /api/v1/health within ${timeoutMs} ms:\n${out}`);
}

export class NodeRefused extends Error {
  constructor(
    readonly node: string,
    readonly output: string,
  ) {
    super(`node ${node} exited during start-up: ${lastMeaningfulLine(output)}`);
  }
}

/** The node's own message: the last non-empty line that is not a stack frame. */
export function lastMeaningfulLine(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at ') && !l.startsWith('^') && !/^node:internal/.test(l));
  const error = lines.find((l) => /Error|error|refuse|not yet|unsupported/i.test(l));
  return (error ?? lines.at(-1) ?? '(no output)').slice(0, 300);
}

export async function killNode(node: NodeProc, signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> {
  if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill(signal);
  await Promise.race([node.exited, sleep(10_000)]);
  if (node.child.exitCode === null && node.child.signalCode === null) {
    node.child.kill('SIGKILL');
    await node.exited;
  }
}

export interface Haproxy {
  port: number;
  child: ChildProcess;
  /**
   * HAProxy's own account of its servers, as it logs it (level notice: a server going DOWN or UP, and why), each line
   * with when it arrived (performance clock, ms since the epoch).
   */
  serverEvents: { at: number; line: string }[];
  stop(): Promise<void>;
}

/**
 * `deploy/haproxy.cfg` — the documented configuration, read from the checkout the bench runs — made the bench's: its
 * port instead of `LOKET_BIND`, the nodes as `LOKET_NODE1…` (in the environment, as README says), and two
 * differences: the clients' X-Forwarded-For is kept (deploy/haproxy.cfg deletes it, right in production; the bench's
 * simulated residents on loopback have no other way to have their own addresses), and a display may ask for a node
 * with `?node=<name>` (honoured while that node is up) so the bench knows where each socket lives. Everything else
 * (timeouts, retries, health checks, how a node is marked down) is the file's: a change there is measured here.
 */
export function benchHaproxyConfig(deployCfg: string, port: number, nodes: { name: string }[]): string {
  const lines = deployCfg.split('\n');
  const out: string[] = [];
  for (const line of lines) {
    if (/^\s*bind\s/.test(line)) {
      out.push(`  bind 127.0.0.1:${port}`);
      continue;
    }
    if (/^\s*http-request del-header x-forwarded-for\b/.test(line)) continue;
    // The pins go before the servers (and the check for LOKET_NODE1 in front of them).
    if (
      /^(\.if !defined\(LOKET_NODE1\)|\s*server node1\b)/.test(line) &&
      !out.some((l) => l.startsWith('  use-server '))
    )
      out.push(...nodes.map((n, k) => `  use-server node${k + 1} if { urlp(node) -m str ${n.name} }`));
    out.push(line);
  }
  const cfg = out.join('\n');
  for (const needed of ['bind 127.0.0.1:', 'use-server node1 ', 'server node1 '])
    if (!cfg.includes(needed))
      throw new Error(`deploy/haproxy.cfg changed shape: the bench found no "${needed.trim()}"`);
  return cfg;
}

/**
 * HAProxy (Debian's package) in front of the nodes with `benchHaproxyConfig` (deploy/haproxy.cfg with the bench's
 * port and node pins), the file of `root`: the checkout whose nodes run, as its deployment would. At most 8 nodes (the
 * file's LOKET_NODE1 … LOKET_NODE8).
 */
export async function startHaproxy(
  dir: string,
  nodes: { name: string; port: number }[],
  root = ROOT,
): Promise<Haproxy> {
  if (nodes.length > 8) throw new Error('deploy/haproxy.cfg takes at most 8 nodes');
  const port = await freePort();
  const cfg = benchHaproxyConfig(readFileSync(join(root, 'deploy', 'haproxy.cfg'), 'utf8'), port, nodes);
  const file = join(dir, `haproxy-${port}.cfg`);
  writeFileSync(file, cfg);
  const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  nodes.forEach((n, k) => {
    env[`LOKET_NODE${k + 1}`] = `127.0.0.1:${n.port}`;
  });
  const child = track(spawn('/usr/sbin/haproxy', ['-db', '-f', file], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  let out = '';
  const serverEvents: { at: number; line: string }[] = [];
  let partial = '';
  child.stderr?.on('data', (d: Buffer) => {
    const text = d.toString();
    out = (out + text).slice(-2_000);
    const at = performance.timeOrigin + performance.now();
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    // With -db HAProxy writes a state change twice: as its log line and as a console `[WARNING]`/`[ALERT]`: the log's.
    for (const line of lines)
      if (/\bis (DOWN|UP)\b|has no server available/.test(line) && !/^\[/.test(line) && serverEvents.length < 1_000)
        serverEvents.push({ at, line: line.replace(/^<\d+>/, '').trim() });
  });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`haproxy exited: ${out}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) break;
    } catch {
      // not yet
    }
    await sleep(200);
  }
  // Let the health checks see every node up before traffic (rise 2 × 1 s).
  await sleep(2_200);
  return {
    port,
    child,
    serverEvents,
    stop: async () => {
      if (child.exitCode === null) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([done, sleep(5_000)]);
      }
    },
  };
}
