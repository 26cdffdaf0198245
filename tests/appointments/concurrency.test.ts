import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { serve } from '@hono/node-server';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { appointmentItems, appointments } from '../../db/schema/index.ts';
import { loadOffice } from '../../db/sqlite/office.ts';
import { findViolations } from '../../server/scheduling/allocation.ts';
import { engineCounters, planOffice } from '../../server/scheduling/day-plans.ts';
import { placementsOf } from '../helpers/appointments.ts';
import { createTestContext } from '../helpers/context.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'loket-h1-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Invariant 1 (ARCHITECTURE.md#invariants) checked on what is in the database file, for the Zijlsingel on one day. */
function violationsOn(dbPath: string, date: string): { violations: string[]; active: number } {
  const db = openDatabase(dbPath);
  try {
    const office = loadOffice(db, 'haarlem-zijlsingel');
    if (!office) throw new Error('no office');
    const plan = planOffice(office, date, date).get(date);
    if (!plan) throw new Error('no plan');
    const rows = db
      .select()
      .from(appointments)
      .where(and(eq(appointments.locationId, 'haarlem-zijlsingel'), inArray(appointments.status, ['booked'])))
      .all();
    const items = db.select().from(appointmentItems).all();
    const list = placementsOf(rows, items);
    return {
      violations: findViolations(engineCounters(office, plan), list, office.location.walkInShare),
      active: rows.length,
    };
  } finally {
    db.$client.close();
  }
}

describe('invariant 1 under concurrency', () => {
  it('100 concurrent HTTP bookings of one start time: exactly capacity × 201, the rest 409', async () => {
    const dbPath = join(dir, 'http.db');
    const ctx = createTestContext({ dbPath, config: { RATE_LIMIT_BOOKINGS_PER_MINUTE: 10_000 } });
    const server = serve({ fetch: ctx.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const statuses = await Promise.all(
        Array.from({ length: 100 }, async (_, k) => {
          const res = await fetch(`http://127.0.0.1:${port}/api/v1/appointments`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              locationId: 'haarlem-zijlsingel',
              services: [{ code: 'passport', persons: 1 }],
              start: '2026-11-24T11:00:00+01:00',
              customer: { name: `R ${k}`, email: `r${k}@example.nl` },
            }),
          });
          const body = (await res.json()) as { code?: string };
          return res.status === 201 ? '201' : `${res.status}:${body.code}`;
        }),
      );
      // Balie 1–5 and 8 take passports by appointment on Tuesday at 11:00.
      expect(statuses.filter((s) => s === '201')).toHaveLength(6);
      expect(statuses.filter((s) => s === '409:slot-unavailable')).toHaveLength(94);
    } finally {
      server.close();
      ctx.db.$client.close();
    }
    expect(violationsOn(dbPath, '2026-11-24')).toEqual({ violations: [], active: 6 });
  });

  it('several processes booking against one database file never over-book (even without the triggers)', async () => {
    const dbPath = join(dir, 'multi.db');
    const ctx = createTestContext({ dbPath });
    // Take the database's defence away: the engine and BEGIN IMMEDIATE alone must hold invariant 1.
    ctx.db.$client.exec('DROP TRIGGER appointments_no_overlap_insert; DROP TRIGGER appointments_no_overlap_update;');
    ctx.db.$client.close();
    const worker = join(import.meta.dirname, 'fixtures', 'booking-worker.ts');
    const results = await Promise.all(
      [1, 2, 3, 4].map(async (seed) => {
        const { stdout } = await run(process.execPath, ['--import', 'tsx', worker, dbPath, String(seed), '40'], {
          env: { ...process.env, TZ: 'UTC' },
        });
        return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
          booked: number;
          refused: number;
          errors: string[];
        };
      }),
    );
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    const booked = results.reduce((s, r) => s + r.booked, 0);
    expect(booked).toBeGreaterThan(0);
    expect(results.reduce((s, r) => s + r.refused, 0)).toBeGreaterThan(0);
    expect(violationsOn(dbPath, '2026-11-24')).toEqual({ violations: [], active: booked });
  }, 120_000);
});

describe('invariant 2: a 201 survives SIGKILL', () => {
  const main = join(import.meta.dirname, '..', '..', 'server', 'main.ts');

  function startServer(dbPath: string): Promise<{ child: ChildProcess; port: number }> {
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      env: {
        ...process.env,
        TZ: 'UTC',
        LOKET_DB: dbPath,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        LOKET_DEMO_PASSWORD: 'demo-password-123',
        RATE_LIMIT_BOOKINGS_PER_MINUTE: '1000',
        RATE_LIMIT_LOOKUPS_PER_MINUTE: '1000',
        MAX_ACTIVE_BOOKINGS_PER_EMAIL: '100',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /"url":"http:\/\/localhost:(\d+)"/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve({ child, port: Number(m[1]) });
        }
      });
      child.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
    });
  }

  it('keeps every answered booking across 20 kills', async () => {
    const dbPath = join(dir, 'crash.db');
    const references: string[] = [];
    let slot: { date: string; times: string[] } | null = null;
    for (let round = 0; round < 20; round++) {
      const { child, port } = await startServer(dbPath);
      const base = `http://127.0.0.1:${port}/api/v1`;
      if (!slot) {
        const days = (await (
          await fetch(`${base}/locations/haarlem-schalkwijk/available-days?services=pickup:1`)
        ).json()) as {
          days: string[];
        };
        const date = days.days[2] ?? days.days[0] ?? '';
        const times = (await (
          await fetch(`${base}/locations/haarlem-schalkwijk/available-times?services=pickup:1&date=${date}`)
        ).json()) as { times: string[] };
        slot = { date, times: times.times };
      }
      const start = slot.times[round % slot.times.length];
      const res = await fetch(`${base}/appointments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          locationId: 'haarlem-schalkwijk',
          services: [{ code: 'pickup', persons: 1 }],
          start,
          customer: { name: 'K', email: `k${round}@example.nl` },
        }),
      });
      const status = res.status;
      const body = (await res.json()) as { reference?: string };
      // Kill the instant the answer is in: no graceful shutdown, no checkpoint.
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      expect(status).toBe(201);
      if (body.reference) references.push(body.reference);
      const db = openDatabase(dbPath);
      const found = db
        .select({ r: appointments.reference })
        .from(appointments)
        .all()
        .map((r) => r.r);
      db.$client.close();
      expect(found).toEqual(expect.arrayContaining(references));
    }
    expect(references).toHaveLength(20);
  }, 240_000);
});
