import { inArray } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeTransaction } from '../../db/client.ts';
import { appointmentItems, appointments } from '../../db/schema/index.ts';
import { loadOffice } from '../../db/sqlite/office.ts';
import { AppError } from '../../server/errors.ts';
import { findViolations } from '../../server/scheduling/allocation.ts';
import { bookAppointment } from '../../server/scheduling/book-appointment.ts';
import { localDateOf } from '../../server/scheduling/calendar.ts';
import { closedSet, engineCounters, planOffice } from '../../server/scheduling/day-plans.ts';
import { cancelAppointment, rescheduleAppointment } from '../../server/scheduling/manage-appointment.ts';
import { placementsOf } from '../helpers/appointments.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';

// 24 Dec (Thursday, long day) to 29 Dec 2026 spans Christmas, Boxing Day and a weekend.
const DAYS = ['2026-12-23', '2026-12-24', '2026-12-25', '2026-12-26', '2026-12-28', '2026-12-29'];
const MIXES = [
  [{ code: 'passport', persons: 1 }],
  [{ code: 'passport', persons: 3 }],
  [{ code: 'driving-licence', persons: 2 }],
  [{ code: 'birth', persons: 1 }],
  [
    { code: 'id-card', persons: 1 },
    { code: 'driving-licence', persons: 1 },
  ],
  [{ code: 'pickup', persons: 2 }],
];

function checkRuleOne(ctx: TestContext, locationId: string): void {
  const office = loadOffice(ctx.db, locationId);
  if (!office) throw new Error('no office');
  const rows = ctx.db
    .select()
    .from(appointments)
    .where(inArray(appointments.status, ['booked', 'checked-in']))
    .all()
    .filter((r) => r.locationId === locationId);
  const items = ctx.db.select().from(appointmentItems).all();
  const closed = closedSet(office, DAYS[0] as string, DAYS.at(-1) as string);
  const plans = planOffice(office, DAYS[0] as string, DAYS.at(-1) as string);
  for (const [date, plan] of plans) {
    const today = rows.filter((r) => localDateOf(r.startsAt, office.location.timeZone) === date);
    if (closed.has(date)) expect(today).toEqual([]);
    const list = placementsOf(today, items);
    expect(findViolations(engineCounters(office, plan), list, office.location.walkInShare)).toEqual([]);
  }
}

describe('property: bookings, moves, reschedules and cancellations through the database keep invariant 1', () => {
  it('holds for random request streams at both offices', async () => {
    const op = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant('book' as const),
          location: fc.constantFrom('haarlem-zijlsingel', 'haarlem-schalkwijk'),
          day: fc.constantFrom(...DAYS),
          slot: fc.integer({ min: 0, max: 12 * 9 }),
          mix: fc.integer({ min: 0, max: MIXES.length - 1 }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('move' as const),
          pick: fc.nat(),
          day: fc.constantFrom(...DAYS),
          slot: fc.integer({ min: 0, max: 12 * 9 }),
        }),
      },
    );
    const at = (day: string, slot: number) => {
      const minute = 11 * 60 + slot * 5;
      return `${day}T${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00+01:00`;
    };
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 80 }), async (ops) => {
        const ctx = createTestContext({
          now: '2026-12-22T08:00:00Z',
          config: { MAX_ACTIVE_BOOKINGS_PER_EMAIL: 100 },
        });
        const booked: { reference: string; token: string }[] = [];
        let accepted = 0;
        for (const o of ops) {
          try {
            if (o.kind === 'book') {
              const r = await bookAppointment(ctx, {
                locationId: o.location,
                services: MIXES[o.mix] ?? [],
                start: at(o.day, o.slot),
                customer: { name: 'P', email: 'p@example.nl' },
              });
              booked.push({ reference: r.reference, token: r.manageToken });
              accepted++;
            } else if (booked.length > 0) {
              const b = booked[o.pick % booked.length] as { reference: string; token: string };
              if (o.kind === 'cancel') await cancelAppointment(ctx, { reference: b.reference, token: b.token });
              else
                await rescheduleAppointment(ctx, { reference: b.reference, token: b.token, start: at(o.day, o.slot) });
            }
          } catch (err) {
            if (!(err instanceof AppError)) throw err;
            expect(['slot-unavailable', 'invalid-state', 'validation-failed']).toContain(err.code);
          }
        }
        checkRuleOne(ctx, 'haarlem-zijlsingel');
        checkRuleOne(ctx, 'haarlem-schalkwijk');
        ctx.db.$client.close();
        return accepted >= 0;
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});

describe('database defence in depth', () => {
  it('refuses an overlapping active appointment on one counter, whoever writes it', async () => {
    const ctx = createTestContext();
    const r = await bookAppointment(ctx, {
      locationId: 'haarlem-zijlsingel',
      services: [{ code: 'birth', persons: 1 }],
      start: '2026-11-24T11:00:00+01:00',
      customer: { name: 'A', email: 'a@example.nl' },
    });
    const row = ctx.db
      .select()
      .from(appointments)
      .all()
      .find((a) => a.reference === r.reference);
    if (!row) throw new Error('not stored');
    expect(() =>
      writeTransaction(ctx.db, (tx) =>
        tx
          .insert(appointments)
          .values({
            ...row,
            id: undefined,
            reference: 'XXXXXXXXXXXX',
            checkInCode: null,
            startsAt: new Date(row.startsAt.getTime() + 5 * 60_000),
          })
          .run(),
      ),
    ).toThrow(/overlaps/);
    // A cancelled one does not block.
    writeTransaction(ctx.db, (tx) =>
      tx
        .insert(appointments)
        .values({ ...row, id: undefined, reference: 'YYYYYYYYYYYY', checkInCode: null, status: 'cancelled' })
        .run(),
    );
  });
});
