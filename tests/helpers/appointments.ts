import { and, eq } from 'drizzle-orm';
import { writeTransaction } from '../../db/client.ts';
import { appointmentItems, appointments, counters, services } from '../../db/schema/index.ts';
import type { TestContext } from './context.ts';

let counter = 0;

/**
 * An appointment row for queue tests (check-in), written directly: the booking engine is tested on
 * its own; here only the check-in rules matter.
 */
export function insertAppointment(
  ctx: TestContext,
  input: { locationId?: string; startsAt: string; services?: { code: string; persons: number }[]; reference?: string },
): { id: number; reference: string } {
  const locationId = input.locationId ?? 'haarlem-zijlsingel';
  counter += 1;
  const reference = input.reference ?? `TST${String(counter).padStart(5, '0')}`;
  const items = input.services ?? [{ code: 'passport', persons: 1 }];
  return writeTransaction(ctx.db, (tx) => {
    const desk = tx.select().from(counters).where(eq(counters.locationId, locationId)).get();
    if (!desk) throw new Error('no counter');
    const startsAt = new Date(input.startsAt);
    const row = tx
      .insert(appointments)
      .values({
        municipalityId: 'haarlem',
        locationId,
        reference,
        manageTokenHash: `hash-${reference}`,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 10 * 60_000),
        counterId: desk.id,
        channel: 'online',
        customerName: 'Test Inwoner',
        customerEmail: 'test@example.org',
        createdAt: new Date('2026-11-01T10:00:00Z'),
      })
      .returning({ id: appointments.id })
      .get();
    for (const item of items) {
      const service = tx
        .select()
        .from(services)
        .where(and(eq(services.municipalityId, 'haarlem'), eq(services.code, item.code)))
        .get();
      if (!service) throw new Error(`no service ${item.code}`);
      tx.insert(appointmentItems).values({ appointmentId: row.id, serviceId: service.id, persons: item.persons }).run();
    }
    return { id: row.id, reference };
  });
}

/** Counter ids of a location by name ("Balie 1" → id). */
export function counterIds(ctx: TestContext, locationId = 'haarlem-zijlsingel'): Map<string, number> {
  return new Map(
    ctx.db
      .select()
      .from(counters)
      .where(eq(counters.locationId, locationId))
      .all()
      .map((c) => [c.name, c.id]),
  );
}
