import { sql } from 'drizzle-orm';
import { integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** A municipality is the tenant: every other row belongs to exactly one. */
export const municipalities = sqliteTable('municipalities', {
  id: text().primaryKey(),
  name: text().notNull(),
  createdAt: integer({ mode: 'timestamp_ms' }).notNull().default(sql`(unixepoch() * 1000)`),
});

/** A physical office. Rules for it are stored as local wall-clock time in `timeZone`. */
export const locations = sqliteTable('locations', {
  id: text().primaryKey(),
  municipalityId: text()
    .notNull()
    .references(() => municipalities.id),
  name: text().notNull(),
  street: text().notNull(),
  postalCode: text().notNull(),
  city: text().notNull(),
  timeZone: text().notNull().default('Europe/Amsterdam'),
  /** Booking grid in minutes; durations are rounded up to it. */
  slotGridMinutes: integer().notNull().default(5),
  /** Share of rostered "both" capacity kept free for walk-ins (0..1). */
  walkInShare: real().notNull().default(0.2),
  minNoticeMinutes: integer().notNull().default(60),
  maxDaysAhead: integer().notNull().default(56),
  /** Check-in window around an appointment's start. */
  checkInEarlyMinutes: integer().notNull().default(30),
  checkInLateGraceMinutes: integer().notNull().default(10),
  /** Service norm: `serviceNormShare` of walk-ins called within `serviceNormMinutes`. */
  serviceNormShare: real().notNull().default(0.8),
  serviceNormMinutes: integer().notNull().default(10),
  closedOnGoodFriday: integer({ mode: 'boolean' }).notNull().default(true),
  closedOnLiberationDay: integer({ mode: 'boolean' }).notNull().default(false),
  tickerText: text().notNull().default(''),
});
