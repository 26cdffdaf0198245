import { boolean, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { locations, municipalities } from './tenancy.ts';

/** A product a resident comes for (passport, ID card, …). */
export const services = pgTable(
  'services',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    municipalityId: text()
      .notNull()
      .references(() => municipalities.id),
    code: text().notNull(),
    nameNl: text().notNull(),
    nameEn: text().notNull(),
    minutesPerPerson: integer().notNull(),
    maxPersons: integer().notNull().default(1),
    /** One letter that starts ticket numbers, e.g. `P`. */
    ticketLetter: text().notNull(),
    /** What to bring, one entry per line, per language. */
    necessitiesNl: jsonb().$type<string[]>().notNull().default([]),
    necessitiesEn: jsonb().$type<string[]>().notNull().default([]),
    /** Target wait for walk-ins in minutes; call-next weighs waits against it. */
    targetWaitMinutes: integer().notNull().default(10),
    /** An application implies a pickup visit at least N working days later. */
    followUpServiceCode: text(),
    followUpMinWorkingDays: integer(),
    sortOrder: integer().notNull().default(0),
  },
  (t) => [uniqueIndex('services_municipality_code').on(t.municipalityId, t.code)],
);

/** Which services a location offers, and how (online booking and walk-in are per location). */
export const locationServices = pgTable(
  'location_services',
  {
    locationId: text()
      .notNull()
      .references(() => locations.id),
    serviceId: integer()
      .notNull()
      .references(() => services.id),
    bookableOnline: boolean().notNull(),
    walkIn: boolean().notNull(),
  },
  (t) => [primaryKey({ columns: [t.locationId, t.serviceId] })],
);

export const feeAgeGroups = ['adult', 'minor'] as const;

/** Fees (leges) per service and age group, set by the municipality (at or below the national maximum). */
export const serviceFees = pgTable(
  'service_fees',
  {
    serviceId: integer()
      .notNull()
      .references(() => services.id, { onDelete: 'cascade' }),
    ageGroup: text({ enum: feeAgeGroups }).notNull(),
    /** Euro cents per person. */
    amountCents: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.serviceId, t.ageGroup] })],
);
