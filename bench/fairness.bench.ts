/**
 * npm run bench:fairness — a booking storm: one office releases a day of M appointment slots; H residents
 * (each wants one appointment, with human think time) and one operator (30 loopback addresses in one /24,
 * three real Gmail mailboxes behind endless +tag and dot variants, requests as fast as the server answers)
 * book through the real HTTP API. Each protection of rule 8 is measured off and on: the operator's share
 * of the slots, and the residents' success rate and time to book. Prints the figures and writes
 * bench/results/fairness.json.
 *
 * Time is compressed ×10 (think time 2–6 s stands for 20–60 s); the operator is not slowed, which
 * favours it. Everything runs on loopback: the server in this process on 127.0.0.1, clients bound to
 * their own 127.x.y.z source addresses so the server sees (and groups) real addresses.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { type Db, openDatabase } from '../db/client.ts';
import { runMigrations } from '../db/migrate.ts';
import { seedDemo } from '../db/seed.ts';
import { sqliteStorage } from '../db/sqlite/storage.ts';
import { createApp } from '../server/app.ts';
import type { Clock } from '../server/clock.ts';
import { type Config, testConfig } from '../server/config.ts';
import type { Deps } from '../server/deps.ts';
import { createDomainEvents } from '../server/events.ts';
import { silentLogger } from '../server/logger.ts';
import { createRandom } from '../server/random.ts';

/** The app's deps plus the SQLite handle the bench reads mails and counts from. */
type BenchDeps = Deps & { db: Db };

const LOCATION = 'haarlem-zijlsingel';
const DAY = '2026-12-01';
/** Monday 23 November 2026 08:00 in Haarlem: the moment the day is released. */
const RELEASE = '2026-11-23T07:00:00Z';
const RUN_LIMIT_MS = 60_000;
/** Two persons per booking: a family's passports (20 minutes), so a day is ~90 slots and a run stays short. */
const SERVICES = 'passport:2';
const ITEMS = [{ code: 'passport', persons: 2 }];
const OPERATOR_ADDRESSES = 30;
const OPERATOR_MAILBOXES = ['bookbot.one', 'bookbot.two', 'bookbot.three'];
const SEED = Number(process.env.BENCH_FAIRNESS_SEED ?? 11);

interface Protection {
  name: string;
  operator: boolean;
  settings: Record<string, unknown>;
  /** Address groups: a looser per-address limit plus a per-/24 one (off: the tight per-address limit alone). */
  networkLimit: boolean;
}

const OFF = {
  confirmation_required: 0,
  challenge_mode: 'off',
  mailbox_normalise: 0,
  phone_cap: 0,
  day_velocity_limit: null,
  phone_share: 0,
} as const;
// Where slots are scarce an office caps each real mailbox at one active appointment here (a family books
// its persons in one appointment); the installation default of 4 is measured separately.
const ALL_ON = {
  confirmation_required: 1,
  hold_minutes: 10,
  challenge_mode: 'always',
  mailbox_normalise: 1,
  mailbox_cap: 1,
  day_velocity_limit: null,
  phone_share: 0,
} as const;

const ONLY = process.env.BENCH_FAIRNESS_ONLY?.split(',').map(Number);
const ALL_RUNS: Protection[] = [
  { name: 'no operator, protections off', operator: false, settings: OFF, networkLimit: false },
  { name: 'operator, protections off (before issue 11)', operator: true, settings: OFF, networkLimit: false },
  {
    name: 'operator, mailbox cap on the real mailbox',
    operator: true,
    settings: { ...OFF, mailbox_normalise: 1 },
    networkLimit: false,
  },
  { name: 'operator, address groups (per-/24 limit)', operator: true, settings: OFF, networkLimit: true },
  {
    name: 'operator, proof-of-work always',
    operator: true,
    settings: { ...OFF, challenge_mode: 'always' },
    networkLimit: false,
  },
  {
    name: 'operator, hold + confirmation by mail',
    operator: true,
    settings: { ...OFF, confirmation_required: 1, hold_minutes: 10 },
    networkLimit: false,
  },
  {
    name: 'operator, day velocity limit 40/10 min',
    operator: true,
    settings: { ...OFF, day_velocity_limit: 40 },
    networkLimit: false,
  },
  {
    name: 'operator, 20 % kept for phone/desk',
    operator: true,
    settings: { ...OFF, phone_share: 0.2, phone_share_release_hours: 48 },
    networkLimit: false,
  },
  { name: 'operator, all protections on', operator: true, settings: ALL_ON, networkLimit: true },
  { name: 'no operator, all protections on', operator: false, settings: ALL_ON, networkLimit: true },
];

function runningClock(start: string): Clock {
  const base = new Date(start).getTime();
  const t0 = Date.now();
  return { now: () => new Date(base + (Date.now() - t0)) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: loose JSON in a benchmark
  body: any;
}

/** An HTTP client bound to one loopback source address (keep-alive). */
function client(base: string, localAddress: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 4, localAddress });
  const url = new URL(base);
  return {
    agent,
    async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
      try {
        return await this.once(method, path, body, headers);
      } catch {
        // A keep-alive socket closed between requests: once more on a fresh one.
        return this.once(method, path, body, headers);
      }
    },
    once(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      return new Promise((resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            method,
            path: `/api/v1${path}`,
            agent,
            headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...headers },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null });
            });
          },
        );
        req.on('error', reject);
        if (payload) req.write(payload);
        req.end();
      });
    },
  };
}

async function solved(c: ReturnType<typeof client>): Promise<string> {
  const challenge = (await c.call('GET', '/challenge')).body;
  const solution = await solveChallenge({ challenge, deriveKey });
  return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
}

async function startServer(config: Partial<Config>) {
  const dir = mkdtempSync(join(tmpdir(), 'loket-fairness-'));
  let fetchApp: (r: Request, env?: object) => Response | Promise<Response> = () => new Response(null, { status: 503 });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: (r, env) => fetchApp(r, env), port: 0, hostname: '127.0.0.1' }, () =>
      resolve(s as Server),
    );
  });
  // Clients pause longer than node's 5 s default between requests; a reused socket must not be closed under them.
  server.keepAliveTimeout = 120_000;
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cfg = testConfig({ LOKET_DB: join(dir, 'loket.db'), PUBLIC_URL: url, ...config });
  const db = openDatabase(cfg.LOKET_DB);
  runMigrations(db);
  seedDemo(db);
  const deps: BenchDeps = {
    db,
    storage: sqliteStorage(db),
    clock: runningClock(RELEASE),
    monotonic: { nowMs: () => performance.now() },
    config: cfg,
    events: createDomainEvents(),
    log: silentLogger,
  };
  fetchApp = createApp(deps).fetch;
  return {
    url,
    deps,
    close: async () => {
      server.closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
      db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The confirmation link from the hold mail (the resident or operator reads its own mailbox). */
function confirmLink(deps: BenchDeps, reference: string): { code: string; token: string } | null {
  const row = deps.db.$client
    .prepare("SELECT text FROM outbox WHERE kind = 'hold' AND text LIKE ? ORDER BY id DESC LIMIT 1")
    .get(`%/confirm/${reference}#%`) as { text: string } | undefined;
  const m = row?.text.match(/#code=([\w-]+)&token=([\w-]+)/);
  return m ? { code: m[1] as string, token: m[2] as string } : null;
}

interface Outcome {
  who: 'resident' | 'operator';
  booked: boolean;
  ms: number;
}

async function bookOnce(
  c: ReturnType<typeof client>,
  deps: BenchDeps,
  start: string,
  email: string,
  challenge: string | null,
): Promise<{ status: number; code?: string }> {
  const res = await c.call(
    'POST',
    '/appointments',
    { locationId: LOCATION, services: ITEMS, start, customer: { name: 'X', email } },
    challenge ? { altcha: challenge } : {},
  );
  if (res.status !== 201) return { status: res.status, code: res.body?.code };
  if (res.body.status === 'held') {
    const link = confirmLink(deps, res.body.reference);
    if (!link) return { status: 500, code: 'no-mail' };
    const ok = await c.call(
      'POST',
      `/appointments/${res.body.reference}/confirm`,
      { code: link.code },
      { authorization: `Bearer ${link.token}` },
    );
    return { status: ok.status === 200 ? 201 : ok.status, code: ok.body?.code };
  }
  return { status: 201 };
}

async function runOne(p: Protection, residents: number) {
  const srv = await startServer({
    // Off: the tight per-address limit of before (10/min), which also throttles residents behind one shared
    // address. On: a looser limit per address (30/min) and a second one per /24 network (60/min).
    RATE_LIMIT_BOOKINGS_PER_MINUTE: p.networkLimit ? 30 : 10,
    RATE_LIMIT_BOOKINGS_PER_NETWORK_PER_MINUTE: p.networkLimit ? 60 : 1_000_000,
    // Look-ups keep their production limit (60/min per address): the operator polls within it.
    CHALLENGE_MAX_NUMBER: 50_000,
  });
  const sets = Object.entries(p.settings);
  srv.deps.db.$client
    .prepare(`UPDATE locations SET ${sets.map(([k]) => `${k} = ?`).join(', ')} WHERE id = ?`)
    .run(...sets.map(([, v]) => v), LOCATION);
  const rng = createRandom(SEED);
  const random = () => rng.next();
  const started = performance.now();
  const deadline = started + RUN_LIMIT_MS;
  const outcomes: Outcome[] = [];
  /** Why residents' attempts failed (status:code → count). */
  const failures = new Map<string, number>();
  const needsChallenge = p.settings.challenge_mode === 'always';

  const resident = async (i: number) => {
    // 20 % share one address (carrier NAT, a library); the rest have their own, spread over many networks.
    const address = i % 5 === 0 ? '127.2.0.1' : `127.1.${(i * 37) % 250}.${1 + (i % 250)}`;
    const c = client(srv.url, address);
    await sleep(random() * 10_000); // arrive during the first 10 s after the release
    const t0 = performance.now();
    let booked = false;
    for (let attempt = 0; attempt < 6 && !booked && performance.now() < deadline; attempt++) {
      const list = await c.call('GET', `/locations/${LOCATION}/available-times?services=${SERVICES}&date=${DAY}`);
      if (list.status === 429) {
        await sleep(5_000);
        continue;
      }
      const times = list.body?.times as string[] | undefined;
      if (!times || times.length === 0) break;
      // The widget solves while the resident fills in the form; the form takes the longer.
      const [challenge] = await Promise.all([needsChallenge ? solved(c) : null, sleep(2_000 + random() * 4_000)]);
      const pick = times[Math.floor(random() * Math.min(times.length, 12))] as string;
      const r = await bookOnce(c, srv.deps, pick, `inwoner${i}@example.nl`, challenge);
      booked = r.status === 201;
      if (!booked) failures.set(`${r.status}:${r.code ?? ''}`, (failures.get(`${r.status}:${r.code ?? ''}`) ?? 0) + 1);
      // Told to wait (a shared address over its limit): a person waits a little and tries again.
      if (r.status === 429) await sleep(5_000);
    }
    outcomes.push({ who: 'resident', booked, ms: performance.now() - t0 });
    c.agent.destroy();
  };

  let n = 0;
  const operatorLoop = async (k: number) => {
    const c = client(srv.url, `127.3.0.${k + 1}`);
    let empty = 0;
    let times: string[] = [];
    while (performance.now() < deadline && empty < 20) {
      if (times.length === 0) {
        const r = await c.call('GET', `/locations/${LOCATION}/available-times?services=${SERVICES}&date=${DAY}`);
        times = (r.body?.times as string[] | undefined) ?? [];
        if (times.length === 0) {
          empty++;
          await sleep(r.status === 429 ? 1_000 : 200);
          continue;
        }
      }
      n += 1;
      const box = (OPERATOR_MAILBOXES[n % OPERATOR_MAILBOXES.length] as string).replace('.', '');
      // Variants of one real mailbox: a +tag, dots moved around, capitals (Gmail ignores all three).
      const at = 1 + (n % (box.length - 1));
      const email =
        n % 2 === 0
          ? `${box}+${n}@gmail.com`
          : `${box.slice(0, at)}.${box.slice(at)}+r${n}@Gmail.com`.replace(/^./, (ch) => ch.toUpperCase());
      const t0 = performance.now();
      const challenge = needsChallenge ? await solved(c) : null;
      // Fire at the listed times one after another; fetch the list again once it is used up.
      const pick = times.splice(Math.floor(random() * times.length), 1)[0] as string;
      const r = await bookOnce(c, srv.deps, pick, email, challenge);
      if (r.status === 201) outcomes.push({ who: 'operator', booked: true, ms: performance.now() - t0 });
      else if (r.status === 429) await sleep(1_000);
      else if (r.code === 'booking-limit-reached') await sleep(500);
    }
    c.agent.destroy();
  };

  await Promise.all([
    ...Array.from({ length: residents }, (_, i) => resident(i)),
    ...(p.operator ? Array.from({ length: OPERATOR_ADDRESSES }, (_, k) => operatorLoop(k)) : []),
  ]);
  const booked = srv.deps.db.$client
    .prepare(
      "SELECT count(*) AS n FROM appointments WHERE status IN ('booked', 'held') AND starts_at >= ? AND starts_at < ?",
    )
    .get(Date.parse(`${DAY}T00:00:00+01:00`), Date.parse(`${DAY}T24:00:00+01:00`)) as { n: number };
  await srv.close();
  const res = outcomes.filter((o) => o.who === 'resident');
  const ok = res
    .filter((o) => o.booked)
    .map((o) => o.ms)
    .sort((a, b) => a - b);
  const op = outcomes.filter((o) => o.who === 'operator').length;
  return {
    run: p.name,
    slotsTaken: booked.n,
    operatorBookings: op,
    residents: res.length,
    residentsBooked: ok.length,
    residentSuccess: res.length ? ok.length / res.length : 0,
    residentMedianSeconds: ok.length ? (ok[Math.floor(ok.length / 2)] as number) / 1000 : null,
    residentP90Seconds: ok.length ? (ok[Math.floor(ok.length * 0.9)] as number) / 1000 : null,
    seconds: (performance.now() - started) / 1000,
    residentFailures: Object.fromEntries(failures),
  };
}

/** M: how many two-person passport appointments the day takes (staff fill it on a scratch copy). */
async function capacity(): Promise<number> {
  const srv = await startServer({
    RATE_LIMIT_BOOKINGS_PER_MINUTE: 1_000_000,
    RATE_LIMIT_LOOKUPS_PER_MINUTE: 1_000_000,
  });
  const c = client(srv.url, '127.0.0.1');
  let m = 0;
  for (let i = 0; i < 2_000; i++) {
    const times = (await c.call('GET', `/locations/${LOCATION}/available-times?services=${SERVICES}&date=${DAY}`)).body
      .times as string[];
    if (times.length === 0) break;
    const r = await bookOnce(c, srv.deps, times[0] as string, `probe${i}@example.nl`, null);
    if (r.status === 201) m++;
  }
  c.agent.destroy();
  await srv.close();
  return m;
}

const load = () => loadavg().map((x) => Number(x.toFixed(2)));
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const loadBefore = load();
console.log(`bench:fairness — load average before: ${loadBefore.join(' / ')}`);
const M = await capacity();
const H = Math.round(M * 1.2);
console.log(
  `day ${DAY} at ${LOCATION}: M = ${M} two-person passport slots; H = ${H} residents; operator: ${OPERATOR_ADDRESSES} addresses`,
);
console.log(
  'run                                              | slots | operator      | residents booked | median / p90 s',
);
const rows = [];
const RUNS = ONLY ? ALL_RUNS.filter((_, i) => ONLY.includes(i)) : ALL_RUNS;
for (const p of RUNS) {
  const r = await runOne(p, H);
  rows.push({ ...r, operatorShare: r.operatorBookings / M, loadAfter: load() });
  console.log(
    `${p.name.padEnd(48)} | ${String(r.slotsTaken).padStart(5)} | ${String(r.operatorBookings).padStart(4)} (${pct(r.operatorBookings / M).padStart(7)}) | ${String(r.residentsBooked).padStart(4)}/${r.residents} (${pct(r.residentSuccess).padStart(7)}) | ${r.residentMedianSeconds?.toFixed(1) ?? '–'} / ${r.residentP90Seconds?.toFixed(1) ?? '–'}`,
  );
  console.log(`${''.padEnd(48)}   residents' failed attempts: ${JSON.stringify(r.residentFailures)}`);
}
const base = rows[0];
const allOn = rows.find((r) => r.run === 'operator, all protections on');
const aims = {
  operatorShareAllOn: allOn?.operatorShare ?? null,
  operatorShareAim: 0.05,
  residentSuccessWithoutOperator: base?.residentSuccess ?? null,
  residentSuccessAllOnWithOperator: allOn?.residentSuccess ?? null,
  differencePercentagePoints:
    base && allOn ? Number((100 * (base.residentSuccess - allOn.residentSuccess)).toFixed(1)) : null,
  differenceAimPercentagePoints: 2,
};
console.log(
  `aim: operator ≤ 5 % with everything on → ${pct(aims.operatorShareAllOn ?? 0)}; residents within 2 pp of the run without the operator → ${aims.differencePercentagePoints} pp`,
);
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(
  join(import.meta.dirname, 'results', 'fairness.json'),
  `${JSON.stringify({ when: new Date().toISOString(), seed: SEED, day: DAY, M, H, loadBefore, loadAfter: load(), runs: rows, aims }, null, 2)}\n`,
);
console.log('written bench/results/fairness.json');
