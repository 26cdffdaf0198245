import { expect, it } from 'vitest';
import type { NewTicketRecord } from '../../server/queue/queue-store.ts';
import { describeStorageContract, type StorageHarness } from './harness.ts';

/** The queue repository (server/queue/queue-store.ts) on every engine, concurrency included. */
async function fixture(h: StorageHarness): Promise<void> {
  await h.exec("INSERT INTO municipalities (id, name) VALUES ('m1', 'Eén')");
  await h.exec(
    "INSERT INTO locations (id, municipality_id, name, street, postal_code, city, ticker_text) VALUES ('l-a', 'm1', 'Office A', 's', 'p', 'Haarlem', 'Welkom')",
  );
  for (const [code, letter, order] of [
    ['passport', 'P', 0],
    ['pickup', 'A', 1],
    ['birth', 'G', 2],
  ] as const) {
    await h.exec(
      "INSERT INTO services (municipality_id, code, name_nl, name_en, minutes_per_person, ticket_letter, sort_order) VALUES ('m1', ?, ?, ?, 10, ?, ?)",
      [code, code, code, letter, order],
    );
  }
  const services = await h.rows<{ id: number; code: string }>('SELECT id, code FROM services ORDER BY id');
  const id = (code: string) => services.find((s) => s.code === code)?.id;
  await h.exec(
    'INSERT INTO location_services (location_id, service_id, bookable_online, walk_in) VALUES (?, ?, 1 = 1, 1 = 1)',
    ['l-a', id('passport')],
  );
  await h.exec(
    'INSERT INTO location_services (location_id, service_id, bookable_online, walk_in) VALUES (?, ?, 1 = 1, 1 = 0)',
    ['l-a', id('pickup')],
  );
  await h.exec("INSERT INTO counters (location_id, name) VALUES ('l-a', 'Balie 1'), ('l-a', 'Balie 2')");
  const counters = await h.rows<{ id: number }>('SELECT id FROM counters ORDER BY id');
  await h.exec('INSERT INTO counter_skills (counter_id, service_id) VALUES (?, ?), (?, ?), (?, ?)', [
    counters[0]?.id,
    id('passport'),
    counters[0]?.id,
    id('pickup'),
    counters[1]?.id,
    id('pickup'),
  ]);
  await h.exec(
    "INSERT INTO staff_users (municipality_id, username, display_name, role, password_hash) VALUES ('m1', 'agent', 'Agent A', 'agent', 'x')",
  );
}

const t0 = new Date('2026-11-23T09:00:00.000Z');
const plus = (ms: number) => new Date(t0.getTime() + ms);

describeStorageContract('queue repository contract', fixture, (harness) => {
  const newTicket = async (h: StorageHarness, over: Partial<NewTicketRecord> = {}): Promise<NewTicketRecord> => {
    const [passport] = await h.rows<{ id: number }>("SELECT id FROM services WHERE code = 'passport'");
    return {
      municipalityId: 'm1',
      locationId: 'l-a',
      serviceDate: '2026-11-23',
      letter: 'P',
      publicId: `pub-${Math.random().toString(36).slice(2)}`,
      source: 'kiosk',
      priority: 0,
      appointmentId: null,
      dueAt: null,
      requestKey: null,
      requestFingerprint: null,
      language: 'nl',
      issuedAt: t0,
      queuedAt: t0,
      items: [{ serviceId: passport?.id ?? 0, persons: 2 }],
      ...over,
    };
  };

  it('configuration: the location, its services in sort order (offered, walk-in) and its counters with skills', async () => {
    const { storage } = harness();
    const location = await storage.read.queue.location('l-a');
    // SQLite's row may carry more of the location; the contract is LocationRow.
    expect(location).toMatchObject({
      id: 'l-a',
      municipalityId: 'm1',
      name: 'Office A',
      city: 'Haarlem',
      timeZone: 'Europe/Amsterdam',
      checkInEarlyMinutes: 30,
      checkInLateGraceMinutes: 10,
      serviceNormShare: 0.8,
      serviceNormMinutes: 10,
      tickerText: 'Welkom',
      callAndStart: false,
    });
    expect(await storage.read.queue.location('nowhere')).toBeNull();
    if (!location) throw new Error('fixture');
    const services = await storage.read.queue.services(location);
    expect(services.map((s) => [s.code, s.letter, s.offered, s.walkIn])).toEqual([
      ['passport', 'P', true, true],
      ['pickup', 'A', true, false],
      ['birth', 'G', false, false],
    ]);
    const counters = await storage.read.queue.counters('l-a');
    expect(counters.map((c) => [c.name, c.state, c.active, c.agentId, [...c.skills].sort()])).toEqual([
      ['Balie 1', 'closed', true, null, ['passport', 'pickup']],
      ['Balie 2', 'closed', true, null, ['pickup']],
    ]);
    // A change to the configuration is seen at once (the version check).
    const h = harness();
    await h.exec("UPDATE locations SET ticker_text = 'Gesloten' WHERE id = 'l-a'");
    expect((await storage.read.queue.location('l-a'))?.tickerText).toBe('Gesloten');
  });

  it('tickets: numbers per letter and day, unique under concurrency; lookups; the live queue with details', async () => {
    const h = harness();
    const { storage } = h;
    const issued = await Promise.all(
      Array.from({ length: 8 }, () =>
        newTicket(h).then((input) => storage.write((tx) => tx.queue.insertTicket(input))),
      ),
    );
    expect(issued.map((t) => t.number).sort()).toEqual([
      'P001',
      'P002',
      'P003',
      'P004',
      'P005',
      'P006',
      'P007',
      'P008',
    ]);
    const other = await newTicket(h, { letter: 'A', requestKey: 'k-1', requestFingerprint: 'f' }).then((input) =>
      storage.write((tx) => tx.queue.insertTicket(input)),
    );
    expect(other.number).toBe('A001');
    const nextDay = await newTicket(h, { serviceDate: '2026-11-24' }).then((input) =>
      storage.write((tx) => tx.queue.insertTicket(input)),
    );
    expect(nextDay.number).toBe('P001');
    const first = issued.find((t) => t.number === 'P001');
    if (!first) throw new Error('P001');
    expect(first).toMatchObject({ status: 'waiting', callCount: 0, issuedAt: t0, sequence: 1, priority: 0 });
    expect(await storage.read.queue.ticket(first.id)).toEqual(first);
    expect(await storage.read.queue.ticketByPublicId(first.publicId)).toEqual(first);
    expect(await storage.read.queue.ticketByRequestKey('l-a', 'k-1')).toEqual(other);
    expect(await storage.read.queue.ticketByRequestKey('l-a', 'k-2')).toBeNull();
    expect(await storage.read.queue.ticket(999_999)).toBeNull();

    const location = await storage.read.queue.location('l-a');
    if (!location) throw new Error('fixture');
    const live = await storage.read.queue.liveQueue(location, '2026-11-23');
    expect(live.tickets.map((t) => t.row.number)).toEqual(
      [...issued.map((t) => t.number), 'A001'].sort((a, b) => {
        const ia = [...issued, other].find((t) => t.number === a)?.id ?? 0;
        const ib = [...issued, other].find((t) => t.number === b)?.id ?? 0;
        return ia - ib;
      }),
    );
    expect(live.tickets[0]?.services).toEqual([{ code: 'passport', persons: 2 }]);
    expect(live.tickets[0]?.appointmentReference).toBeNull();
    expect(live.counters).toHaveLength(2);
    expect(live.services).toHaveLength(3);
    // Call-next's lean read: the same line, each ticket with (at least) the columns it ranks and answers with.
    const line = await storage.write((tx) => tx.queue.callLine(location, '2026-11-23'));
    expect(line.services).toEqual(live.services);
    expect(line.counters).toEqual(live.counters);
    expect(line.tickets).toMatchObject(
      live.tickets.map((t) => ({
        row: {
          id: t.row.id,
          status: t.row.status,
          number: t.row.number,
          counterId: t.row.counterId,
          queuedAt: t.row.queuedAt,
          dueAt: t.row.dueAt,
          priority: t.row.priority,
          targetCounterId: t.row.targetCounterId,
          calledAt: t.row.calledAt,
        },
        services: t.services,
        appointmentReference: t.appointmentReference,
      })),
    );
    const details = await storage.read.queue.ticketsWithDetails([other.id, first.id, 424_242]);
    expect(details.map((d) => d.row.id)).toEqual([first.id, other.id].sort((a, b) => a - b));
    expect(await storage.read.queue.ticketsWithDetails([])).toEqual([]);

    const [pickup] = await h.rows<{ id: number }>("SELECT id FROM services WHERE code = 'pickup'");
    await storage.write((tx) => tx.queue.replaceTicketService(first.id, pickup?.id ?? 0, 1));
    await storage.write((tx) => tx.queue.setPredictedWait(first.id, 420));
    const [changed] = await storage.read.queue.ticketsWithDetails([first.id]);
    expect(changed?.services).toEqual([{ code: 'pickup', persons: 1 }]);
    expect(changed?.row.predictedWaitSeconds).toBe(420);
  });

  it('updateTicketIf: one of several concurrent callers wins; the others get null and change nothing', async () => {
    const h = harness();
    const { storage } = h;
    const ticket = await newTicket(h, { serviceDate: '2026-11-25' }).then((input) =>
      storage.write((tx) => tx.queue.insertTicket(input)),
    );
    const counters = await storage.read.queue.counters('l-a');
    const results = await Promise.all(
      counters.map((c, i) =>
        storage.write((tx) =>
          tx.queue.updateTicketIf(ticket.id, 'waiting', {
            status: 'called',
            counterId: c.id,
            callCount: 1,
            calledAt: plus(i),
          }),
        ),
      ),
    );
    const winners = results.filter((r) => r !== null);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ id: ticket.id, status: 'called', callCount: 1 });
    const stored = await storage.read.queue.ticket(ticket.id);
    expect(stored).toEqual(winners[0]);
    expect(await storage.read.queue.hasActiveTicket(stored?.counterId ?? 0)).toBe(true);
    expect(await storage.write((tx) => tx.queue.updateTicketIf(ticket.id, 'waiting', { status: 'done' }))).toBeNull();
  });

  it('events, recent calls, learning history; counters; check-in by code and reference', async () => {
    const h = harness();
    const { storage } = h;
    // A ticket's events happen on its own service day (the recent-calls read bounds its index range by it).
    const t0 = new Date('2026-11-26T09:00:00.000Z');
    const plus = (ms: number) => new Date(t0.getTime() + ms);
    const ticket = await newTicket(h, { serviceDate: '2026-11-26', issuedAt: t0, queuedAt: t0 }).then((input) =>
      storage.write((tx) => tx.queue.insertTicket(input)),
    );
    const [counter] = await storage.read.queue.counters('l-a');
    const [agent] = await h.rows<{ id: number }>("SELECT id FROM staff_users WHERE username = 'agent'");
    await storage.write(async (tx) => {
      await tx.queue.appendTicketEvent({
        ticketId: ticket.id,
        locationId: 'l-a',
        type: 'issued',
        at: t0,
        counterId: null,
        agentId: null,
        data: { source: 'kiosk' },
      });
      for (const [type, at] of [
        ['called', plus(60_000)],
        ['recalled', plus(120_000)],
      ] as const) {
        await tx.queue.appendTicketEvent({
          ticketId: ticket.id,
          locationId: 'l-a',
          type,
          at,
          counterId: counter?.id ?? 0,
          agentId: 1,
          data: null,
        });
      }
      await tx.queue.updateTicketIf(ticket.id, 'waiting', {
        status: 'done',
        counterId: counter?.id ?? 0,
        startedAt: plus(180_000),
        finishedAt: plus(780_000),
      });
    });
    expect(
      (await storage.read.queue.recentCalls('l-a', '2026-11-26', 5)).map((c) => [c.number, c.recall, c.at]),
    ).toEqual([
      [ticket.number, true, plus(120_000)],
      [ticket.number, false, plus(60_000)],
    ]);
    expect(await storage.read.queue.recentCalls('l-a', '2026-11-26', 1)).toHaveLength(1);
    const learned = await storage.read.queue.learningHistory('l-a', plus(-1000));
    expect(learned.serviceSamples).toContainEqual({
      services: [{ code: 'passport', persons: 2 }],
      counterId: counter?.id,
      minutes: 10,
    });
    expect(learned.waitEvents.filter((e) => e.ticketId === ticket.id)).toEqual([
      { ticketId: ticket.id, type: 'issued', at: t0, data: { source: 'kiosk' }, counterId: null },
      { ticketId: ticket.id, type: 'called', at: plus(60_000), data: null, counterId: counter?.id },
    ]);

    const opened = await storage.write((tx) =>
      tx.queue.updateCounter(counter?.id ?? 0, { state: 'open', agentId: agent?.id ?? 0, stateSince: t0 }),
    );
    expect(opened).toEqual({
      id: counter?.id,
      locationId: 'l-a',
      name: 'Balie 1',
      active: true,
      state: 'open',
      agentId: agent?.id,
      stateSince: t0,
    });
    expect(await storage.read.queue.counter(counter?.id ?? 0)).toEqual(opened);
    expect(await storage.read.queue.counterOfAgent(agent?.id ?? 0)).toEqual(opened);
    expect((await storage.read.queue.counters('l-a'))[0]?.agentName).toBe('Agent A');
    expect(await storage.write((tx) => tx.queue.updateCounter(999_999, { state: 'open' }))).toBeNull();

    const [passport] = await h.rows<{ id: number }>("SELECT id FROM services WHERE code = 'passport'");
    await h.exec(
      `INSERT INTO appointments (municipality_id, location_id, reference, manage_token_hash, starts_at, ends_at,
         counter_id, channel, created_at, service_date, check_in_code, language)
       VALUES ('m1', 'l-a', 'Q-REF-1', 'h', ?, ?, ?, 'online', ?, '2026-11-26', '4711', 'en')`,
      [h.instant(plus(3_600_000)), h.instant(plus(4_200_000)), counter?.id, h.instant(t0)],
    );
    const [appointment] = await h.rows<{ id: number }>("SELECT id FROM appointments WHERE reference = 'Q-REF-1'");
    await h.exec('INSERT INTO appointment_items (appointment_id, service_id, persons) VALUES (?, ?, 3)', [
      appointment?.id,
      passport?.id,
    ]);
    const expected = {
      id: appointment?.id,
      locationId: 'l-a',
      startsAt: plus(3_600_000),
      status: 'booked',
      language: 'en',
      items: [{ serviceId: passport?.id, persons: 3 }],
    };
    expect(await storage.read.queue.appointmentByCheckInCode('l-a', '2026-11-26', '4711')).toEqual(expected);
    expect(await storage.read.queue.appointmentByCheckInCode('l-a', '2026-11-27', '4711')).toBeNull();
    expect(await storage.read.queue.appointmentByReference('Q-REF-1')).toEqual(expected);
    await storage.write((tx) => tx.queue.setAppointmentStatus(appointment?.id ?? 0, 'checked-in', plus(3_000_000)));
    expect((await storage.read.queue.appointmentByReference('Q-REF-1'))?.status).toBe('checked-in');
    const apptTicket = await storage.write(async (tx) =>
      tx.queue.insertTicket(
        await newTicket(h, { serviceDate: '2026-11-26', source: 'check-in', appointmentId: appointment?.id ?? null }),
      ),
    );
    expect(await storage.read.queue.ticketOfAppointment(appointment?.id ?? 0)).toEqual(apptTicket);
    const [withRef] = await storage.read.queue.ticketsWithDetails([apptTicket.id]);
    expect(withRef?.appointmentReference).toBe('Q-REF-1');
  });
});
