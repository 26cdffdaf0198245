import type { EngineContext } from './context.ts';

let counter = 0;

/**
 * An appointment row for queue tests (check-in), written directly on either engine: the booking engine is
 * tested on its own; here only the check-in rules matter. Goes to the location's first counter.
 */
export async function insertAppointment(
  ctx: Pick<EngineContext, 'sql'>,
  input: { locationId?: string; startsAt: string; services?: { code: string; persons: number }[]; reference?: string },
): Promise<{ id: number; reference: string }> {
  const locationId = input.locationId ?? 'haarlem-zijlsingel';
  counter += 1;
  const reference = input.reference ?? `TST${String(counter).padStart(5, '0')}`;
  const items = input.services ?? [{ code: 'passport', persons: 1 }];
  const [desk] = await ctx.sql.rows<{ id: number }>(
    'SELECT id FROM counters WHERE location_id = ? ORDER BY id LIMIT 1',
    [locationId],
  );
  if (!desk) throw new Error('no counter');
  const serviceIds: number[] = [];
  for (const item of items) {
    const [service] = await ctx.sql.rows<{ id: number }>(
      'SELECT id FROM services WHERE municipality_id = ? AND code = ?',
      ['haarlem', item.code],
    );
    if (!service) throw new Error(`no service ${item.code}`);
    serviceIds.push(service.id);
  }
  const startsAt = new Date(input.startsAt);
  const [row] = await ctx.sql.rows<{ id: number }>(
    `INSERT INTO appointments (municipality_id, location_id, reference, manage_token_hash, starts_at, ends_at,
       counter_id, channel, customer_name, customer_email, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'online', 'Test Inwoner', 'test@example.org', ?) RETURNING id`,
    [
      'haarlem',
      locationId,
      reference,
      `hash-${reference}`,
      ctx.sql.instant(startsAt),
      ctx.sql.instant(new Date(startsAt.getTime() + 10 * 60_000)),
      desk.id,
      ctx.sql.instant(new Date('2026-11-01T10:00:00Z')),
    ],
  );
  if (!row) throw new Error('insert returned no row');
  const id = Number(row.id);
  for (const [i, item] of items.entries()) {
    await ctx.sql.exec('INSERT INTO appointment_items (appointment_id, service_id, persons) VALUES (?, ?, ?)', [
      id,
      serviceIds[i],
      item.persons,
    ]);
  }
  return { id, reference };
}

/** Counter ids of a location by name ("Balie 1" → id). */
export async function counterIds(
  ctx: Pick<EngineContext, 'sql'>,
  locationId = 'haarlem-zijlsingel',
): Promise<Map<string, number>> {
  const rows = await ctx.sql.rows<{ id: number; name: string }>('SELECT id, name FROM counters WHERE location_id = ?', [
    locationId,
  ]);
  return new Map(rows.map((c) => [c.name, Number(c.id)]));
}

/**
 * Appointment rows with their items as fixed placements of the allocation engine, for findViolations to check
 * invariant 1 (ARCHITECTURE.md#invariants) on what the database holds.
 */
export function placementsOf(
  rows: readonly { id: number; counterId: number; startsAt: Date; endsAt: Date }[],
  items: readonly { appointmentId: number; serviceId: number }[],
) {
  return rows.map((r) => ({
    id: r.id,
    counterId: r.counterId,
    start: r.startsAt.getTime(),
    end: r.endsAt.getTime(),
    serviceIds: items.filter((i) => i.appointmentId === r.id).map((i) => i.serviceId),
    movable: false,
  }));
}
