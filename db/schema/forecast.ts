import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { locations, municipalities } from './tenancy.ts';

/**
 * Travel documents issued per month (from the municipality's registry export): the renewal wave is
 * computed from these (adults 10 years, minors 5). Counts only — no personal data.
 */
export const registryDocuments = sqliteTable(
  'registry_documents',
  {
    municipalityId: text()
      .notNull()
      .references(() => municipalities.id),
    /** Month of issue, YYYY-MM. */
    month: text().notNull(),
    documentType: text().notNull(),
    ageBand: text({ enum: ['adult', 'minor'] }).notNull(),
    count: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.municipalityId, t.month, t.documentType, t.ageBand] })],
);

/**
 * Hourly arrivals imported from another system, so a municipality starts forecasting with its own
 * history. Loket's own history comes from ticket_events; imported hours fill the time before it.
 */
export const hourlyHistory = sqliteTable(
  'hourly_history',
  {
    locationId: text()
      .notNull()
      .references(() => locations.id),
    serviceCode: text().notNull(),
    /** Local date YYYY-MM-DD and hour 0–23 in the location's zone. */
    date: text().notNull(),
    hour: integer().notNull(),
    count: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.locationId, t.serviceCode, t.date, t.hour] })],
);

/**
 * The appointment capacity each day offered per bookable service (server/forecast/appointment-capacity.ts),
 * recorded once on the day itself: service-persons booked plus visits that still fitted. A day whose
 * bookings reached it filled up, and the demand forecast treats it as censored. Counts only.
 */
export const appointmentCapacity = sqliteTable(
  'appointment_capacity',
  {
    locationId: text()
      .notNull()
      .references(() => locations.id),
    serviceCode: text().notNull(),
    /** Local date YYYY-MM-DD in the location's zone. */
    date: text().notNull(),
    capacity: integer().notNull(),
    recordedAt: integer({ mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.locationId, t.serviceCode, t.date] })],
);
