import { eq } from 'drizzle-orm';
import { type Db, writeTransaction } from '../../db/client.ts';
import { planDemoAccess } from '../../db/demo-access.ts';
import { prepareSqliteDatabase } from '../../db/migrate.ts';
import {
  counterSkills,
  counters,
  devices,
  locationServices,
  locations,
  services,
  staffSessions,
  staffUsers,
  ticketItems,
  tickets,
} from '../../db/schema/index.ts';
import { DEMO_LOCATIONS, DEMO_MUNICIPALITY } from '../../db/seed.ts';
import { generateToken, hashToken } from '../../server/auth/tokens.ts';
import type { Config } from '../../server/config.ts';
import { serviceDateOf } from '../../server/queue/queue-model.ts';

/**
 * Bench fixtures written straight into the database: many offices (each a copy of the Zijlsingel's
 * services), counters open with demo-admin as operator, a display token per office, waiting tickets.
 * The hub is what is measured, so tickets are inserted directly rather than through the kiosk API.
 */
export interface BenchLocation {
  id: string;
  displayToken: string;
  counterIds: number[];
}

export function seedBase(db: Db, config: Config, now: Date): void {
  prepareSqliteDatabase(db, { seedDemo: true, demoAccess: planDemoAccess(config, now).rows });
}

export function addLocations(
  db: Db,
  input: { prefix: string; count: number; countersPerLocation: number; ticketsPerLocation: number; now: Date },
): BenchLocation[] {
  const template = db.select().from(locations).where(eq(locations.id, DEMO_LOCATIONS.stadhuis)).get();
  if (!template) throw new Error('seed the demo first');
  const adminId = db.select().from(staffUsers).where(eq(staffUsers.username, 'demo-admin')).get()?.id ?? null;
  const offered = db.select().from(locationServices).where(eq(locationServices.locationId, template.id)).all();
  const passport = db.select().from(services).where(eq(services.code, 'passport')).get();
  if (!passport) throw new Error('no passport service');
  const serviceDate = serviceDateOf(input.now, template.timeZone);
  const out: BenchLocation[] = [];
  writeTransaction(db, (tx) => {
    for (let i = 1; i <= input.count; i++) {
      const id = `${input.prefix}-${i}`;
      tx.insert(locations)
        .values({ ...template, id, name: `Bench ${input.prefix} ${i}`, municipalityId: DEMO_MUNICIPALITY })
        .run();
      tx.insert(locationServices)
        .values(offered.map((o) => ({ ...o, locationId: id })))
        .run();
      const counterIds: number[] = [];
      for (let c = 1; c <= input.countersPerLocation; c++) {
        const row = tx
          .insert(counters)
          .values({ locationId: id, name: `Balie ${c}`, state: 'open', agentId: adminId, stateSince: input.now })
          .returning({ id: counters.id })
          .get();
        tx.insert(counterSkills).values({ counterId: row.id, serviceId: passport.id }).run();
        counterIds.push(row.id);
      }
      const displayToken = `bench-display-${id}-${Math.random().toString(36).slice(2)}`;
      tx.insert(devices)
        .values({
          municipalityId: DEMO_MUNICIPALITY,
          locationId: id,
          kind: 'display',
          name: `Bench display ${i}`,
          tokenHash: hashToken(displayToken),
          pairedAt: input.now,
        })
        .run();
      for (let t = 1; t <= input.ticketsPerLocation; t++) {
        const issuedAt = new Date(input.now.getTime() - (input.ticketsPerLocation - t + 1) * 1000);
        const ticket = tx
          .insert(tickets)
          .values({
            municipalityId: DEMO_MUNICIPALITY,
            locationId: id,
            serviceDate,
            number: `P${String(t).padStart(3, '0')}`,
            letter: 'P',
            sequence: t,
            publicId: `${id}-${t}-publicid-xxxxxxxx`.slice(0, 40).replace(/[^A-Za-z0-9_-]/g, '_'),
            source: 'kiosk',
            issuedAt,
            queuedAt: issuedAt,
          })
          .returning({ id: tickets.id })
          .get();
        tx.insert(ticketItems).values({ ticketId: ticket.id, serviceId: passport.id, persons: 1 }).run();
      }
      out.push({ id, displayToken, counterIds });
    }
  });
  return out;
}

/** A signed-in session of the demo admin, valid for `ttlMs` from `now`: its bearer token. */
export function adminSessionToken(db: Db, now: Date, ttlMs: number): string {
  const admin = db.select().from(staffUsers).where(eq(staffUsers.username, 'demo-admin')).get();
  const token = generateToken();
  db.insert(staffSessions)
    .values({
      userId: admin?.id ?? 0,
      tokenHash: hashToken(token),
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttlMs),
    })
    .run();
  return token;
}
