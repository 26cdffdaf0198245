import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { services } from './catalog.ts';
import { counters } from './counters.ts';
import { locations, municipalities } from './tenancy.ts';

export const appointmentStatuses = ['booked', 'checked-in', 'served', 'no-show', 'cancelled'] as const;

/** A booked visit. Personal data (name, e-mail, phone) is erased after the retention period. */
export const appointments = sqliteTable(
  'appointments',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    municipalityId: text()
      .notNull()
      .references(() => municipalities.id),
    locationId: text()
      .notNull()
      .references(() => locations.id),
    reference: text().notNull(),
    manageTokenHash: text().notNull(),
    startsAt: integer({ mode: 'timestamp_ms' }).notNull(),
    endsAt: integer({ mode: 'timestamp_ms' }).notNull(),
    counterId: integer()
      .notNull()
      .references(() => counters.id),
    channel: text({ enum: ['online', 'phone', 'counter'] }).notNull(),
    status: text({ enum: appointmentStatuses }).notNull().default('booked'),
    customerName: text(),
    customerEmail: text(),
    customerPhone: text(),
    language: text({ enum: ['nl', 'en'] })
      .notNull()
      .default('nl'),
    /** The application this (pickup) appointment follows, when booked together. */
    followUpOfId: integer(),
    createdAt: integer({ mode: 'timestamp_ms' }).notNull(),
    cancelledAt: integer({ mode: 'timestamp_ms' }),
    checkedInAt: integer({ mode: 'timestamp_ms' }),
    reminderSentAt: integer({ mode: 'timestamp_ms' }),
    personalDataErasedAt: integer({ mode: 'timestamp_ms' }),
  },
  (t) => [
    uniqueIndex('appointments_reference').on(t.reference),
    index('appointments_counter_start').on(t.counterId, t.startsAt),
    index('appointments_location_start').on(t.locationId, t.startsAt),
    index('appointments_email').on(t.customerEmail),
  ],
);

export const appointmentItems = sqliteTable(
  'appointment_items',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    appointmentId: integer()
      .notNull()
      .references(() => appointments.id, { onDelete: 'cascade' }),
    serviceId: integer()
      .notNull()
      .references(() => services.id),
    persons: integer().notNull(),
  },
  (t) => [index('appointment_items_appointment').on(t.appointmentId)],
);
