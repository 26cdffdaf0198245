import { eq } from 'drizzle-orm';
import { DEMO_ADMIN, type DemoAccessRows } from '../demo-access.ts';
import {
  DEMO_BRIDGE_DAYS,
  DEMO_FEES,
  DEMO_MUNICIPALITY,
  DEMO_PROFILE,
  demoLocationRows,
  demoLocationServiceRows,
  demoScheduleRules,
  demoServiceRow,
  type Mode,
  officePlans,
  SEED_FROM,
  serviceRows,
  THURSDAY,
  WEEKDAYS,
} from '../seed.ts';
import type { PgDb } from './client.ts';
import {
  closures,
  counterSkills,
  counters,
  devices,
  locationServices,
  locations,
  municipalities,
  municipalityProfiles,
  rosterRules,
  scheduleRules,
  serviceFees,
  services,
  staffLocations,
  staffUsers,
} from './schema/index.ts';

/**
 * The demo municipality on PostgreSQL: the same rows as `db/seed.ts` (its data is shared), inserted in
 * the same order so ids match. `tx` must be a transaction (db/pg/migrate.ts runs it in one, under the
 * migration lock): the seed is all there or not at all. Returns false when the municipality was there.
 */
export async function seedDemoPg(tx: PgDb): Promise<boolean> {
  const present = await tx
    .select({ id: municipalities.id })
    .from(municipalities)
    .where(eq(municipalities.id, DEMO_MUNICIPALITY));
  if (present.length > 0) return false;

  await tx.insert(municipalities).values({ id: DEMO_MUNICIPALITY, name: 'Gemeente Haarlem' });
  await tx.insert(municipalityProfiles).values(DEMO_PROFILE);
  await tx.insert(locations).values(demoLocationRows);
  const serviceIds = new Map<string, number>();
  for (const [sortOrder, row] of serviceRows.entries()) {
    const [inserted] = await tx.insert(services).values(demoServiceRow(row, sortOrder)).returning({ id: services.id });
    if (inserted) serviceIds.set(row.code, inserted.id);
  }
  const idOf = (code: string) => {
    const id = serviceIds.get(code);
    if (id === undefined) throw new Error(`seed: unknown service ${code}`);
    return id;
  };
  await tx
    .insert(serviceFees)
    .values(DEMO_FEES.map(([code, ageGroup, amountCents]) => ({ serviceId: idOf(code), ageGroup, amountCents })));

  for (const [locationId, plans] of Object.entries(officePlans)) {
    await tx.insert(locationServices).values(demoLocationServiceRows(locationId, idOf));
    await tx.insert(scheduleRules).values(demoScheduleRules(locationId));
    for (const plan of plans) {
      const [counter] = await tx
        .insert(counters)
        .values({ locationId, name: plan.name })
        .returning({ id: counters.id });
      if (!counter) throw new Error('seed: counter not inserted');
      await tx
        .insert(counterSkills)
        .values(plan.skills.map((code) => ({ counterId: counter.id, serviceId: idOf(code) })));
      const rosters: [string, string, string, Mode | null][] = [
        [WEEKDAYS, '09:00', '11:00', plan.morning],
        [WEEKDAYS, '11:00', '16:00', plan.day],
        [THURSDAY, '16:00', '20:00', plan.evening],
      ];
      const rows = rosters.flatMap(([rrule, startsAt, endsAt, mode]) =>
        mode ? [{ locationId, counterId: counter.id, rrule, startsOn: SEED_FROM, startsAt, endsAt, mode }] : [],
      );
      if (rows.length > 0) await tx.insert(rosterRules).values(rows);
    }
  }
  await tx.insert(closures).values(
    DEMO_BRIDGE_DAYS.map((date) => ({
      municipalityId: DEMO_MUNICIPALITY,
      date,
      kind: 'bridge' as const,
      reason: 'Brugdag',
    })),
  );
  return true;
}

/**
 * The demo access (db/demo-access.ts plans it, secrets hashed) on PostgreSQL, in the caller's
 * transaction: when the demo municipality exists and its admin does not yet. Returns whether it inserted.
 */
export async function insertDemoAccessPg(tx: PgDb, rows: DemoAccessRows, adminUsername = DEMO_ADMIN): Promise<boolean> {
  const [municipality] = await tx
    .select({ id: municipalities.id })
    .from(municipalities)
    .where(eq(municipalities.id, DEMO_MUNICIPALITY));
  if (!municipality) return false;
  const [admin] = await tx.select({ id: staffUsers.id }).from(staffUsers).where(eq(staffUsers.username, adminUsername));
  if (admin) return false;
  for (const { locations: offices, ...user } of rows.users) {
    const [row] = await tx.insert(staffUsers).values(user).returning({ id: staffUsers.id });
    if (!row) throw new Error('seed: user not inserted');
    for (const locationId of offices) await tx.insert(staffLocations).values({ userId: row.id, locationId });
  }
  if (rows.devices.length > 0) await tx.insert(devices).values(rows.devices);
  return true;
}
