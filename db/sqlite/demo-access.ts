import { eq } from 'drizzle-orm';
import { type Db, writeTransaction } from '../client.ts';
import { DEMO_ADMIN, type DemoAccessRows } from '../demo-access.ts';
import { devices, municipalities, staffLocations, staffUsers } from '../schema/index.ts';
import { DEMO_MUNICIPALITY } from '../seed.ts';

/**
 * Inserts the demo users (with their offices) and devices in one transaction, when the demo municipality
 * exists and its access does not yet (the same check as db/pg/seed.ts#insertDemoAccessPg). Returns whether it
 * inserted them, i.e. whether the caller may show the generated secrets.
 */
export function insertDemoAccess(db: Db, rows: DemoAccessRows): boolean {
  return writeTransaction(db, (tx) => {
    if (!tx.select().from(municipalities).where(eq(municipalities.id, DEMO_MUNICIPALITY)).get()) return false;
    if (tx.select().from(staffUsers).where(eq(staffUsers.username, DEMO_ADMIN)).get()) return false;
    for (const { locations, ...user } of rows.users) {
      const row = tx.insert(staffUsers).values(user).returning({ id: staffUsers.id }).get();
      for (const locationId of locations) tx.insert(staffLocations).values({ userId: row.id, locationId }).run();
    }
    for (const device of rows.devices) tx.insert(devices).values(device).run();
    return true;
  });
}
