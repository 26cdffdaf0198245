import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { appointments } from './appointments.ts';
import { services } from './catalog.ts';
import { counters } from './counters.ts';
import { locations, municipalities } from './tenancy.ts';

export const ticketStatuses = ['waiting', 'called', 'serving', 'done', 'no-show', 'cancelled'] as const;
export const ticketSources = ['kiosk', 'check-in', 'remote', 'counter'] as const;
export const ticketEventTypes = [
  'issued',
  'called',
  'recalled',
  'started',
  'finished',
  'no-show',
  'transferred',
  'parked',
  'returned',
  'cancelled',
] as const;

/** A visit in the queue of one location on one service day. */
export const tickets = pgTable(
  'tickets',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    municipalityId: text()
      .notNull()
      .references(() => municipalities.id),
    locationId: text()
      .notNull()
      .references(() => locations.id),
    /** Local date (YYYY-MM-DD) in the location's zone. */
    serviceDate: text().notNull(),
    number: text().notNull(),
    letter: text().notNull(),
    sequence: integer().notNull(),
    /** Unguessable id for the resident's phone status page. */
    publicId: text().notNull(),
    source: text({ enum: ticketSources }).notNull(),
    status: text({ enum: ticketStatuses }).notNull().default('waiting'),
    priority: integer().notNull().default(0),
    appointmentId: integer().references(() => appointments.id),
    /** When an appointment ticket becomes due (its start); null for walk-ins. */
    dueAt: timestamp({ withTimezone: true, precision: 3 }),
    /** Set by a transfer to one counter; null: any skilled counter. */
    targetCounterId: integer().references(() => counters.id),
    counterId: integer().references(() => counters.id),
    agentId: integer(),
    callCount: integer().notNull().default(0),
    /** The wait we predicted when the ticket was issued, for measuring the predictor. */
    predictedWaitSeconds: integer(),
    /** The Idempotency-Key of the request that issued it: a retried kiosk request gets this ticket back. */
    requestKey: text(),
    /** SHA-256 of that request's body: the same key with another body is refused (422). */
    requestFingerprint: text(),
    language: text({ enum: ['nl', 'en'] })
      .notNull()
      .default('nl'),
    issuedAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    /** When it (re)entered the waiting line; transfers and returns keep fairness from here. */
    queuedAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    calledAt: timestamp({ withTimezone: true, precision: 3 }),
    startedAt: timestamp({ withTimezone: true, precision: 3 }),
    finishedAt: timestamp({ withTimezone: true, precision: 3 }),
  },
  (t) => [
    uniqueIndex('tickets_location_day_number').on(t.locationId, t.serviceDate, t.number),
    uniqueIndex('tickets_public_id').on(t.publicId),
    uniqueIndex('tickets_location_request_key').on(t.locationId, t.requestKey),
    index('tickets_location_status').on(t.locationId, t.status),
  ],
);

export const ticketItems = pgTable(
  'ticket_items',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    ticketId: integer()
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    serviceId: integer()
      .notNull()
      .references(() => services.id),
    persons: integer().notNull(),
  },
  (t) => [index('ticket_items_ticket').on(t.ticketId)],
);

/** Append-only: statistics, the predictor and the forecaster read this log. No personal data. */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    ticketId: integer()
      .notNull()
      .references(() => tickets.id),
    locationId: text()
      .notNull()
      .references(() => locations.id),
    type: text({ enum: ticketEventTypes }).notNull(),
    at: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    counterId: integer(),
    agentId: integer(),
    data: jsonb().$type<Record<string, unknown>>(),
  },
  (t) => [index('ticket_events_location_at').on(t.locationId, t.at), index('ticket_events_ticket').on(t.ticketId)],
);
