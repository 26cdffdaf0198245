import { eq } from 'drizzle-orm';
import type { StaffRole } from '../../server/auth/principal.ts';
import { type Db, writeTransaction } from '../client.ts';
import { devices, municipalities, staffLocations, staffUsers } from '../schema/index.ts';

/** The rows the demo access consists of, secrets already hashed: what a storage implementation inserts. */
export interface DemoAccessRows {
  users: {
    municipalityId: string;
    username: string;
    displayName: string;
    role: StaffRole;
    passwordHash: string;
    locations: string[];
  }[];
  devices: {
    municipalityId: string;
    locationId: string;
    kind: 'kiosk' | 'display';
    name: string;
    tokenHash: string;
    pairedAt: Date;
  }[];
}

/** Whether the demo access can be seeded: the demo municipality exists and its users do not yet. */
export function demoAccessMissing(db: Db, municipalityId: string, adminUsername: string): boolean {
  if (!db.select().from(municipalities).where(eq(municipalities.id, municipalityId)).get()) return false;
  return !db.select().from(staffUsers).where(eq(staffUsers.username, adminUsername)).get();
}

/** Inserts the demo users (with their offices) and devices in one transaction. */
export function insertDemoAccess(db: Db, rows: DemoAccessRows): void {
  writeTransaction(db, (tx) => {
    for (const { locations, ...user } of rows.users) {
      const row = tx.insert(staffUsers).values(user).returning({ id: staffUsers.id }).get();
      for (const locationId of locations) tx.insert(staffLocations).values({ userId: row.id, locationId }).run();
    }
    for (const device of rows.devices) tx.insert(devices).values(device).run();
  });
}
