import { expect, it } from 'vitest';
import { describeStorageContract, oneOfficeFixture } from './harness.ts';

// The demo history writes (server/forecast/demo-history-store.ts) on every engine.

const day = Date.parse('2025-06-02T07:00:00Z');

describeStorageContract('demo history repository contract', oneOfficeFixture, (harness) => {
  it('inserts an office-day linked by key, and a registry once', async () => {
    const h = harness();
    const [service] = await h.rows<{ id: number }>('SELECT id FROM services');
    const [counter] = await h.rows<{ id: number }>('SELECT id FROM counters');
    const base = { municipalityId: 'm1', locationId: 'l-a' };
    expect(await h.storage.read.demoHistory.hasTicketsBefore('l-a', '2025-06-03')).toBe(false);
    await h.storage.write((tx) =>
      tx.demoHistory.insertDay({
        appointments: [
          {
            ...base,
            key: 1,
            reference: 'DEMO-1',
            manageTokenHash: 'h',
            startsAt: day + 3_600_000,
            endsAt: day + 4_200_000,
            counterId: counter?.id ?? 0,
            channel: 'online',
            status: 'served',
            createdAt: day - 86_400_000,
            personalDataErasedAt: day,
            serviceId: service?.id ?? 0,
          },
        ],
        tickets: [1, 2].map((key) => ({
          ...base,
          key,
          serviceDate: '2025-06-02',
          number: `P00${key}`,
          letter: 'P',
          sequence: key,
          publicId: `demo-pub-${key}`,
          source: key === 1 ? 'check-in' : 'kiosk',
          status: 'done' as const,
          dueAt: key === 1 ? day + 3_600_000 : null,
          counterId: counter?.id ?? null,
          callCount: 1,
          issuedAt: day + key * 60_000,
          calledAt: day + key * 120_000,
          startedAt: day + key * 120_000,
          finishedAt: day + key * 600_000,
          appointmentKey: key === 1 ? 1 : null,
          predictedWaitSeconds: 90,
          items: [{ serviceId: service?.id ?? null, persons: key }],
        })),
        events: [
          {
            ticketKey: 2,
            locationId: 'l-a',
            type: 'issued',
            at: day + 120_000,
            counterId: null,
            data: '{"source":"kiosk"}',
          },
          {
            ticketKey: 2,
            locationId: 'l-a',
            type: 'finished',
            at: day + 1_200_000,
            counterId: counter?.id ?? null,
            data: null,
          },
          { ticketKey: 9, locationId: 'l-a', type: 'issued', at: day, counterId: null, data: null },
        ],
      }),
    );
    expect(await h.storage.read.demoHistory.hasTicketsBefore('l-a', '2025-06-03')).toBe(true);
    expect(await h.storage.read.demoHistory.hasTicketsBefore('l-a', '2025-06-02')).toBe(false);
    const linked = await h.rows<{ number: string; reference: string | null; persons: number }>(
      `SELECT t.number, a.reference, i.persons FROM tickets t LEFT JOIN appointments a ON a.id = t.appointment_id
         JOIN ticket_items i ON i.ticket_id = t.id ORDER BY t.number`,
    );
    expect(linked).toEqual([
      { number: 'P001', reference: 'DEMO-1', persons: 1 },
      { number: 'P002', reference: null, persons: 2 },
    ]);
    const events = await h.rows<{ type: string }>('SELECT type FROM ticket_events ORDER BY id');
    expect(events.map((e) => e.type)).toEqual(['issued', 'finished']);
    const history = await h.storage.read.forecastHistory.appointmentHistory(
      'l-a',
      new Date(day),
      new Date(day + 86_400_000),
    );
    expect(history).toEqual([
      {
        startsAt: new Date(day + 3_600_000),
        endsAt: new Date(day + 4_200_000),
        createdAt: new Date(day - 86_400_000),
        status: 'served',
        items: [{ serviceCode: 'passport', persons: 1 }],
      },
    ]);
    const waits = await h.storage.read.waitHistory.ticketWaits(['l-a'], new Date(day), new Date(day + 86_400_000));
    expect(waits.map((w) => [w.source, w.calledAt?.getTime()])).toEqual([
      ['check-in', day + 120_000],
      ['kiosk', day + 240_000],
    ]);
    // No cluster facts for finished demo tickets.
    expect(await h.rows('SELECT id FROM cluster_events')).toEqual([]);

    const registry = [{ month: '2015-06', documentType: 'passport', ageBand: 'adult' as const, count: 10 }];
    await h.storage.write((tx) => tx.demoHistory.insertRegistryOnce('m1', registry));
    await h.storage.write((tx) =>
      tx.demoHistory.insertRegistryOnce('m1', [{ ...registry[0], count: 99 } as (typeof registry)[0]]),
    );
    expect(await h.storage.read.forecastHistory.registry('m1')).toEqual(registry);
  });
});
