import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { counters } from './counters.ts';
import { locations, municipalities } from './tenancy.ts';

/**
 * Recurring hours of a location as local wall-clock times. `rrule` is an RFC 5545 RRULE body
 * (e.g. `FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR`) evaluated in floating time from `startsOn`.
 */
export const scheduleRules = pgTable('schedule_rules', {
  id: integer().primaryKey().generatedByDefaultAsIdentity(),
  locationId: text()
    .notNull()
    .references(() => locations.id),
  kind: text({ enum: ['opening', 'appointments', 'walk-in'] }).notNull(),
  rrule: text().notNull(),
  startsOn: text().notNull(),
  endsOn: text(),
  opensAt: text().notNull(),
  closesAt: text().notNull(),
});

/** Configured closed days (bridge days, local days). Public holidays are computed, not stored. */
export const closures = pgTable('closures', {
  id: integer().primaryKey().generatedByDefaultAsIdentity(),
  municipalityId: text()
    .notNull()
    .references(() => municipalities.id),
  /** Null: every location of the municipality. */
  locationId: text().references(() => locations.id),
  date: text().notNull(),
  kind: text({ enum: ['bridge', 'local'] }).notNull(),
  reason: text().notNull(),
});

/**
 * Which counter is staffed when and for what. A rule without `rrule` covers `startsOn` only.
 * Appointment capacity is derived from these rows, never from a fixed slot count.
 */
export const rosterRules = pgTable('roster_rules', {
  id: integer().primaryKey().generatedByDefaultAsIdentity(),
  locationId: text()
    .notNull()
    .references(() => locations.id),
  counterId: integer()
    .notNull()
    .references(() => counters.id),
  rrule: text(),
  startsOn: text().notNull(),
  endsOn: text(),
  startsAt: text().notNull(),
  endsAt: text().notNull(),
  mode: text({ enum: ['appointments', 'walk-in', 'both'] }).notNull(),
});
