import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { locations, municipalities } from './tenancy.ts';

export const staffRoles = ['agent', 'supervisor', 'admin'] as const;

export const staffUsers = pgTable(
  'staff_users',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    municipalityId: text()
      .notNull()
      .references(() => municipalities.id),
    username: text().notNull(),
    displayName: text().notNull(),
    role: text({ enum: staffRoles }).notNull(),
    passwordHash: text().notNull(),
    active: boolean().notNull().default(true),
  },
  (t) => [uniqueIndex('staff_users_username').on(t.username)],
);

/** Locations an agent or supervisor works at; admins reach every location of their municipality. */
export const staffLocations = pgTable(
  'staff_locations',
  {
    userId: integer()
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    locationId: text()
      .notNull()
      .references(() => locations.id),
    /** PostgreSQL only: the assignment order (SQLite reads it from the rowid); the first is the home office. */
    assignedOrder: integer().notNull().generatedAlwaysAsIdentity(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.locationId] })],
);

export const staffSessions = pgTable(
  'staff_sessions',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    userId: integer()
      .notNull()
      .references(() => staffUsers.id),
    tokenHash: text().notNull(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    expiresAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    revokedAt: timestamp({ withTimezone: true, precision: 3 }),
  },
  (t) => [uniqueIndex('staff_sessions_token').on(t.tokenHash)],
);

/**
 * A paired kiosk or display, bound to one location, with its own revocable token. Paired devices
 * always get a fresh random token; only the demo seed lets the Zijlsingel kiosk and display share the
 * configured LOKET_DEMO_DEVICE_TOKEN, so the token index is not unique.
 */
export const devices = pgTable(
  'devices',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    municipalityId: text()
      .notNull()
      .references(() => municipalities.id),
    locationId: text()
      .notNull()
      .references(() => locations.id),
    kind: text({ enum: ['kiosk', 'display'] }).notNull(),
    name: text().notNull(),
    tokenHash: text().notNull(),
    pairedAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    revokedAt: timestamp({ withTimezone: true, precision: 3 }),
    lastSeenAt: timestamp({ withTimezone: true, precision: 3 }),
  },
  (t) => [index('devices_token').on(t.tokenHash)],
);

/** One-time codes a supervisor creates to pair a device. */
export const pairingCodes = pgTable(
  'pairing_codes',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    codeHash: text().notNull(),
    locationId: text()
      .notNull()
      .references(() => locations.id),
    kind: text({ enum: ['kiosk', 'display'] }).notNull(),
    name: text().notNull(),
    createdBy: integer().notNull(),
    expiresAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    usedAt: timestamp({ withTimezone: true, precision: 3 }),
  },
  (t) => [uniqueIndex('pairing_codes_code').on(t.codeHash)],
);

/** Who did what, when and where. Never citizen data. */
export const auditEntries = pgTable(
  'audit_entries',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    municipalityId: text().notNull(),
    actorType: text({ enum: ['staff', 'device', 'api-client', 'system'] }).notNull(),
    actorId: integer(),
    action: text().notNull(),
    targetType: text(),
    targetId: text(),
    locationId: text(),
    at: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    details: jsonb().$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_entries_at').on(t.municipalityId, t.at)],
);
