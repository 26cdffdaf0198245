/**
 * Simulated residents booking over HTTP (loopback only). Every resident comes from its own address in its
 * own /24 (X-Forwarded-For; the nodes trust it as they would behind HAProxy), so the production rate
 * limits apply and are never what stops them; each booking carries a solved proof-of-work challenge.
 */
import { Agent, request } from 'node:http';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { percentile, round } from '../shared.ts';
import { BENCH_LOCATION, SERVICE } from './fixtures.ts';

export interface Reply {
  /** 0: the connection failed or was cut (no HTTP answer). */
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: loose JSON in a benchmark
  body: any;
  ms: number;
}

let residents = 0;
/** A fresh resident address, each in its own /24 (65,536 of those in 10.0.0.0/8, then they are shared). */
export function residentAddress(): string {
  residents++;
  return `10.${(residents >> 8) & 255}.${residents & 255}.${1 + ((residents >> 16) & 127)}`;
}

export class HttpClient {
  private readonly agent: Agent;
  private readonly url: URL;
  constructor(base: string, connections: number) {
    this.url = new URL(base);
    this.agent = new Agent({ keepAlive: true, maxSockets: connections, keepAliveMsecs: 10_000 });
  }

  call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    timeoutMs = 30_000,
  ): Promise<Reply> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const t0 = performance.now();
    return new Promise((resolve) => {
      const req = request(
        {
          host: this.url.hostname,
          port: this.url.port,
          method,
          path: `/api/v1${path}`,
          agent: this.agent,
          headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...headers },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : null;
            } catch {
              // HAProxy's own error pages are HTML
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, ms: performance.now() - t0 });
          });
          res.on('error', () => resolve({ status: 0, body: null, ms: performance.now() - t0 }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => resolve({ status: 0, body: String(e), ms: performance.now() - t0 }));
      if (payload) req.write(payload);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** GET /challenge, solve it (CHALLENGE_MAX_NUMBER is 1,000 for the bench), return the Altcha header value. */
export async function solvedChallenge(c: HttpClient, from: string): Promise<string | null> {
  const r = await c.call('GET', '/challenge', undefined, { 'x-forwarded-for': from });
  if (r.status !== 200) return null;
  const solution = await solveChallenge({ challenge: r.body, deriveKey });
  return Buffer.from(JSON.stringify({ challenge: r.body, solution })).toString('base64');
}

export interface LoadStats {
  workload: string;
  connections: number;
  seconds: number;
  attempts: number;
  booked: number;
  bookingsPerSecond: number;
  attemptsPerSecond: number;
  /** POST /appointments latency (all answers). */
  p50Ms: number;
  p99Ms: number;
  statuses: Record<string, number>;
  status5xx: number;
  /** No HTTP answer at all (connection refused or cut). */
  noAnswer: number;
  /** Other refusals by code (e.g. challenge-invalid), for diagnosis. */
  codes: Record<string, number>;
}

export class Recorder {
  readonly latencies: number[] = [];
  readonly statuses: Record<string, number> = {};
  readonly codes: Record<string, number> = {};
  readonly references: string[] = [];
  attempts = 0;
  first = Number.POSITIVE_INFINITY;
  last = 0;

  record(r: Reply, startedAt: number): void {
    this.attempts++;
    this.first = Math.min(this.first, startedAt);
    this.last = Math.max(this.last, performance.now());
    this.latencies.push(r.ms);
    const key = r.status === 0 ? 'no answer' : String(r.status);
    this.statuses[key] = (this.statuses[key] ?? 0) + 1;
    if (r.status === 201 && typeof r.body?.reference === 'string') this.references.push(r.body.reference);
    else if (r.status !== 201) {
      // The node's problem code, or (HTML or nothing) an answer of HAProxy's own.
      const code = `${key} ${r.body?.code ?? (r.status === 0 ? '' : 'not from a node')}`.trim();
      this.codes[code] = (this.codes[code] ?? 0) + 1;
    }
  }

  stats(workload: string, connections: number): LoadStats {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const seconds = Math.max(0.001, (this.last - this.first) / 1000);
    const status5xx = Object.entries(this.statuses)
      .filter(([k]) => k.startsWith('5'))
      .reduce((s, [, n]) => s + n, 0);
    return {
      workload,
      connections,
      seconds: round(seconds, 2),
      attempts: this.attempts,
      booked: this.statuses['201'] ?? 0,
      bookingsPerSecond: round((this.statuses['201'] ?? 0) / seconds, 1),
      attemptsPerSecond: round(this.attempts / seconds, 1),
      p50Ms: round(percentile(sorted, 50)),
      p99Ms: round(percentile(sorted, 99)),
      statuses: this.statuses,
      status5xx,
      noAnswer: this.statuses['no answer'] ?? 0,
      codes: this.codes,
    };
  }
}

export interface BookOptions {
  start: string;
  email: string;
  idempotencyKey?: string;
  /** Solve the proof-of-work (the bench office has it on `always`). */
  challenge?: boolean;
  from?: string;
}

export async function book(c: HttpClient, o: BookOptions): Promise<Reply> {
  const from = o.from ?? residentAddress();
  const altcha = o.challenge === false ? null : await solvedChallenge(c, from);
  return c.call(
    'POST',
    '/appointments',
    {
      locationId: BENCH_LOCATION,
      services: [{ code: SERVICE, persons: 1 }],
      start: o.start,
      customer: { name: 'Bench Bewoner', email: o.email },
    },
    {
      'x-forwarded-for': from,
      ...(altcha ? { altcha } : {}),
      ...(o.idempotencyKey ? { 'idempotency-key': o.idempotencyKey } : {}),
    },
  );
}

let emails = 0;
export const nextEmail = (label: string) => `${label}-${++emails}-${process.pid}@example.nl`;

/**
 * Many office-days: `connections` residents book back to back, each the next start of `starts` (consecutive
 * starts on different days; each start offered `perStart` times, once per counter), until `seconds` pass
 * or the starts run out.
 */
export async function spreadWorkload(
  base: string,
  starts: string[],
  perStart: number,
  connections: number,
  seconds: number,
  challenge = true,
): Promise<{ stats: LoadStats; references: string[] }> {
  const c = new HttpClient(base, connections);
  const rec = new Recorder();
  const deadline = performance.now() + seconds * 1000;
  let next = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const k = next++;
      const start = starts[Math.floor(k / perStart)];
      if (start === undefined) return;
      const t0 = performance.now();
      const r = await book(c, { start, email: nextEmail('spread'), challenge });
      rec.record(r, t0);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  c.close();
  return { stats: rec.stats('spread', connections), references: rec.references };
}

/**
 * One hot office-day (a release storm): each resident asks for the day's free times, picks one of the
 * first 12 (everybody wants the morning), solves the challenge and books; a 409 sends them back to the
 * list. Ends when the day is full, after `seconds`, or (a warm-up) once `maxBookings` were made.
 */
export async function hotWorkload(
  base: string,
  day: string,
  connections: number,
  seconds: number,
  maxBookings = Number.POSITIVE_INFINITY,
): Promise<{ stats: LoadStats; references: string[]; full: boolean; listP99Ms: number }> {
  const c = new HttpClient(base, connections);
  const rec = new Recorder();
  const listMs: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  let full = false;
  const worker = async () => {
    while (performance.now() < deadline && !full && (rec.statuses['201'] ?? 0) < maxBookings) {
      const from = residentAddress();
      const list = await c.call(
        'GET',
        `/locations/${BENCH_LOCATION}/available-times?services=${SERVICE}:1&date=${day}`,
        undefined,
        { 'x-forwarded-for': from },
      );
      listMs.push(list.ms);
      const times = (list.body?.times as string[] | undefined) ?? [];
      if (list.status === 200 && times.length === 0) {
        full = true;
        return;
      }
      if (times.length === 0) continue;
      const start = times[Math.floor(Math.random() * Math.min(12, times.length))] as string;
      const t0 = performance.now();
      const r = await book(c, { start, email: nextEmail('hot'), from });
      rec.record(r, t0);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  c.close();
  listMs.sort((a, b) => a - b);
  return {
    stats: rec.stats('hot day', connections),
    references: rec.references,
    full,
    listP99Ms: round(percentile(listMs, 99)),
  };
}
