import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPool, pgDb } from '../../db/pg/client.ts';
import { lockOfficeSetup } from '../../db/pg/locks.ts';
import { preparePgDatabase } from '../../db/pg/migrate.ts';
import { pgStorage } from '../../db/pg/storage.ts';
import { manualClock } from '../../server/clock.ts';
import { testConfig } from '../../server/config.ts';
import type { Deps } from '../../server/deps.ts';
import { createDomainEvents } from '../../server/events.ts';
import { silentLogger } from '../../server/logger.ts';
import { bookAppointment } from '../../server/scheduling/book-appointment.ts';
import { getOffice } from '../../server/scheduling/office-cache.ts';
import type { Storage } from '../../server/storage.ts';
import { createPgTestDatabase, describeWithPostgres } from '../helpers/servers.ts';

/**
 * What only PostgreSQL has to prove about the office repository (db/pg/office-store.ts): a set-up write waits
 * for the placements that hold the office's set-up lock shared, only for those of the locations it touches,
 * and two nodes (two storages on one database) never serve each other a stale office.
 */
describeWithPostgres('PostgreSQL office set-up: locks and two nodes', () => {
  let database: Awaited<ReturnType<typeof createPgTestDatabase>>;
  let pool: pg.Pool;
  let nodeA: Storage;
  let nodeB: Storage;
  let locationIds: string[];

  beforeAll(async () => {
    database = await createPgTestDatabase();
    pool = openPool(database.url, { max: 8 });
    await preparePgDatabase(pool, { seedDemo: true });
    nodeA = pgStorage(pool);
    nodeB = pgStorage(openPool(database.url, { max: 4 }));
    locationIds = (
      await pool.query<{ id: string }>("SELECT id FROM locations WHERE municipality_id = 'haarlem' ORDER BY id")
    ).rows.map((r) => r.id);
    expect(locationIds.length).toBeGreaterThanOrEqual(2);
  });
  afterAll(async () => {
    await nodeB?.close();
    await nodeA?.close();
    await database?.drop();
  });

  /** A placement in progress: a transaction holding the location's set-up lock shared until `release`. */
  async function placementAt(locationId: string): Promise<{ release(): Promise<void> }> {
    const client = await pool.connect();
    await client.query('BEGIN');
    await lockOfficeSetup(pgDb(client), locationId, 'shared');
    return {
      async release() {
        await client.query('COMMIT');
        client.release();
      },
    };
  }

  /** Waits (bounded in count, not asserted in time) until some transaction waits for an advisory lock. */
  async function untilAdvisoryLockWaits(): Promise<boolean> {
    for (let i = 0; i < 400; i++) {
      const { rows } = await pool.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
      );
      if (Number(rows[0]?.n) > 0) return true;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return false;
  }

  const countersNamed = async (name: string) =>
    Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM counters WHERE name = $1', [name])).rows[0]?.n);

  it('a counter created while a placement holds the office waits for it, then commits', async () => {
    const [here] = locationIds as [string];
    const placement = await placementAt(here);
    let settled = false;
    const write = nodeA
      .write((tx) => tx.office.insertCounter(here, 'Balie wacht', []))
      .finally(() => {
        settled = true;
      });
    try {
      expect(await untilAdvisoryLockWaits()).toBe(true);
      expect(settled).toBe(false);
      expect(await countersNamed('Balie wacht')).toBe(0);
    } finally {
      await placement.release();
    }
    expect(await write).toMatchObject({ locationId: here, name: 'Balie wacht' });
    expect(await countersNamed('Balie wacht')).toBe(1);
  });

  it('a change at one office does not wait for a placement at another; a municipality-wide one waits for any', async () => {
    const [first, second] = locationIds as [string, string];
    const placement = await placementAt(first);
    let serviceSettled = false;
    let service: Promise<unknown> | undefined;
    try {
      // Another office: no wait (a wait here would time the test out).
      await nodeA.write((tx) => tx.office.insertCounter(second, 'Balie elders', []));
      expect(await countersNamed('Balie elders')).toBe(1);
      service = nodeA
        .write((tx) =>
          tx.office.insertService({
            municipalityId: 'haarlem',
            code: 'lock-test',
            nameNl: 'Slot',
            nameEn: 'Lock',
            minutesPerPerson: 5,
            maxPersons: 1,
            ticketLetter: 'L',
            necessitiesNl: [],
            necessitiesEn: [],
            targetWaitMinutes: 10,
            followUpServiceCode: null,
            followUpMinWorkingDays: null,
          }),
        )
        .finally(() => {
          serviceSettled = true;
        });
      expect(await untilAdvisoryLockWaits()).toBe(true);
      expect(serviceSettled).toBe(false);
    } finally {
      await placement.release();
    }
    expect(await service).toMatchObject({ code: 'lock-test' });
  });

  it('two nodes: a change on node A is served by node B at its next read, outside and inside a transaction', async () => {
    const [here] = locationIds as [string];
    const before = await getOffice(nodeB.read, here);
    const inTxBefore = await nodeB.write((tx) => getOffice(tx, here));
    expect(inTxBefore?.location.slotGridMinutes).toBe(before?.location.slotGridMinutes);
    const grid = before?.location.slotGridMinutes === 10 ? 15 : 10;
    await nodeA.write((tx) => tx.office.updateLocation(here, { slotGridMinutes: grid }));
    expect((await getOffice(nodeB.read, here))?.location.slotGridMinutes).toBe(grid);
    expect((await nodeB.write((tx) => getOffice(tx, here)))?.location.slotGridMinutes).toBe(grid);

    // A change that rolls back leaves nothing behind in either node's cache.
    await expect(
      nodeA.write(async (tx) => {
        await tx.office.updateLocation(here, { slotGridMinutes: 30 });
        expect((await getOffice(tx, here, { fresh: true }))?.location.slotGridMinutes).toBe(30);
        throw new Error('refused later');
      }),
    ).rejects.toThrow('refused later');
    expect((await getOffice(nodeA.read, here))?.location.slotGridMinutes).toBe(grid);
    expect((await nodeA.write((tx) => getOffice(tx, here)))?.location.slotGridMinutes).toBe(grid);
    // The next committed change takes the rolled-back version's number: still nobody sees the rolled-back grid.
    await nodeB.write((tx) => tx.office.updateLocation(here, { walkInShare: 0.25 }));
    for (const node of [nodeA, nodeB]) {
      expect((await getOffice(node.read, here))?.location).toMatchObject({ slotGridMinutes: grid, walkInShare: 0.25 });
      expect((await node.write((tx) => getOffice(tx, here)))?.location).toMatchObject({
        slotGridMinutes: grid,
        walkInShare: 0.25,
      });
    }
  });

  it('a booking transaction is served from the offices its storage keeps while the version is unchanged (one read)', async () => {
    const [here] = locationIds as [string];
    const office = await getOffice(nodeB.read, here);
    const counter = office?.counters[0];
    if (!counter) throw new Error('fixture: no counter');
    // A rename is not configuration the version covers (as on SQLite): a transaction that still sees the old
    // name got the office from the cache, not from the rows.
    await pool.query('UPDATE counters SET name = $1 WHERE id = $2', ['Balie hernoemd', counter.id]);
    const inTx = await nodeB.write((tx) => getOffice(tx, here));
    expect(inTx?.counters.find((c) => c.id === counter.id)?.name).toBe(counter.name);
    // Any change that bumps the version brings the rows back.
    await nodeA.write((tx) => tx.office.updateLocation(here, { walkInShare: 0.3 }));
    const fresh = await nodeB.write((tx) => getOffice(tx, here));
    expect(fresh?.counters.find((c) => c.id === counter.id)?.name).toBe('Balie hernoemd');
  });

  it('a booking that waited for a set-up change decides on the changed office, not on the one it read first', async () => {
    const zijl = 'haarlem-zijlsingel';
    const deps: Deps = {
      storage: nodeA,
      clock: manualClock('2026-11-23T08:00:00Z'),
      config: testConfig({ MAX_ACTIVE_BOOKINGS_PER_EMAIL: 100 }),
      events: createDomainEvents(),
      log: silentLogger,
    };
    const book = (start: string, email: string) =>
      bookAppointment(deps, {
        locationId: zijl,
        services: [{ code: 'passport', persons: 1 }],
        start,
        customer: { name: 'R', email },
      });
    // The office takes passports on these days: one booked the day before proves it.
    await expect(book('2026-11-24T11:00:00+01:00', 'first@example.nl')).resolves.toBeTruthy();

    // A set-up change closing Wednesday holds the office's set-up lock, uncommitted, while the booking starts.
    let locked: () => void = () => {};
    const closureWritten = new Promise<void>((resolve) => {
      locked = resolve;
    });
    let commit: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      commit = resolve;
    });
    const setup = nodeB.write(async (tx) => {
      await tx.office.insertClosure({
        municipalityId: 'haarlem',
        locationId: zijl,
        date: '2026-11-25',
        kind: 'local',
        reason: 'Verbouwing',
      });
      locked();
      await released;
    });
    await closureWritten;
    const booking = book('2026-11-25T11:00:00+01:00', 'second@example.nl');
    let outcome: unknown;
    try {
      expect(await untilAdvisoryLockWaits()).toBe(true);
    } finally {
      commit();
      await setup;
      outcome = await booking.catch((err: unknown) => err);
    }
    expect(outcome).toMatchObject({ name: 'AppError', code: 'slot-unavailable' });
    const onWednesday = await pool.query(
      "SELECT id FROM appointments WHERE location_id = $1 AND service_date = '2026-11-25'",
      [zijl],
    );
    expect(onWednesday.rows).toEqual([]);
  });

  it('two nodes creating one service code at once: one creates it, the other gets 409 conflict, never a 5xx', async () => {
    const create = (node: Storage, nameNl: string) =>
      node.write((tx) =>
        tx.office.insertService({
          municipalityId: 'haarlem',
          code: 'race-code',
          nameNl,
          nameEn: nameNl,
          minutesPerPerson: 5,
          maxPersons: 1,
          ticketLetter: 'R',
          necessitiesNl: [],
          necessitiesEn: [],
          targetWaitMinutes: 10,
          followUpServiceCode: null,
          followUpMinWorkingDays: null,
        }),
      );
    const outcomes = await Promise.allSettled([create(nodeA, 'Eerste'), create(nodeB, 'Tweede')]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === 'rejected');
    expect(refused?.status === 'rejected' && refused.reason).toMatchObject({
      name: 'AppError',
      code: 'conflict',
      message: 'Service race-code exists',
    });
    const { rows } = await pool.query("SELECT id FROM services WHERE code = 'race-code'");
    expect(rows).toHaveLength(1);
  });
});
