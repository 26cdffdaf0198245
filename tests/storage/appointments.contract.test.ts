import { expect, it } from 'vitest';
import type { AppointmentRow, NewAppointment } from '../../server/scheduling/appointment-store.ts';
import type { Repositories } from '../../server/storage.ts';
import { describeStorageContract, type StorageHarness } from './harness.ts';

/**
 * The appointments repository (server/scheduling/appointment-store.ts) on every engine, and what only
 * PostgreSQL has to prove (ARCHITECTURE.md#scale-out): placements serialised per office-day across
 * connections, the exclusion constraint answering a double booking with 409, collisions of drawn codes
 * redrawn inside a live transaction, the mailbox cap across offices, single-use challenges, idempotency
 * answers and reminders claimed once.
 */
async function fixture(h: StorageHarness): Promise<void> {
  await h.exec("INSERT INTO municipalities (id, name) VALUES ('m1', 'Eén'), ('m2', 'Twee')");
  await h.exec("INSERT INTO municipality_profiles (municipality_id, contact_email) VALUES ('m1', 'info@m1.example')");
  await h.exec(
    "INSERT INTO locations (id, municipality_id, name, street, postal_code, city) VALUES ('l-a', 'm1', 'Office A', 'Zijlsingel 1', '2013 DN', 'Haarlem'), ('l-b', 'm1', 'Office B', 's', 'p', 'Haarlem')",
  );
  for (const [code, letter, order] of [
    ['passport', 'P', 0],
    ['pickup', 'A', 1],
  ] as const)
    await h.exec(
      "INSERT INTO services (municipality_id, code, name_nl, name_en, minutes_per_person, ticket_letter, sort_order) VALUES ('m1', ?, ?, ?, 10, ?, ?)",
      [code, `${code}-nl`, `${code}-en`, letter, order],
    );
  await h.exec(
    "INSERT INTO counters (location_id, name) VALUES ('l-a', 'Balie 1'), ('l-a', 'Balie 2'), ('l-b', 'Balie 3')",
  );
}

const t0 = new Date('2026-11-23T09:00:00.000Z');
const at = (iso: string) => new Date(iso);
const MIN = 60_000;

/** Distinct references and check-in codes for the whole file (each test's rows stay apart). */
let drawn = 0;
const fresh = () => ({
  reference: () => `R${String(++drawn).padStart(11, '0')}`,
  checkInCode: () => String(100_000 + ++drawn),
});

/** The ids of the appointments occupying office l-a in the hour from `startsAt`. */
async function occupiedHour(h: StorageHarness, startsAt: Date): Promise<number[]> {
  const occupied = await h.storage.read.appointments.occupancy(
    'l-a',
    startsAt.getTime(),
    startsAt.getTime() + 3_600_000,
    t0,
  );
  return occupied.map((o) => o.id);
}

/** Gates not opened yet: a failing test opens them, so no transaction is left waiting on one. */
const unopened = new Set<() => void>();

/** A promise with its resolve at hand: one transaction waits on it while the test does something else. */
function gate() {
  let resolve: () => void = () => undefined;
  const opened = new Promise<void>((r) => {
    resolve = r;
  });
  const open = () => {
    unopened.delete(open);
    resolve();
  };
  unopened.add(open);
  return { opened, open };
}

/**
 * Where a transaction started on another connection stands, without timing it: settled, or blocked on a
 * lock (a session of the test database waiting in pg_locks). Polls a bounded number of times.
 */
async function standing(h: StorageHarness, work: Promise<unknown>): Promise<'settled' | 'waiting'> {
  let settled = false;
  work.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  for (let round = 0; round < 1000; round++) {
    if (settled) return 'settled';
    const [waiting] = await h.rows<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    if ((waiting?.n ?? 0) > 0) return 'waiting';
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the transaction neither finished nor waited for a lock');
}

describeStorageContract('appointments repository contract', fixture, (harness, engine) => {
  const ids = async (h: StorageHarness) => {
    const services = await h.rows<{ id: number; code: string }>('SELECT id, code FROM services ORDER BY id');
    const counters = await h.rows<{ id: number }>('SELECT id FROM counters ORDER BY id');
    const service = (code: string) => services.find((s) => s.code === code)?.id ?? 0;
    return {
      passport: service('passport'),
      pickup: service('pickup'),
      c1: counters[0]?.id ?? 0,
      c2: counters[1]?.id ?? 0,
      c3: counters[2]?.id ?? 0,
    };
  };

  const draft = (over: Partial<NewAppointment> & Pick<NewAppointment, 'startsAt' | 'counterId'>): NewAppointment => ({
    municipalityId: 'm1',
    locationId: 'l-a',
    serviceDate: over.startsAt.toISOString().slice(0, 10),
    manageTokenHash: 'token-hash',
    endsAt: new Date(over.startsAt.getTime() + 20 * MIN),
    channel: 'online',
    status: 'booked',
    customerName: 'Ann de Vries',
    customerEmail: 'ann@example.org',
    customerPhone: null,
    mailboxKey: 'ann@example.org',
    phoneKey: null,
    language: 'nl',
    followUpOfId: null,
    createdAt: t0,
    holdExpiresAt: null,
    confirmCodeHash: null,
    ...over,
  });

  /** What only PostgreSQL has to prove: several connections at once (SQLite runs one writer at a time). */
  const pgOnly = (name: string, test: (h: StorageHarness) => Promise<void>) =>
    engine === 'postgresql' &&
    it(`${name} (PostgreSQL only)`, async () => {
      const h = harness();
      try {
        await test(h);
      } finally {
        for (const open of [...unopened]) open();
      }
    });

  const book = (
    tx: Repositories,
    values: NewAppointment,
    serviceId: number,
    draw: { reference: () => string; checkInCode: () => string } = fresh(),
  ) => tx.appointments.insertBooked(values, [{ serviceId, persons: 1 }], draw);

  it('inserts with items and reads back the details: location, services, pickup, API client, organiser', async () => {
    const h = harness();
    const { storage } = h;
    const s = await ids(h);
    const client = await storage.write((tx) =>
      tx.apiClients.insertClient({
        municipalityId: 'm1',
        name: 'Formulieren',
        scopes: ['appointments:write'] as never,
        rateLimitPerMinute: 60,
        sendsOwnMail: true,
        createdAt: t0,
        createdBy: null,
      }),
    );
    const { main, pickup, link } = await storage.write(async (tx) => {
      const main = await tx.appointments.insertBooked(
        draft({ startsAt: at('2026-12-01T09:00:00Z'), counterId: s.c1, customerPhone: '06 1234 5678' }),
        [{ serviceId: s.passport, persons: 2 }],
        fresh(),
      );
      const link = await tx.appointments.linkToApiClient(main.id, client.id);
      const pickup = await book(
        tx,
        draft({ startsAt: at('2026-12-08T09:00:00Z'), counterId: s.c2, followUpOfId: main.id }),
        s.pickup,
      );
      return { main, pickup, link };
    });
    expect(link).toEqual({ sendsOwnMail: true });
    expect(main).toMatchObject({ status: 'booked', reminderSentAt: null, cancelledAt: null, confirmedAt: null });
    expect(main.reference).toMatch(/^R\d{11}$/);
    expect(main.checkInCode).toMatch(/^\d{6}$/);

    const details = await storage.read.appointments.byReference(main.reference);
    expect(details?.appointment).toEqual(main);
    expect(details?.location).toMatchObject({ id: 'l-a', name: 'Office A', street: 'Zijlsingel 1', city: 'Haarlem' });
    expect(details?.items.map((i) => [i.service.code, i.service.nameEn, i.persons])).toEqual([
      ['passport', 'passport-en', 2],
    ]);
    expect(details?.followUps).toEqual([pickup]);
    expect(details?.parentReference).toBeNull();
    expect(details?.bookedBy).toEqual({ clientId: client.id, sendsOwnMail: true });
    expect(details?.organizerEmail).toBe('info@m1.example');

    const child = await storage.read.appointments.byId(pickup.id);
    expect(child?.appointment).toEqual(pickup);
    expect(child?.parentReference).toBe(main.reference);
    expect(child?.bookedBy).toBeNull();
    expect(await storage.read.appointments.byId(999_999)).toBeNull();
    expect(await storage.read.appointments.byReference('NOSUCHREF000')).toBeNull();
    expect(await storage.read.appointments.organizerEmail('m1')).toBe('info@m1.example');
    expect(await storage.read.appointments.organizerEmail('m2')).toBeNull();
  });

  it('occupancy: booked, checked-in and unlapsed holds of the location in [from, to), with their services', async () => {
    const h = harness();
    const { storage } = h;
    const s = await ids(h);
    const now = t0;
    const day = (hh: string) => at(`2026-12-02T${hh}:00Z`);
    const rows = await storage.write(async (tx) => {
      const r: Record<string, AppointmentRow> = {};
      r.booked = await book(tx, draft({ startsAt: day('09:00'), counterId: s.c1 }), s.passport);
      r.checkedIn = await book(tx, draft({ startsAt: day('09:30'), counterId: s.c1, status: 'checked-in' }), s.pickup);
      r.held = await book(
        tx,
        draft({
          startsAt: day('10:00'),
          counterId: s.c1,
          status: 'held',
          holdExpiresAt: new Date(now.getTime() + MIN),
        }),
        s.passport,
      );
      r.lapsed = await book(
        tx,
        draft({ startsAt: day('10:30'), counterId: s.c1, status: 'held', holdExpiresAt: now }),
        s.passport,
      );
      r.cancelled = await book(tx, draft({ startsAt: day('11:00'), counterId: s.c1, status: 'cancelled' }), s.passport);
      r.served = await book(tx, draft({ startsAt: day('11:30'), counterId: s.c1, status: 'served' }), s.passport);
      r.otherOffice = await book(tx, draft({ startsAt: day('09:00'), counterId: s.c3, locationId: 'l-b' }), s.passport);
      r.nextDay = await book(tx, draft({ startsAt: at('2026-12-03T09:00:00Z'), counterId: s.c1 }), s.passport);
      return r;
    });
    const from = day('00:00').getTime();
    const to = at('2026-12-03T00:00:00Z').getTime();
    const occupied = await storage.read.appointments.occupancy('l-a', from, to, now);
    expect(occupied.sort((a, b) => a.startsAt - b.startsAt)).toEqual([
      {
        id: rows.booked?.id,
        counterId: s.c1,
        startsAt: day('09:00').getTime(),
        endsAt: day('09:20').getTime(),
        status: 'booked',
        channel: 'online',
        serviceIds: [s.passport],
      },
      {
        id: rows.checkedIn?.id,
        counterId: s.c1,
        startsAt: day('09:30').getTime(),
        endsAt: day('09:50').getTime(),
        status: 'checked-in',
        channel: 'online',
        serviceIds: [s.pickup],
      },
      {
        id: rows.held?.id,
        counterId: s.c1,
        startsAt: day('10:00').getTime(),
        endsAt: day('10:20').getTime(),
        status: 'held',
        channel: 'online',
        serviceIds: [s.passport],
      },
    ]);
    // An open end (revalidation asks for all of the future) reaches the next day too.
    const all = await storage.read.appointments.occupancy('l-a', from, Number.MAX_SAFE_INTEGER, now);
    expect(all.map((o) => o.id)).toContain(rows.nextDay?.id);
    expect(all.map((o) => o.id)).not.toContain(rows.otherOffice?.id);
  });

  it('a drawn reference or check-in code that is taken is redrawn, and the transaction goes on', async () => {
    const h = harness();
    const { storage } = h;
    const s = await ids(h);
    const first = await storage.write((tx) =>
      book(tx, draft({ startsAt: at('2026-12-04T09:00:00Z'), counterId: s.c1 }), s.passport),
    );
    // First the taken reference with a free code, then a free reference with the taken code, then both free.
    const references = [first.reference, 'RFRESH000001', 'RFRESH000001'];
    const codes = ['777001', first.checkInCode ?? '', '777002'];
    const draws = { reference: 0, checkInCode: 0 };
    const [second, third] = await storage.write(async (tx) => {
      const second = await book(tx, draft({ startsAt: at('2026-12-04T09:30:00Z'), counterId: s.c1 }), s.passport, {
        reference: () => references[draws.reference++] ?? 'X',
        checkInCode: () => codes[draws.checkInCode++] ?? 'X',
      });
      // Later statements of the same transaction still run (on PostgreSQL a failed one would abort it).
      const third = await book(tx, draft({ startsAt: at('2026-12-04T10:00:00Z'), counterId: s.c1 }), s.passport);
      return [second, third];
    });
    expect(second.reference).toBe('RFRESH000001');
    expect(second.checkInCode).toBe('777002');
    expect(draws).toEqual({ reference: 3, checkInCode: 3 });
    expect((await storage.read.appointments.byReference('RFRESH000001'))?.appointment.checkInCode).toBe('777002');
    expect(await storage.read.appointments.byId(third.id)).not.toBeNull();
    // The same code on another day of the office is no collision.
    const otherDay = await storage.write((tx) =>
      book(tx, draft({ startsAt: at('2026-12-05T09:00:00Z'), counterId: s.c1 }), s.passport, {
        reference: fresh().reference,
        checkInCode: () => first.checkInCode ?? '',
      }),
    );
    expect(otherDay.checkInCode).toBe(first.checkInCode);
  });

  it('search: one location, by reference, by name or e-mail (case-insensitive, wildcards literal), by start, limited', async () => {
    const h = harness();
    const { storage } = h;
    const s = await ids(h);
    const day = (hh: string) => at(`2026-12-07T${hh}:00Z`);
    const [a, b, c] = await storage.write(async (tx) => [
      await book(
        tx,
        draft({ startsAt: day('10:00'), counterId: s.c1, customerName: 'Zoë 100%_Jansen', customerEmail: 'z@x.nl' }),
        s.passport,
      ),
      await book(
        tx,
        draft({ startsAt: day('09:00'), counterId: s.c2, customerName: 'Piet', customerEmail: 'PIET@Search.example' }),
        s.passport,
      ),
      await book(
        tx,
        draft({ startsAt: day('11:00'), counterId: s.c1, customerName: 'Zoë 1000 Jansen', customerEmail: 'q@x.nl' }),
        s.passport,
      ),
    ]);
    const search = (q: Partial<Parameters<Repositories['appointments']['search']>[0]>) =>
      storage.read.appointments
        .search({ locationId: 'l-a', limit: 50, from: day('00:00').getTime(), to: day('23:59').getTime(), ...q })
        .then((r) => r.map((d) => d.appointment.id));
    expect(await search({ reference: b?.reference })).toEqual([b?.id]);
    expect(await search({ text: 'search.EXAMPLE' })).toEqual([b?.id]);
    expect(await search({ text: 'jansen' })).toEqual([a?.id, c?.id]);
    expect(await search({ text: '100%_' })).toEqual([a?.id]);
    expect(await search({ text: '10_0' })).toEqual([]);
    expect(await search({})).toEqual([b?.id, a?.id, c?.id]);
    expect(await search({ limit: 2 })).toEqual([b?.id, a?.id]);
    expect(await search({ from: day('10:00').getTime(), to: day('11:00').getTime() })).toEqual([a?.id]);
    expect(await search({ locationId: 'l-b' })).toEqual([]);
    const [details] = await storage.read.appointments.search({ locationId: 'l-a', reference: a?.reference, limit: 1 });
    expect(details?.items.map((i) => i.service.code)).toEqual(['passport']);
  });

  it('reminders: booked with an address, in the window, none sent yet; marked once; a reschedule clears it', async () => {
    const h = harness();
    const { storage } = h;
    const s = await ids(h);
    const day = (hh: string) => at(`2026-12-09T${hh}:00Z`);
    const window = [{ locationId: 'l-a', from: day('00:00').getTime(), to: at('2026-12-10T00:00:00Z').getTime() }];
    const due = await storage.write(async (tx) => {
      // Not due: no address to send to, cancelled, another day.
      await book(tx, draft({ startsAt: day('10:00'), counterId: s.c1, customerEmail: null }), s.passport);
      await book(tx, draft({ startsAt: day('11:00'), counterId: s.c1, status: 'cancelled' }), s.passport);
      await book(tx, draft({ startsAt: at('2026-12-08T12:00:00Z'), counterId: s.c2 }), s.passport);
      return book(tx, draft({ startsAt: day('09:00'), counterId: s.c1 }), s.passport);
    });
    const claimed = await storage.write(async (tx) => {
      const rows = await tx.appointments.dueForReminder(window);
      await tx.appointments.markReminded(
        rows.map((r) => r.appointment.id),
        t0,
      );
      return rows;
    });
    expect(claimed.map((r) => r.appointment.id)).toEqual([due?.id]);
    expect(claimed[0]?.items.map((i) => i.service.code)).toEqual(['passport']);
    expect((await storage.read.appointments.byId(due?.id ?? 0))?.appointment.reminderSentAt).toEqual(t0);
    expect(await storage.write((tx) => tx.appointments.dueForReminder(window))).toEqual([]);
    expect(await storage.write((tx) => tx.appointments.dueForReminder([]))).toEqual([]);

    // Moved within the window: the reminder is due again.
    await storage.write((tx) =>
      tx.appointments.reschedule(
        due?.id ?? 0,
        { startsAt: day('12:00'), endsAt: day('12:20'), counterId: s.c1, serviceDate: '2026-12-09' },
        () => '999999',
      ),
    );
    const again = await storage.write((tx) => tx.appointments.dueForReminder(window));
    expect(again.map((r) => r.appointment.id)).toEqual([due?.id]);
    await storage.write((tx) => tx.appointments.markReminded([due?.id ?? 0], t0));
  });

  it('booking counts: the address as typed, the mailbox and the phone per municipality, future and active only; day velocity', async () => {
    const h = harness();
    const { storage } = h;
    const s = await ids(h);
    const now = t0;
    const day = (hh: string) => at(`2026-12-10T${hh}:00Z`);
    const who = { customerEmail: 'Cap.Test+a@gmail.com', mailboxKey: 'captest@gmail.com', phoneKey: '0612345678' };
    await storage.write(async (tx) => {
      await book(tx, draft({ startsAt: day('09:00'), counterId: s.c1, ...who }), s.passport);
      await book(
        tx,
        draft({ startsAt: day('09:30'), counterId: s.c1, ...who, customerEmail: 'other@gmail.com' }),
        s.passport,
      );
      await book(
        tx,
        draft({
          startsAt: day('10:00'),
          counterId: s.c1,
          ...who,
          status: 'held',
          holdExpiresAt: new Date(now.getTime() + MIN),
        }),
        s.passport,
      );
      // Not counted: a lapsed hold, a cancelled one, one in the past, one of another municipality's mailbox.
      await book(
        tx,
        draft({ startsAt: day('10:30'), counterId: s.c1, ...who, status: 'held', holdExpiresAt: now }),
        s.passport,
      );
      await book(tx, draft({ startsAt: day('11:00'), counterId: s.c1, ...who, status: 'cancelled' }), s.passport);
      await book(tx, draft({ startsAt: at('2026-11-20T09:00:00Z'), counterId: s.c1, ...who }), s.passport);
      await book(
        tx,
        draft({
          startsAt: day('09:00'),
          counterId: s.c3,
          locationId: 'l-b',
          ...who,
          municipalityId: 'm2',
          channel: 'phone',
        }),
        s.passport,
      );
    });
    const counts = await storage.write((tx) =>
      tx.appointments.bookingCounts(
        {
          municipalityId: 'm1',
          email: 'Cap.Test+a@gmail.com',
          mailboxKey: 'captest@gmail.com',
          phoneKey: '0612345678',
          day: {
            locationId: 'l-a',
            from: day('00:00').getTime(),
            to: day('23:59').getTime(),
            createdAfter: now.getTime() - MIN,
          },
        },
        now,
      ),
    );
    // The address as typed counts across municipalities (it is one person's address wherever they book).
    expect(counts).toEqual({
      byEmail: 3,
      byMailbox: 3,
      byPhone: 3,
      dayOnline: { count: 5, oldest: now.getTime() },
    });
    const none = await storage.write((tx) =>
      tx.appointments.bookingCounts(
        { municipalityId: 'm1', email: 'nobody@x.nl', mailboxKey: 'nobody@x.nl', phoneKey: null, day: null },
        now,
      ),
    );
    expect(none).toEqual({ byEmail: 0, byMailbox: 0, byPhone: 0, dayOnline: { count: 0, oldest: null } });
    expect(
      await storage.read.appointments.recentOnlineBookings('l-a', new Date(now.getTime() - MIN)),
    ).toBeGreaterThanOrEqual(5);
    expect(await storage.read.appointments.recentOnlineBookings('l-a', now)).toBe(0);
  });

  it('holds: lapsed ones expire (one location or all), confirmation books only what is still held', async () => {
    const h = harness();
    const { storage } = h;
    const s = await ids(h);
    // Earlier than the other tests' holds, which must not lapse here.
    const now = new Date(t0.getTime() - 10 * MIN);
    const day = (hh: string) => at(`2026-12-11T${hh}:00Z`);
    const hold = (startsAt: Date, counterId: number, holdExpiresAt: Date, locationId = 'l-a') =>
      draft({ startsAt, counterId, locationId, status: 'held', holdExpiresAt, confirmCodeHash: 'code-hash' });
    const [lapsedA, lapsedB, live, other] = await storage.write(async (tx) => [
      await book(tx, hold(day('09:00'), s.c1, now), s.passport),
      await book(tx, hold(day('09:00'), s.c3, new Date(now.getTime() - MIN), 'l-b'), s.passport),
      await book(tx, hold(day('10:00'), s.c1, new Date(now.getTime() + MIN)), s.passport),
      await book(tx, hold(day('11:00'), s.c1, new Date(now.getTime() + MIN)), s.passport),
    ]);
    expect(await storage.write((tx) => tx.appointments.expireLapsedHolds(now, 'l-a'))).toEqual([
      { appointmentId: lapsedA?.id, locationId: 'l-a' },
    ]);
    expect(await storage.write((tx) => tx.appointments.expireLapsedHolds(now))).toEqual([
      { appointmentId: lapsedB?.id, locationId: 'l-b' },
    ]);
    expect(await storage.write((tx) => tx.appointments.expireLapsedHolds(now))).toEqual([]);
    const expired = await storage.read.appointments.byId(lapsedA?.id ?? 0);
    expect(expired?.appointment).toMatchObject({ status: 'expired', confirmCodeHash: null });

    const confirmedAt = new Date(now.getTime() + 1000);
    await storage.write((tx) => tx.appointments.confirmHolds([live?.id ?? 0, lapsedA?.id ?? 0], confirmedAt));
    expect((await storage.read.appointments.byId(live?.id ?? 0))?.appointment).toMatchObject({
      status: 'booked',
      confirmedAt,
      holdExpiresAt: null,
      confirmCodeHash: null,
    });
    expect((await storage.read.appointments.byId(lapsedA?.id ?? 0))?.appointment.status).toBe('expired');
    expect((await storage.read.appointments.byId(other?.id ?? 0))?.appointment.status).toBe('held');
  });

  it('moves between counters (a swap included), cancellation, and a reschedule that carries the check-in code', async () => {
    const h = harness();
    const { storage } = h;
    const s = await ids(h);
    const day = (hh: string) => at(`2026-12-14T${hh}:00Z`);
    const [x, y] = await storage.write(async (tx) => [
      await book(tx, draft({ startsAt: day('09:00'), counterId: s.c1 }), s.passport),
      await book(tx, draft({ startsAt: day('09:00'), counterId: s.c2 }), s.pickup),
    ]);
    // Each takes the other's counter at the same time: only the end state is free of overlaps.
    await storage.write((tx) =>
      tx.appointments.moveToCounters([
        { appointmentId: x?.id ?? 0, counterId: s.c2 },
        { appointmentId: y?.id ?? 0, counterId: s.c1 },
      ]),
    );
    expect((await storage.read.appointments.byId(x?.id ?? 0))?.appointment.counterId).toBe(s.c2);
    expect((await storage.read.appointments.byId(y?.id ?? 0))?.appointment.counterId).toBe(s.c1);
    await storage.write((tx) => tx.appointments.moveToCounters([]));

    // Same day: the code stays. Another day where the code is free: it stays. Taken there: redrawn.
    const sameDay = await storage.write((tx) =>
      tx.appointments.reschedule(
        x?.id ?? 0,
        { startsAt: day('13:00'), endsAt: day('13:20'), counterId: s.c1, serviceDate: '2026-12-14' },
        () => '000000',
      ),
    );
    expect(sameDay).toMatchObject({ startsAt: day('13:00'), endsAt: day('13:20'), counterId: s.c1 });
    expect(sameDay.checkInCode).toBe(x?.checkInCode);
    const nextDay = (hh: string) => at(`2026-12-15T${hh}:00Z`);
    const moved = await storage.write((tx) =>
      tx.appointments.reschedule(
        x?.id ?? 0,
        { startsAt: nextDay('09:00'), endsAt: nextDay('09:20'), counterId: s.c1, serviceDate: '2026-12-15' },
        () => '000000',
      ),
    );
    expect(moved).toMatchObject({ serviceDate: '2026-12-15', checkInCode: x?.checkInCode, reminderSentAt: null });
    expect(await storage.read.appointments.byId(x?.id ?? 0).then((d) => d?.appointment)).toEqual(moved);
    const blocker = await storage.write((tx) =>
      book(tx, draft({ startsAt: at('2026-12-16T09:00:00Z'), counterId: s.c2 }), s.passport, {
        reference: fresh().reference,
        checkInCode: () => x?.checkInCode ?? '',
      }),
    );
    let redraws = 0;
    const redrawn = await storage.write((tx) =>
      tx.appointments.reschedule(
        x?.id ?? 0,
        {
          startsAt: at('2026-12-16T09:00:00Z'),
          endsAt: at('2026-12-16T09:20:00Z'),
          counterId: s.c1,
          serviceDate: '2026-12-16',
        },
        () => [blocker.checkInCode ?? '', '555001'][redraws++] ?? 'X',
      ),
    );
    expect(redrawn.checkInCode).toBe('555001');
    expect(redraws).toBe(2);

    const cancelledAt = new Date(t0.getTime() + 5000);
    await storage.write((tx) => tx.appointments.cancel([x?.id ?? 0, y?.id ?? 0], cancelledAt));
    await storage.write((tx) => tx.appointments.cancel([], cancelledAt));
    for (const id of [x?.id, y?.id])
      expect((await storage.read.appointments.byId(id ?? 0))?.appointment).toMatchObject({
        status: 'cancelled',
        cancelledAt,
      });
  });

  it('challenges are spent once and swept after expiry; idempotency answers are kept, read and swept', async () => {
    const h = harness();
    const { storage } = h;
    const s = await ids(h);
    const expiresAt = new Date(t0.getTime() + 10 * MIN);
    expect(await storage.write((tx) => tx.appointments.spendChallenge('ch-1', expiresAt))).toBe(true);
    expect(await storage.write((tx) => tx.appointments.spendChallenge('ch-1', expiresAt))).toBe(false);
    // A failed booking leaves the solution unspent.
    await expect(
      storage.write(async (tx) => {
        await tx.appointments.spendChallenge('ch-2', expiresAt);
        throw new Error('placement failed');
      }),
    ).rejects.toThrow('placement failed');
    expect(await storage.write((tx) => tx.appointments.spendChallenge('ch-2', expiresAt))).toBe(true);
    expect(await storage.write((tx) => tx.appointments.sweepSpentChallenges(t0))).toBe(0);
    expect(await storage.write((tx) => tx.appointments.sweepSpentChallenges(expiresAt))).toBe(2);
    expect(await storage.write((tx) => tx.appointments.spendChallenge('ch-1', expiresAt))).toBe(true);

    const row = await storage.write((tx) =>
      book(tx, draft({ startsAt: at('2026-12-17T09:00:00Z'), counterId: s.c1 }), s.passport),
    );
    expect(await storage.write((tx) => tx.appointments.bookingAnswer('key-1'))).toBeNull();
    await storage.write((tx) =>
      tx.appointments.rememberBookingAnswer({
        keyHash: 'key-1',
        bodyHash: 'body-1',
        appointmentId: row.id,
        response: 'sealed',
        createdAt: t0,
      }),
    );
    expect(await storage.write((tx) => tx.appointments.bookingAnswer('key-1'))).toEqual({
      bodyHash: 'body-1',
      response: 'sealed',
    });
    expect(await storage.write((tx) => tx.appointments.sweepBookingAnswers(new Date(t0.getTime() - 1)))).toBe(0);
    expect(await storage.write((tx) => tx.appointments.sweepBookingAnswers(t0))).toBe(1);
    expect(await storage.write((tx) => tx.appointments.bookingAnswer('key-1'))).toBeNull();
  });

  it('a second booking of an occupied counter and time is refused (SQLite: the trigger; PostgreSQL: the constraint, 409)', async () => {
    const h = harness();
    const { storage } = h;
    const s = await ids(h);
    const startsAt = at('2026-12-18T09:00:00Z');
    const first = await storage.write((tx) => book(tx, draft({ startsAt, counterId: s.c1 }), s.passport));
    const second = storage.write((tx) =>
      book(tx, draft({ startsAt: new Date(startsAt.getTime() + 10 * MIN), counterId: s.c1 }), s.passport),
    );
    if (h.engine === 'postgresql') await expect(second).rejects.toMatchObject({ code: 'slot-unavailable' });
    else await expect(second).rejects.toThrow(/overlaps/);
    expect(await occupiedHour(h, startsAt)).toEqual([first.id]);
  });

  pgOnly(
    'two transactions booking one counter and time at once: exactly one commits, the other gets 409',
    async (h) => {
      const { storage } = h;
      const s = await ids(h);
      const startsAt = at('2027-01-04T09:00:00Z');
      const bothStarted = gate();
      let started = 0;
      // Both are in their transaction before either commits (a retry after a deadlock finds the gate open). The
      // second's insert may wait for the first to commit (the office-day's occupancy version row, migration 0008)
      // and still inserts then: the constraint refuses one of the two at COMMIT.
      const attempt = () =>
        storage.write(async (tx) => {
          if (++started === 2) bothStarted.open();
          await bothStarted.opened;
          return await book(tx, draft({ startsAt, counterId: s.c1 }), s.passport);
        });
      const results = await Promise.allSettled([attempt(), attempt()]);
      const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]).toMatchObject({ code: 'slot-unavailable' });
      expect(await occupiedHour(h, startsAt)).toEqual([won[0]?.id]);
    },
  );

  pgOnly('lockOfficeDays: one transaction at a time per office-day; other days and offices go on', async (h) => {
    const { storage } = h;
    // PostgreSQL takes the day locks with the first statement that reads or writes under them (db/pg/batching.ts).
    const lockDays = async (tx: Repositories, locationId: string, dates: string[]) => {
      await tx.appointments.lockOfficeDays(locationId, dates);
      await tx.appointments.occupancy(locationId, 0, 1, new Date(0));
    };
    const locked = gate();
    const release = gate();
    const order: string[] = [];
    const first = storage.write(async (tx) => {
      await lockDays(tx, 'l-a', ['2027-01-05']);
      order.push('first locked');
      locked.open();
      await release.opened;
      order.push('first done');
    });
    await locked.opened;
    // Other days of the office (in any order) and the same day at another office are not held up.
    const otherDays = storage.write((tx) => lockDays(tx, 'l-a', ['2027-01-07', '2027-01-06']));
    expect(await standing(h, otherDays)).toBe('settled');
    const otherOffice = storage.write((tx) => lockDays(tx, 'l-b', ['2027-01-05']));
    expect(await standing(h, otherOffice)).toBe('settled');
    // The same day (with another) waits until the first transaction ends.
    const sameDay = storage.write(async (tx) => {
      await lockDays(tx, 'l-a', ['2027-01-06', '2027-01-05']);
      order.push('second locked');
    });
    expect(await standing(h, sameDay)).toBe('waiting');
    expect(order).toEqual(['first locked']);
    release.open();
    await Promise.all([first, sameDay]);
    expect(order).toEqual(['first locked', 'first done', 'second locked']);
  });

  pgOnly(
    'the mailbox cap across offices: a second count of one mailbox waits for the first booking to commit',
    async (h) => {
      const { storage } = h;
      const s = await ids(h);
      const query = {
        municipalityId: 'm1',
        email: 'race@example.org',
        mailboxKey: 'race@example.org',
        phoneKey: null,
        day: null,
      };
      const counted = gate();
      const release = gate();
      const first = storage.write(async (tx) => {
        await tx.appointments.lockOfficeDays('l-a', ['2027-01-11']);
        const counts = await tx.appointments.bookingCounts(query, t0);
        await book(
          tx,
          draft({
            startsAt: at('2027-01-11T09:00:00Z'),
            counterId: s.c1,
            customerEmail: 'race@example.org',
            mailboxKey: 'race@example.org',
          }),
          s.passport,
        );
        counted.open();
        await release.opened;
        return counts.byMailbox;
      });
      await counted.opened;
      // Another office, another day: the day locks do not meet, the mailbox lock does.
      const second = storage.write(async (tx) => {
        await tx.appointments.lockOfficeDays('l-b', ['2027-01-12']);
        return (await tx.appointments.bookingCounts(query, t0)).byMailbox;
      });
      expect(await standing(h, second)).toBe('waiting');
      release.open();
      expect(await first).toBe(0);
      expect(await second).toBe(1);
    },
  );

  pgOnly('reminders are claimed once: a second job while the first is open skips its rows', async (h) => {
    const { storage } = h;
    const s = await ids(h);
    const startsAt = at('2027-01-13T09:00:00Z');
    const window = [{ locationId: 'l-a', from: startsAt.getTime(), to: startsAt.getTime() + 86_400_000 }];
    const row = await storage.write((tx) => book(tx, draft({ startsAt, counterId: s.c1 }), s.passport));
    const job = async (tx: Repositories) => {
      const due = await tx.appointments.dueForReminder(window);
      await tx.appointments.markReminded(
        due.map((d) => d.appointment.id),
        t0,
      );
      return due.map((d) => d.appointment.id);
    };
    const claimed = gate();
    const release = gate();
    const first = storage.write(async (tx) => {
      const ids = await job(tx);
      claimed.open();
      await release.opened;
      return ids;
    });
    await claimed.opened;
    const second = storage.write(job);
    expect(await standing(h, second)).toBe('settled');
    release.open();
    expect(await first).toEqual([row.id]);
    expect(await second).toEqual([]);
    expect(await storage.write(job)).toEqual([]);
  });

  pgOnly('a challenge spent by two transactions at once: the second waits and finds it spent', async (h) => {
    const { storage } = h;
    const spent = gate();
    const release = gate();
    const expiresAt = new Date(t0.getTime() + 10 * MIN);
    const first = storage.write(async (tx) => {
      const ok = await tx.appointments.spendChallenge('ch-race', expiresAt);
      spent.open();
      await release.opened;
      return ok;
    });
    await spent.opened;
    const second = storage.write((tx) => tx.appointments.spendChallenge('ch-race', expiresAt));
    expect(await standing(h, second)).toBe('waiting');
    release.open();
    expect([await first, await second]).toEqual([true, false]);
  });

  pgOnly('an Idempotency-Key retried while the first attempt is open waits for its answer', async (h) => {
    const { storage } = h;
    const s = await ids(h);
    const looked = gate();
    const release = gate();
    const first = storage.write(async (tx) => {
      const earlier = await tx.appointments.bookingAnswer('key-race');
      looked.open();
      await release.opened;
      const row = await book(tx, draft({ startsAt: at('2027-01-14T09:00:00Z'), counterId: s.c1 }), s.passport);
      await tx.appointments.rememberBookingAnswer({
        keyHash: 'key-race',
        bodyHash: 'body',
        appointmentId: row.id,
        response: 'sealed-first',
        createdAt: t0,
      });
      return earlier;
    });
    await looked.opened;
    const retry = storage.write((tx) => tx.appointments.bookingAnswer('key-race'));
    expect(await standing(h, retry)).toBe('waiting');
    release.open();
    expect(await first).toBeNull();
    expect(await retry).toEqual({ bodyHash: 'body', response: 'sealed-first' });
  });

  pgOnly(
    'an appointment read in a write transaction is held until it commits: a second changer sees the change',
    async (h) => {
      const { storage } = h;
      const s = await ids(h);
      const row = await storage.write((tx) =>
        book(tx, draft({ startsAt: at('2027-01-15T09:00:00Z'), counterId: s.c1 }), s.passport),
      );
      const read = gate();
      const release = gate();
      const cancelling = storage.write(async (tx) => {
        const found = await tx.appointments.byReference(row.reference);
        read.open();
        await release.opened;
        await tx.appointments.cancel([found?.appointment.id ?? 0], t0);
      });
      await read.opened;
      // A plain read does not wait; another write transaction's look-up of the same appointment does.
      expect((await storage.read.appointments.byId(row.id))?.appointment.status).toBe('booked');
      const rescheduling = storage.write(async (tx) => (await tx.appointments.byId(row.id))?.appointment.status);
      expect(await standing(h, rescheduling)).toBe('waiting');
      release.open();
      await cancelling;
      expect(await rescheduling).toBe('cancelled');
    },
  );
});
