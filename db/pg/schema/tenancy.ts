import { boolean, doublePrecision, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** A municipality is the tenant: every other row belongs to exactly one. */
export const municipalities = pgTable('municipalities', {
  id: text().primaryKey(),
  name: text().notNull(),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

/** A physical office. Rules for it are stored as local wall-clock time in `timeZone`. */
export const locations = pgTable('locations', {
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
  walkInShare: doublePrecision().notNull().default(0.2),
  minNoticeMinutes: integer().notNull().default(60),
  maxDaysAhead: integer().notNull().default(56),
  /** Check-in window around an appointment's start. */
  checkInEarlyMinutes: integer().notNull().default(30),
  checkInLateGraceMinutes: integer().notNull().default(10),
  /** Service norm: `serviceNormShare` of walk-ins called within `serviceNormMinutes`. */
  serviceNormShare: doublePrecision().notNull().default(0.8),
  serviceNormMinutes: integer().notNull().default(10),
  closedOnGoodFriday: boolean().notNull().default(true),
  closedOnLiberationDay: boolean().notNull().default(false),
  tickerText: text().notNull().default(''),
  // Fair booking when slots are scarce (rule 8); defaults keep booking as it was.
  /** Double opt-in: an online booking is held until the resident confirms by the link in the mail. */
  confirmationRequired: boolean().notNull().default(false),
  /** Minutes a hold counts as taken before it lapses (5–30). */
  holdMinutes: integer().notNull().default(15),
  /** Proof-of-work (ALTCHA) for anonymous bookings: never, always, or while the office is under pressure. */
  challengeMode: text({ enum: ['off', 'always', 'under-pressure'] })
    .notNull()
    .default('off'),
  /** Under pressure: at least this many online bookings made here in the last 5 minutes. */
  challengePressureBookings: integer().notNull().default(30),
  /** Active bookings per mailbox (null: MAX_ACTIVE_BOOKINGS_PER_EMAIL). */
  mailboxCap: integer(),
  /** Count the real mailbox (no +tag, no dots where the provider ignores them) instead of the address as typed. */
  mailboxNormalise: boolean().notNull().default(true),
  /** Count the phone number under the same cap, when one is given. */
  phoneCap: boolean().notNull().default(false),
  /** Online bookings onto one day of this office per 10 minutes (null: no limit). */
  dayVelocityLimit: integer(),
  /** Rolling release: capacity opens day by day (`daily`) or a week at a time (`weekly`) instead of all at once. */
  releaseMode: text({ enum: ['off', 'daily', 'weekly'] })
    .notNull()
    .default('off'),
  /** Local time of the release. */
  releaseTime: text().notNull().default('08:00'),
  /** ISO weekdays (1 = Monday) on which a release happens, comma-separated; weekly uses the first. */
  releaseWeekdays: text().notNull().default('1,2,3,4,5'),
  /** A release opens the day this many days ahead (weekly: that day's whole week). */
  releaseDaysAhead: integer().notNull().default(28),
  /** Share of each day's appointment capacity kept for phone and desk bookings (0..1). */
  phoneShare: doublePrecision().notNull().default(0),
  /** Hours before the day starts at which the phone/desk share is released to online booking. */
  phoneShareReleaseHours: integer().notNull().default(48),
  /** Counter console: one key calls the next visitor and starts serving them (no separate "start"). */
  callAndStart: boolean().notNull().default(false),
});
