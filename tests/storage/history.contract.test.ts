import { expect, it } from 'vitest';
import { describeStorageContract, type StorageHarness } from './harness.ts';

/** Open data, the ticket history and the forecast's history (server/open-data, server/stats, server/forecast). */
async function fixture(h: StorageHarness): Promise<void> {
  await h.exec("INSERT INTO municipalities (id, name) VALUES ('m1', 'Eén'), ('m0', 'Nul')");
  for (const [id, zone] of [
    ['l-b', 'Europe/Amsterdam'],
    ['l-a', 'Europe/Brussels'],
  ]) {
    await h.exec(
      "INSERT INTO locations (id, municipality_id, name, street, postal_code, city, time_zone) VALUES (?, 'm1', ?, 's', 'p', 'Haarlem', ?)",
      [id, `Office ${id}`, zone],
    );
  }
  for (const [code, letter] of [
    ['passport', 'P'],
    ['pickup', 'A'],
  ]) {
    await h.exec(
      "INSERT INTO services (municipality_id, code, name_nl, name_en, minutes_per_person, ticket_letter) VALUES ('m1', ?, ?, ?, 10, ?)",
      [code, code, code, letter],
    );
  }
  await h.exec("INSERT INTO counters (location_id, name) VALUES ('l-a', 'Balie 1')");
}

const at = (iso: string) => new Date(iso);
const ids = async (h: StorageHarness) => {
  const services = await h.rows<{ id: number; code: string }>('SELECT id, code FROM services ORDER BY id');
  const [counter] = await h.rows<{ id: number }>('SELECT id FROM counters');
  return {
    passport: services.find((s) => s.code === 'passport')?.id,
    pickup: services.find((s) => s.code === 'pickup')?.id,
    counter: counter?.id,
  };
};

describeStorageContract('history repositories contract', fixture, (harness) => {
  it('open data: offices by id with their number, numbers assigned once in id order, publishers by id', async () => {
    const { storage } = harness();
    expect((await storage.read.openData.offices()).map((o) => [o.id, o.number])).toEqual([
      ['l-a', null],
      ['l-b', null],
    ]);
    await Promise.all([0, 1, 2].map(() => storage.write((tx) => tx.openData.assignOfficeNumbers())));
    expect(await storage.read.openData.offices()).toEqual([
      {
        id: 'l-a',
        number: 1,
        name: 'Office l-a',
        city: 'Haarlem',
        municipalityId: 'm1',
        timeZone: 'Europe/Brussels',
        serviceNormMinutes: 10,
      },
      {
        id: 'l-b',
        number: 2,
        name: 'Office l-b',
        city: 'Haarlem',
        municipalityId: 'm1',
        timeZone: 'Europe/Amsterdam',
        serviceNormMinutes: 10,
      },
    ]);
    const h = harness();
    await h.exec(
      "INSERT INTO locations (id, municipality_id, name, street, postal_code, city) VALUES ('l-0', 'm0', 'Zero', 's', 'p', 'c')",
    );
    await storage.write((tx) => tx.openData.assignOfficeNumbers());
    expect((await storage.read.openData.offices()).map((o) => [o.id, o.number])).toEqual([
      ['l-0', 3],
      ['l-a', 1],
      ['l-b', 2],
    ]);
    expect(await storage.read.openData.publishers()).toEqual([
      { id: 'm0', name: 'Nul' },
      { id: 'm1', name: 'Eén' },
    ]);
  });

  it('ticket history: one record per ticket with its first service, predictions, zones, appointment counts', async () => {
    const h = harness();
    const { passport, pickup, counter } = await ids(h);
    const ticket = async (
      n: number,
      location: string,
      issued: string,
      called: string | null,
      predicted: number | null,
    ) => {
      await h.exec(
        `INSERT INTO tickets (municipality_id, location_id, service_date, number, letter, sequence, public_id, source,
           status, issued_at, queued_at, called_at, predicted_wait_seconds)
         VALUES ('m1', ?, '2026-11-23', ?, 'P', ?, ?, 'kiosk', ?, ?, ?, ?, ?)`,
        [
          location,
          `P${n}`,
          n,
          `pub-h-${n}`,
          called ? 'done' : 'waiting',
          h.instant(at(issued)),
          h.instant(at(issued)),
          called ? h.instant(at(called)) : null,
          predicted,
        ],
      );
      const [row] = await h.rows<{ id: number }>('SELECT id FROM tickets WHERE public_id = ?', [`pub-h-${n}`]);
      return row?.id;
    };
    const t1 = await ticket(1, 'l-a', '2026-11-23T09:00:00Z', '2026-11-23T09:12:00Z', 600);
    const t2 = await ticket(2, 'l-b', '2026-11-23T09:05:00Z', null, null);
    await ticket(3, 'l-a', '2026-11-22T09:05:00Z', '2026-11-22T09:06:00Z', 60);
    await h.exec('INSERT INTO ticket_items (ticket_id, service_id, persons) VALUES (?, ?, 1), (?, ?, 2), (?, ?, 1)', [
      t1,
      pickup,
      t1,
      passport,
      t2,
      passport,
    ]);
    const waits = await h.storage.read.waitHistory.ticketWaits(
      ['l-a', 'l-b'],
      at('2026-11-23T00:00:00Z'),
      at('2026-11-24T00:00:00Z'),
    );
    expect(waits).toEqual([
      {
        locationId: 'l-a',
        source: 'kiosk',
        status: 'done',
        issuedAt: at('2026-11-23T09:00:00Z'),
        dueAt: null,
        calledAt: at('2026-11-23T09:12:00Z'),
        serviceCode: 'pickup',
      },
      {
        locationId: 'l-b',
        source: 'kiosk',
        status: 'waiting',
        issuedAt: at('2026-11-23T09:05:00Z'),
        dueAt: null,
        calledAt: null,
        serviceCode: 'passport',
      },
    ]);
    expect(
      await h.storage.read.waitHistory.ticketWaits([], at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z')),
    ).toEqual([]);
    const samples = await h.storage.read.waitHistory.predictionSamples(
      at('2026-11-01T00:00:00Z'),
      at('2026-12-01T00:00:00Z'),
    );
    expect(samples.map((s) => s.predictedWaitSeconds).sort()).toEqual([60, 600]);
    expect(
      await h.storage.read.waitHistory.predictionSamples(at('2026-11-23T00:00:00Z'), at('2026-12-01T00:00:00Z'), 'l-a'),
    ).toEqual([
      {
        locationId: 'l-a',
        issuedAt: at('2026-11-23T09:00:00Z'),
        calledAt: at('2026-11-23T09:12:00Z'),
        predictedWaitSeconds: 600,
      },
    ]);
    expect(Object.fromEntries(await h.storage.read.waitHistory.locationZones())).toMatchObject({
      'l-a': 'Europe/Brussels',
      'l-b': 'Europe/Amsterdam',
    });

    const appointment = async (ref: string, starts: string, status: string, items: [number | undefined, number][]) => {
      await h.exec(
        `INSERT INTO appointments (municipality_id, location_id, reference, manage_token_hash, starts_at, ends_at,
           counter_id, channel, status, created_at) VALUES ('m1', 'l-a', ?, 'h', ?, ?, ?, 'online', ?, ?)`,
        [
          ref,
          h.instant(at(starts)),
          h.instant(new Date(at(starts).getTime() + 600_000)),
          counter,
          status,
          h.instant(at('2026-11-01T10:00:00Z')),
        ],
      );
      const [row] = await h.rows<{ id: number }>('SELECT id FROM appointments WHERE reference = ?', [ref]);
      for (const [service, persons] of items) {
        await h.exec('INSERT INTO appointment_items (appointment_id, service_id, persons) VALUES (?, ?, ?)', [
          row?.id,
          service,
          persons,
        ]);
      }
    };
    await appointment('H-1', '2026-11-24T10:00:00Z', 'served', [
      [passport, 2],
      [pickup, 1],
    ]);
    await appointment('H-2', '2026-11-24T11:00:00Z', 'no-show', [[passport, 1]]);
    await appointment('H-3', '2026-11-24T12:00:00Z', 'served', [[pickup, 1]]);
    await appointment('H-4', '2026-11-26T12:00:00Z', 'booked', [[pickup, 1]]);
    expect(
      await h.storage.read.waitHistory.appointmentStatusCounts(
        'l-a',
        at('2026-11-24T00:00:00Z'),
        at('2026-11-25T00:00:00Z'),
      ),
    ).toEqual({ served: 2, 'no-show': 1 });
    const history = await h.storage.read.forecastHistory.appointmentHistory(
      'l-a',
      at('2026-11-24T00:00:00Z'),
      at('2026-11-25T00:00:00Z'),
    );
    expect(history[0]).toEqual({
      startsAt: at('2026-11-24T10:00:00Z'),
      endsAt: at('2026-11-24T10:10:00Z'),
      createdAt: at('2026-11-01T10:00:00Z'),
      status: 'served',
      items: [
        { serviceCode: 'passport', persons: 2 },
        { serviceCode: 'pickup', persons: 1 },
      ],
    });
    expect(history.map((a) => a.status)).toEqual(['served', 'no-show', 'served']);
  });

  it('forecast history: imported counts and the registry upserted (the last row of a key wins), read by range', async () => {
    const { storage } = harness();
    expect(await storage.read.forecastHistory.locationExists('l-a')).toBe(true);
    expect(await storage.read.forecastHistory.locationExists('nowhere')).toBe(false);
    await storage.write((tx) =>
      tx.forecastHistory.upsertHourlyCounts('l-a', [
        { serviceCode: 'passport', date: '2025-03-03', hour: 9, count: 4 },
        { serviceCode: 'passport', date: '2025-03-03', hour: 10, count: 6 },
        { serviceCode: 'passport', date: '2025-03-04', hour: 9, count: 1 },
      ]),
    );
    await storage.write((tx) =>
      tx.forecastHistory.upsertHourlyCounts('l-a', [
        { serviceCode: 'passport', date: '2025-03-03', hour: 9, count: 5 },
        { serviceCode: 'passport', date: '2025-03-03', hour: 9, count: 7 },
      ]),
    );
    const counts = await storage.read.forecastHistory.importedHourlyCounts('l-a', '2025-03-03', '2025-03-04');
    expect(counts.sort((x, y) => x.hour - y.hour)).toEqual([
      { serviceCode: 'passport', date: '2025-03-03', hour: 9, count: 7 },
      { serviceCode: 'passport', date: '2025-03-03', hour: 10, count: 6 },
    ]);
    await storage.write((tx) =>
      tx.forecastHistory.upsertRegistry('m1', [
        { month: '2016-03', documentType: 'passport', ageBand: 'adult', count: 100 },
        { month: '2016-03', documentType: 'passport', ageBand: 'minor', count: 30 },
      ]),
    );
    await storage.write((tx) =>
      tx.forecastHistory.upsertRegistry('m1', [
        { month: '2016-03', documentType: 'passport', ageBand: 'adult', count: 120 },
      ]),
    );
    const registry = await storage.read.forecastHistory.registry('m1');
    expect(registry.sort((x, y) => x.ageBand.localeCompare(y.ageBand))).toEqual([
      { month: '2016-03', documentType: 'passport', ageBand: 'adult', count: 120 },
      { month: '2016-03', documentType: 'passport', ageBand: 'minor', count: 30 },
    ]);
    expect(await storage.read.forecastHistory.registry('m0')).toEqual([]);
  });
});
