import { index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { services } from './catalog.ts';
import { counters } from './counters.ts';
import { locations, municipalities } from './tenancy.ts';

/**
 * `held`: taken while the resident confirms by the link in the mail (double opt-in), until `holdExpiresAt`;
 * confirmed it becomes `booked`, unconfirmed it becomes `expired` and never was an appointment.
 */
export const appointmentStatuses = [
  'held',
  'booked',
  'checked-in',
  'served',
  'no-show',
  'cancelled',
  'expired',
] as const;

/** A booked visit. Personal data (name, e-mail, phone) is erased after the retention period. */
export const appointments = pgTable(
  'appointments',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    municipalityId: text()
      .notNull()
      .references(() => municipalities.id),
    locationId: text()
      .notNull()
      .references(() => locations.id),
    reference: text().notNull(),
    /** The start's local date at the location: the day the check-in code is valid. */
    serviceDate: text(),
    /** Short code typed on the kiosk keypad, unique per location and service date (null once used up). */
    checkInCode: text(),
    manageTokenHash: text().notNull(),
    startsAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    endsAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    counterId: integer()
      .notNull()
      .references(() => counters.id),
    channel: text({ enum: ['online', 'phone', 'counter'] }).notNull(),
    status: text({ enum: appointmentStatuses }).notNull().default('booked'),
    customerName: text(),
    customerEmail: text(),
    customerPhone: text(),
    /** The mailbox the booking cap counts (lower case, without +tag, dots removed where the provider ignores them). */
    mailboxKey: text(),
    /** The phone number as digits in national form, for the optional per-phone cap. */
    phoneKey: text(),
    language: text({ enum: ['nl', 'en'] })
      .notNull()
      .default('nl'),
    /** The application this (pickup) appointment follows, when booked together. */
    followUpOfId: integer(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    cancelledAt: timestamp({ withTimezone: true, precision: 3 }),
    checkedInAt: timestamp({ withTimezone: true, precision: 3 }),
    reminderSentAt: timestamp({ withTimezone: true, precision: 3 }),
    personalDataErasedAt: timestamp({ withTimezone: true, precision: 3 }),
    /** While `held`: when the hold lapses unless confirmed. */
    holdExpiresAt: timestamp({ withTimezone: true, precision: 3 }),
    /** SHA-256 of the one-time confirmation code sent by mail (double opt-in). */
    confirmCodeHash: text(),
    confirmedAt: timestamp({ withTimezone: true, precision: 3 }),
  },
  (t) => [
    uniqueIndex('appointments_reference').on(t.reference),
    uniqueIndex('appointments_check_in_code').on(t.locationId, t.serviceDate, t.checkInCode),
    index('appointments_counter_start').on(t.counterId, t.startsAt),
    index('appointments_location_start').on(t.locationId, t.startsAt),
    index('appointments_email').on(t.customerEmail),
    index('appointments_mailbox').on(t.mailboxKey),
    index('appointments_phone').on(t.phoneKey),
    index('appointments_location_created').on(t.locationId, t.createdAt),
    index('appointments_held').on(t.status, t.holdExpiresAt),
  ],
);

export const appointmentItems = pgTable(
  'appointment_items',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
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
