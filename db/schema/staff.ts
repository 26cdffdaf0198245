import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { locations, municipalities } from './tenancy.ts';

export const staffRoles = ['agent', 'supervisor', 'admin'] as const;

export const staffUsers = sqliteTable(
  'staff_users',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    municipalityId: text()
      .notNull()
      .references(() => municipalities.id),
    username: text().notNull(),
    displayName: text().notNull(),
    role: text({ enum: staffRoles }).notNull(),
    passwordHash: text().notNull(),
    active: integer({ mode: 'boolean' }).notNull().default(true),
  },
  (t) => [uniqueIndex('staff_users_username').on(t.username)],
);

/** Locations an agent or supervisor works at; admins reach every location of their municipality. */
export const staffLocations = sqliteTable(
  'staff_locations',
  {
    userId: integer()
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    locationId: text()
      .notNull()
      .references(() => locations.id),
  },
  (t) => [primaryKey({ columns: [t.userId, t.locationId] })],
);

export const staffSessions = sqliteTable(
  'staff_sessions',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    userId: integer()
      .notNull()
      .references(() => staffUsers.id),
    tokenHash: text().notNull(),
    createdAt: integer({ mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer({ mode: 'timestamp_ms' }).notNull(),
    revokedAt: integer({ mode: 'timestamp_ms' }),
  },
  (t) => [uniqueIndex('staff_sessions_token').on(t.tokenHash)],
);

/**
 * A paired kiosk or display, bound to one location, with its own revocable token. Paired devices
 * always get a fresh random token; only the demo seed lets the Zijlsingel kiosk and display share the
 * configured LOKET_DEMO_DEVICE_TOKEN, so the token index is not unique.
 */
export const devices = sqliteTable(
  'devices',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    municipalityId: text()
      .notNull()
      .references(() => municipalities.id),
    locationId: text()
      .notNull()
      .references(() => locations.id),
    kind: text({ enum: ['kiosk', 'display'] }).notNull(),
    name: text().notNull(),
    tokenHash: text().notNull(),
    pairedAt: integer({ mode: 'timestamp_ms' }).notNull(),
    revokedAt: integer({ mode: 'timestamp_ms' }),
    lastSeenAt: integer({ mode: 'timestamp_ms' }),
  },
  (t) => [index('devices_token').on(t.tokenHash)],
);

/** One-time codes a supervisor creates to pair a device. */
export const pairingCodes = sqliteTable(
  'pairing_codes',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    codeHash: text().notNull(),
    locationId: text()
      .notNull()
      .references(() => locations.id),
    kind: text({ enum: ['kiosk', 'display'] }).notNull(),
    name: text().notNull(),
    createdBy: integer().notNull(),
    expiresAt: integer({ mode: 'timestamp_ms' }).notNull(),
    usedAt: integer({ mode: 'timestamp_ms' }),
  },
  (t) => [uniqueIndex('pairing_codes_code').on(t.codeHash)],
);

/** Who did what, when and where. Never citizen data. */
export const auditEntries = sqliteTable(
  'audit_entries',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    municipalityId: text().notNull(),
    actorType: text({ enum: ['staff', 'device', 'api-client', 'system'] }).notNull(),
    actorId: integer(),
    action: text().notNull(),
    targetType: text(),
    targetId: text(),
    locationId: text(),
    at: integer({ mode: 'timestamp_ms' }).notNull(),
    details: text({ mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_entries_at').on(t.municipalityId, t.at)],
);
