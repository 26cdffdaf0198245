import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext } from '../helpers/context.ts';
import { describeWithPostgres, describeWithRedis } from '../helpers/servers.ts';
import { type Cluster, type NodeProcess, startCluster } from './hub-nodes.ts';

// Bookings on three node processes sharing one PostgreSQL database and one Redis (issue #9, "what must hold"):
// a start time booked from every node at once, a per-address limit across nodes, and SIGKILL of a node in the
// middle of a booking burst with retries under the same Idempotency-Key. The database is read afterwards.

const ZIJL = 'haarlem-zijlsingel';
const SCHALKWIJK = 'haarlem-schalkwijk';

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers loosely
  body: any;
}

/** One request; a node that dies under it is status 0 (no answer), as a client sees it. */
async function call(
  node: NodeProcess,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  try {
    const res = await fetch(`${node.url}/api/v1${path}`, {
      method,
      headers: { ...(options.body ? { 'content-type': 'application/json' } : {}), ...options.headers },
      body: options.body ? JSON.stringify(options.body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  } catch {
    return { status: 0, body: null };
  }
}

/** Each resident from an address of its own (TRUST_PROXY), so only the limit under test can refuse. */
let nextAddress = 0;
const resident = () => {
  nextAddress++;
  return { 'x-forwarded-for': `10.${(nextAddress >> 16) & 255}.${(nextAddress >> 8) & 255}.${nextAddress & 255}` };
};

/** Open start times of `services` at `location` on its `index`-th bookable day (asked of `node`). */
async function startsOn(node: NodeProcess, location: string, services: string, index: number) {
  const days = await call(node, 'GET', `/locations/${location}/available-days?services=${services}`, {
    headers: resident(),
  });
  expect(days.status, JSON.stringify(days.body)).toBe(200);
  const date = (days.body.days as string[])[index];
  if (!date) throw new Error(`no ${index}th bookable day at ${location}`);
  const times = await call(node, 'GET', `/locations/${location}/available-times?services=${services}&date=${date}`, {
    headers: resident(),
  });
  expect(times.status, JSON.stringify(times.body)).toBe(200);
  return { date, times: times.body.times as string[] };
}

const booking = (location: string, code: string, start: string, email: string) => ({
  locationId: location,
  services: [{ code, persons: 1 }],
  start,
  customer: { name: 'Bewoner Schaal', email },
});

describeWithPostgres('bookings on several nodes (processes, one PostgreSQL database)', () => {
  describeWithRedis('with Redis', () => {
    describe('on PostgreSQL', () => {
      const steps: (() => Promise<unknown> | unknown)[] = [];
      let cluster: Cluster;
      let db: pg.Client;
      beforeAll(async () => {
        cluster = await startCluster(3, {
          engine: 'postgresql',
          hubDay: false,
          onCleanup: (fn) => steps.push(fn),
          extra: {
            TRUST_PROXY: 'true',
            RATE_LIMIT_BOOKINGS_PER_MINUTE: '10000',
            RATE_LIMIT_BOOKINGS_PER_NETWORK_PER_MINUTE: '10000',
            RATE_LIMIT_LOOKUPS_PER_MINUTE: '6',
          },
        });
        db = new pg.Client({ connectionString: (cluster.database as { url: string }).url });
        await db.connect();
        steps.push(() => db.end());
      }, 180_000);
      afterAll(async () => {
        for (const fn of steps.splice(0).reverse()) await fn();
      });

      it('one start time booked from all nodes at once: exactly its capacity in 201s, 409 for the rest, no overlap in the database', async () => {
        const [a] = cluster.nodes as [NodeProcess];
        const { date, times } = await startsOn(a, ZIJL, 'passport:1', 2);
        const start = times[Math.floor(times.length / 2)] as string;

        // The capacity of that start time, from one SQLite process that books it one request after the other
        // (the same demo, the same engine): the cluster must give exactly as many, whoever races whom.
        const reference = createTestContext({
          now: new Date().toISOString(),
          config: { RATE_LIMIT_BOOKINGS_PER_MINUTE: 10_000 },
        });
        let capacity = 0;
        for (let k = 0; k < 40; k++) {
          const res = await reference.app.request('/api/v1/appointments', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(booking(ZIJL, 'passport', start, `ref-${k}@example.nl`)),
          });
          if (res.status !== 201) {
            expect(res.status).toBe(409);
            break;
          }
          capacity++;
        }
        reference.db.$client.close();
        expect(capacity, `capacity of ${start} on ${date}`).toBeGreaterThanOrEqual(2);

        const answers = await Promise.all(
          Array.from({ length: 60 }, (_, k) =>
            call(cluster.nodes[k % 3] as NodeProcess, 'POST', '/appointments', {
              body: booking(ZIJL, 'passport', start, `race-${k}@example.nl`),
              headers: resident(),
            }),
          ),
        );
        const statuses = answers.map((r) => (r.status === 201 ? '201' : `${r.status}:${r.body?.code}`));
        expect(statuses.filter((s) => s === '201')).toHaveLength(capacity);
        expect(statuses.filter((s) => s === '409:slot-unavailable')).toHaveLength(60 - capacity);

        const active = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM appointments
           WHERE location_id = $1 AND starts_at = $2 AND status IN ('held', 'booked', 'checked-in')`,
          [ZIJL, new Date(start)],
        );
        expect(active.rows[0]?.n).toBe(capacity);
        const overlaps = await db.query(
          `SELECT x.id, y.id FROM appointments x JOIN appointments y
             ON x.counter_id = y.counter_id AND x.id < y.id
            AND x.starts_at < y.ends_at AND y.starts_at < x.ends_at
           WHERE x.status IN ('held', 'booked', 'checked-in') AND y.status IN ('held', 'booked', 'checked-in')`,
        );
        expect(overlaps.rows).toEqual([]);
      }, 120_000);

      it('a per-address look-up limit holds across nodes: RATE_LIMIT_LOOKUPS_PER_MINUTE in all, wherever they land', async () => {
        const from = { 'x-forwarded-for': '198.51.100.61' };
        const statuses: number[] = [];
        for (let k = 0; k < 12; k++) {
          const res = await call(cluster.nodes[k % 3] as NodeProcess, 'GET', '/appointments/ABCDEFGH2345', {
            headers: from,
          });
          statuses.push(res.status);
        }
        // Six answers (not found), then refused on every node: one count, not one per node.
        expect(statuses).toEqual([404, 404, 404, 404, 404, 404, 429, 429, 429, 429, 429, 429]);
        // Another address is not affected.
        const other = await call(cluster.nodes[1] as NodeProcess, 'GET', '/appointments/ABCDEFGH2345', {
          headers: { 'x-forwarded-for': '198.51.100.62' },
        });
        expect(other.status).toBe(404);
      });

      it('SIGKILL of a node in the middle of a booking burst, three rounds: no acknowledged booking lost, retries under the same Idempotency-Key make no duplicates', async () => {
        const acknowledged = new Map<string, { reference: string; body: unknown; headers: Record<string, string> }>();
        const finals: Record<string, number> = {};
        let retries = 0;
        for (let round = 0; round < 3; round++) {
          const { times } = await startsOn(cluster.nodes[0] as NodeProcess, SCHALKWIJK, 'pickup:1', 1 + round);
          const victim = (round + 1) % 3;
          let killed = false;
          let next = 0;
          const book = async (n: number) => {
            const key = `scale-${randomBytes(9).toString('hex')}`;
            const email = `burst-${round}-${n}@example.nl`;
            const body = booking(SCHALKWIJK, 'pickup', times[n % times.length] as string, email);
            const headers = { ...resident(), 'idempotency-key': key };
            // A lost answer (no answer, or the node went away) is sent again, identical, to the next node.
            for (let attempt = 0; attempt < 6; attempt++) {
              const node = cluster.nodes[(n + attempt) % 3] as NodeProcess;
              const res = await call(node, 'POST', '/appointments', { body, headers });
              if (res.status === 0 || res.status === 502 || res.status === 503) {
                retries++;
                await new Promise((r) => setTimeout(r, 200));
                continue;
              }
              finals[res.status] = (finals[res.status] ?? 0) + 1;
              if (res.status === 201) acknowledged.set(email, { reference: res.body.reference, body, headers });
              return;
            }
            finals.gaveUp = (finals.gaveUp ?? 0) + 1;
          };
          const worker = async () => {
            for (let n = next++; n < 36; n = next++) {
              await book(n);
              // The victim dies once a third of the burst is in, while the other workers' requests are in flight.
              if (!killed && n >= 12) {
                killed = true;
                await (cluster.nodes[victim] as NodeProcess).kill('SIGKILL');
              }
            }
          };
          await Promise.all(Array.from({ length: 6 }, worker));
          expect(killed).toBe(true);
          await cluster.restart(victim);
        }
        // The kills cut requests: some were sent again (to another node) under their key.
        expect(retries).toBeGreaterThan(0);
        expect(finals.gaveUp ?? 0, `${retries} retries`).toBe(0);
        // Only a booking (201) or a full time (409) is a final answer; never a 5xx or 422 (a retry seen as a new body).
        expect(Object.keys(finals).sort()).toEqual(expect.arrayContaining(['201']));
        for (const status of Object.keys(finals)) expect(['201', '409']).toContain(status);
        expect(acknowledged.size).toBeGreaterThan(36);

        // A retry after the fact, on another node, answers the same appointment.
        const [first] = acknowledged.values();
        if (!first) throw new Error('nothing acknowledged');
        const replay = await call(cluster.nodes[2] as NodeProcess, 'POST', '/appointments', {
          body: first.body,
          headers: first.headers,
        });
        expect(replay.status).toBe(201);
        expect(replay.body.reference).toBe(first.reference);

        const rows = await db.query<{ reference: string; customer_email: string; status: string }>(
          `SELECT reference, customer_email, status FROM appointments WHERE customer_email LIKE 'burst-%'`,
        );
        const byEmail = new Map<string, string[]>();
        for (const r of rows.rows)
          byEmail.set(r.customer_email, [...(byEmail.get(r.customer_email) ?? []), r.reference]);
        // No key made two appointments …
        expect([...byEmail].filter(([, refs]) => refs.length > 1)).toEqual([]);
        // … and every acknowledged one is there, booked, under the reference its 201 named.
        for (const [email, { reference }] of acknowledged) expect(byEmail.get(email), email).toEqual([reference]);
        expect(rows.rows.filter((r) => acknowledged.has(r.customer_email)).every((r) => r.status === 'booked')).toBe(
          true,
        );
      }, 300_000);
    });
  });
});
