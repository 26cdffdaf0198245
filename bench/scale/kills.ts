/**
 * Part 3: a node SIGKILLed every few seconds (rotating, restarted at once) during a booking burst through
 * HAProxy. Residents send every booking with an Idempotency-Key and retry the identical request when the
 * answer is lost (no answer, or HAProxy's 502/503/504); a clerk issues walk-in tickets the same way.
 * Afterwards: every acknowledged booking and ticket must be in the database, and no key may have made two.
 */
import { randomBytes } from 'node:crypto';
import { openDatabase } from '../../db/client.ts';
import { BENCH_LOCATION } from '../scheduling-speed.ts';
import { type BenchDatabase, benchDatabase, checkDatabase, type Engine, startCluster } from './bookings.ts';
import { killNode, type NodeProc, sleep, startNode } from './cluster.ts';
import type { InvariantCheck, Template } from './fixtures.ts';
import { HttpClient, nextEmail, type Reply, residentAddress, solvedChallenge } from './http-load.ts';
import { withPg } from './postgres.ts';

const TICKET_LOCATION = 'haarlem-zijlsingel';
/**
 * A client keeps sending a lost request again for up to 30 s (at most 20 tries), waiting 300 ms, then 1.5 times
 * longer each time up to 3 s: long enough to outlast a node's restart on a loaded machine, as a kiosk or a
 * booking page that retries in the background would.
 */
const RETRIES = 20;
const RETRY_FOR_MS = 30_000;
const pause = (attempt: number) => sleep(Math.min(3_000, 300 * 1.5 ** attempt));

export interface KillResult {
  engine: Engine;
  nodes: number;
  seconds: number;
  killEverySeconds: number;
  kills: number;
  restartMs: number[];
  restartFailures: string[];
  appointments: {
    requests: number;
    acknowledged: number;
    refused409: number;
    /** Requests that got no final answer after all retries. */
    gaveUp: number;
    retries: number;
    /** Retries answered 403 challenge-invalid (the challenge was spent by the lost first attempt). */
    retriesRefusedChallenge: number;
    answers5xx: number;
    answersNoAnswer: number;
    lostAcknowledged: number;
    /** Keys that produced more than one appointment in the database, or two different references. */
    duplicates: number;
    invariants: InvariantCheck;
  };
  tickets: {
    requests: number;
    acknowledged: number;
    gaveUp: number;
    retries: number;
    lostAcknowledged: number;
    duplicates: number;
    statuses: Record<string, number>;
  };
}

const lost = (r: Reply) => r.status === 0 || r.status === 502 || r.status === 503 || r.status === 504;

export async function killDuringBurst(
  dir: string,
  template: Template,
  opts: { nodes: number; seconds: number; killEvery: number; connections: number; engine: Engine },
): Promise<KillResult> {
  const database = await benchDatabase(template, dir, 'kills', opts.engine);
  const cluster = await startCluster(dir, database, { nodes: opts.nodes, haproxy: true, redis: true });
  const c = new HttpClient(cluster.url, opts.connections + 4);
  const deadline = performance.now() + opts.seconds * 1000;
  const restartMs: number[] = [];
  let kills = 0;

  // Every `killEvery` seconds the next node that is up is SIGKILLed and restarted at once on its port, as a
  // supervisor (systemd) would; the restart runs in the background, so kills keep their rhythm.
  const restarting = new Set<number>();
  const restartFailures: string[] = [];
  const restarts: Promise<void>[] = [];
  const killer = (async () => {
    let next = 0;
    for (let k = 0; performance.now() + opts.killEvery * 1000 < deadline && k < 100; k++) {
      await sleep(opts.killEvery * 1000);
      const i = [0, 1, 2, 3, 4, 5, 6, 7].map((d) => (next + d) % cluster.nodes.length).find((j) => !restarting.has(j));
      if (i === undefined) continue;
      next = i + 1;
      const victim = cluster.nodes[i] as NodeProc;
      await killNode(victim, 'SIGKILL');
      kills++;
      restarting.add(i);
      const t0 = performance.now();
      restarts.push(
        startNode(victim.name, victim.port, victim.env).then(
          (node) => {
            cluster.nodes[i] = node;
            restarting.delete(i);
            restartMs.push(Math.round(performance.now() - t0));
          },
          (error: Error) => {
            restartFailures.push(error.message.split('\n')[0] ?? 'failed');
          },
        ),
      );
    }
  })();

  const appt = {
    requests: 0,
    acknowledged: [] as string[],
    refused409: 0,
    gaveUp: 0,
    retries: 0,
    retriesRefusedChallenge: 0,
    answers5xx: 0,
    answersNoAnswer: 0,
    duplicateAnswers: 0,
  };
  let nextStart = 0;
  const resident = async () => {
    while (performance.now() < deadline) {
      const start = template.spreadStarts[Math.floor(nextStart++ / template.perStart)];
      if (!start) return;
      appt.requests++;
      const key = `bench-${randomBytes(12).toString('hex')}`;
      const from = residentAddress();
      const email = nextEmail('kill');
      let altcha = await solvedChallenge(c, from);
      const body = {
        locationId: BENCH_LOCATION,
        services: [{ code: 'pickup', persons: 1 }],
        start,
        customer: { name: 'Bench Bewoner', email },
      };
      const refs = new Set<string>();
      let final: Reply | null = null;
      const giveUpAt = performance.now() + RETRY_FOR_MS;
      for (let attempt = 0; attempt < RETRIES && performance.now() < giveUpAt; attempt++) {
        if (attempt > 0) appt.retries++;
        const r = await c.call('POST', '/appointments', body, {
          'x-forwarded-for': from,
          'idempotency-key': key,
          ...(altcha ? { altcha } : {}),
        });
        if (r.status === 0) appt.answersNoAnswer++;
        else if (r.status >= 500) appt.answers5xx++;
        if (r.status === 201) refs.add(r.body.reference);
        if (lost(r) || altcha === null) {
          await pause(attempt);
          // The challenge itself may have been the lost request.
          if (altcha === null) altcha = await solvedChallenge(c, from);
          continue;
        }
        if (attempt > 0 && r.status === 403 && r.body?.code === 'challenge-invalid') {
          // The lost first attempt spent the challenge; a client solves a new one and retries with the same key.
          appt.retriesRefusedChallenge++;
          altcha = await solvedChallenge(c, from);
          continue;
        }
        final = r;
        break;
      }
      if (refs.size > 1) appt.duplicateAnswers++;
      if (!final) appt.gaveUp++;
      else if (final.status === 201) appt.acknowledged.push(final.body.reference);
      else if (final.status === 409) appt.refused409++;
    }
  };

  const tix = {
    requests: 0,
    acknowledged: [] as { id: number; key: string }[],
    gaveUp: 0,
    retries: 0,
    duplicateAnswers: 0,
  };
  const ticketStatuses: Record<string, number> = {};
  const clerk = async () => {
    for (let n = 0; performance.now() < deadline && n < 5_000; n++) {
      tix.requests++;
      const key = `bench-${randomBytes(12).toString('hex')}`;
      const ids = new Set<number>();
      let final: Reply | null = null;
      const giveUpAt = performance.now() + RETRY_FOR_MS;
      for (let attempt = 0; attempt < RETRIES && performance.now() < giveUpAt; attempt++) {
        if (attempt > 0) tix.retries++;
        const r = await c.call(
          'POST',
          `/locations/${TICKET_LOCATION}/tickets`,
          { services: [{ code: 'passport', persons: 1 }] },
          { authorization: `Bearer ${template.adminToken}`, 'idempotency-key': key, 'x-forwarded-for': '192.0.2.10' },
        );
        ticketStatuses[r.status] = (ticketStatuses[r.status] ?? 0) + 1;
        if (r.status === 201) ids.add(r.body.id);
        if (lost(r)) {
          await pause(attempt);
          continue;
        }
        final = r;
        break;
      }
      if (ids.size > 1) tix.duplicateAnswers++;
      if (!final) tix.gaveUp++;
      else if (final.status === 201) tix.acknowledged.push({ id: final.body.id, key });
      await sleep(100);
    }
  };

  await Promise.all([killer, ...Array.from({ length: opts.connections }, resident), clerk(), clerk()]);
  await Promise.all(restarts);
  c.close();
  await cluster.stop();

  const invariants = await checkDatabase(database, appt.acknowledged);
  const dupEmails = await countOf(
    database,
    "SELECT count(*) AS n FROM (SELECT customer_email FROM appointments WHERE customer_email LIKE 'kill-%' GROUP BY customer_email HAVING count(*) > 1) d",
  );
  const apptDuplicates = dupEmails + appt.duplicateAnswers;
  const stored = new Map<number, string | null>();
  for (const row of await rowsOf<{ id: number; k: string | null }>(
    database,
    `SELECT id, request_key AS k FROM tickets WHERE location_id = '${TICKET_LOCATION}'`,
  ))
    stored.set(Number(row.id), row.k);
  let ticketsLost = 0;
  for (const t of tix.acknowledged) if (stored.get(t.id) !== t.key) ticketsLost++;
  const dupKeys = await countOf(
    database,
    'SELECT count(*) AS n FROM (SELECT request_key FROM tickets WHERE request_key IS NOT NULL GROUP BY location_id, request_key HAVING count(*) > 1) d',
  );
  const ticketDuplicates = dupKeys + tix.duplicateAnswers;
  return {
    engine: opts.engine,
    nodes: opts.nodes,
    seconds: opts.seconds,
    killEverySeconds: opts.killEvery,
    kills,
    restartMs,
    restartFailures,
    appointments: {
      requests: appt.requests,
      acknowledged: appt.acknowledged.length,
      refused409: appt.refused409,
      gaveUp: appt.gaveUp,
      retries: appt.retries,
      retriesRefusedChallenge: appt.retriesRefusedChallenge,
      answers5xx: appt.answers5xx,
      answersNoAnswer: appt.answersNoAnswer,
      lostAcknowledged: invariants.lostAcknowledged,
      duplicates: apptDuplicates,
      invariants,
    },
    tickets: {
      requests: tix.requests,
      acknowledged: tix.acknowledged.length,
      gaveUp: tix.gaveUp,
      retries: tix.retries,
      lostAcknowledged: ticketsLost,
      duplicates: ticketDuplicates,
      statuses: ticketStatuses,
    },
  };
}

/** Rows of a parameterless query on the run's database, whichever the engine. */
async function rowsOf<T>(database: BenchDatabase, sql: string): Promise<T[]> {
  if (database.engine === 'postgresql') return withPg(database.copy.url, async (c) => (await c.query(sql)).rows as T[]);
  const db = openDatabase(database.path);
  try {
    return db.$client.prepare(sql).all() as T[];
  } finally {
    db.$client.close();
  }
}

async function countOf(database: BenchDatabase, sql: string): Promise<number> {
  const [row] = await rowsOf<{ n: number | string }>(database, sql);
  return Number(row?.n ?? 0);
}
