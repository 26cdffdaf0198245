import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { ApiScope, WebhookEventType } from '../../../server/contracts/integrations.ts';
import { webhookEventTypes } from '../../../server/contracts/integrations.ts';
import { appointments } from './appointments.ts';
import { municipalities } from './tenancy.ts';

/**
 * A system of the municipality that uses the API without a staff login: a form builder, a website widget
 * back-end, a KCC or case system. Its keys live in `api_keys`; revoking the client revokes them all.
 */
export const apiClients = pgTable('api_clients', {
  id: integer().primaryKey().generatedByDefaultAsIdentity(),
  municipalityId: text()
    .notNull()
    .references(() => municipalities.id),
  name: text().notNull(),
  scopes: jsonb().$type<ApiScope[]>().notNull(),
  /** Requests per minute for each of the client's keys (instead of the anonymous per-address limits). */
  rateLimitPerMinute: integer().notNull().default(600),
  /** "The integrator sends the mails": Loket queues no resident mail for appointments this client booked. */
  sendsOwnMail: boolean().notNull().default(false),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
  createdBy: integer(),
  revokedAt: timestamp({ withTimezone: true, precision: 3 }),
});

/** A secret of a client, stored as SHA-256 only; `prefix` (not secret) tells keys apart in lists and logs. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    clientId: integer()
      .notNull()
      .references(() => apiClients.id),
    prefix: text().notNull(),
    tokenHash: text().notNull(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    /** Set on rotation (after a grace period) or revocation; the key works strictly before it. */
    expiresAt: timestamp({ withTimezone: true, precision: 3 }),
    revokedAt: timestamp({ withTimezone: true, precision: 3 }),
    lastUsedAt: timestamp({ withTimezone: true, precision: 3 }),
  },
  (t) => [uniqueIndex('api_keys_token').on(t.tokenHash), index('api_keys_client').on(t.clientId)],
);

/** Appointments booked through a client: it may read and change them without the manage token. */
export const apiClientAppointments = pgTable(
  'api_client_appointments',
  {
    appointmentId: integer()
      .notNull()
      .references(() => appointments.id, { onDelete: 'cascade' }),
    clientId: integer()
      .notNull()
      .references(() => apiClients.id),
  },
  (t) => [primaryKey({ columns: [t.appointmentId] }), index('api_client_appointments_client').on(t.clientId)],
);

/**
 * Where a client wants to hear about events. The secret signs every delivery (Standard Webhooks,
 * HMAC-SHA256) and so must be readable by the sender: it is kept as given, never shown again after creation.
 */
export const webhookSubscriptions = pgTable(
  'webhook_subscriptions',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    clientId: integer()
      .notNull()
      .references(() => apiClients.id),
    municipalityId: text()
      .notNull()
      .references(() => municipalities.id),
    url: text().notNull(),
    events: jsonb().$type<WebhookEventType[]>().notNull(),
    secret: text().notNull(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    /** Counted over deliveries that finally failed; reset by a success. */
    consecutiveFailures: integer().notNull().default(0),
    disabledAt: timestamp({ withTimezone: true, precision: 3 }),
    disabledReason: text(),
    deletedAt: timestamp({ withTimezone: true, precision: 3 }),
  },
  (t) => [index('webhook_subscriptions_client').on(t.clientId)],
);

/**
 * The webhook outbox: one row per event × subscription, written when the event is recorded and then
 * delivered (with back-off) by the sender. `messageId` is the Standard Webhooks `webhook-id`: the same
 * on every retry and replay, so receivers can deduplicate.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    subscriptionId: integer()
      .notNull()
      .references(() => webhookSubscriptions.id),
    messageId: text().notNull(),
    eventType: text({ enum: webhookEventTypes }).notNull(),
    payload: text().notNull(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    status: text({ enum: ['pending', 'delivered', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true, precision: 3 }),
    /** A sender holds the row until then, so two senders never post the same attempt. */
    lockedUntil: timestamp({ withTimezone: true, precision: 3 }),
    deliveredAt: timestamp({ withTimezone: true, precision: 3 }),
    lastStatus: integer(),
    lastError: text(),
  },
  (t) => [
    index('webhook_deliveries_due').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_subscription').on(t.subscriptionId, t.createdAt),
  ],
);

/** The delivery log: every attempt with its outcome (status code or error, duration). */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    deliveryId: integer()
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    at: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    status: integer(),
    error: text(),
    durationMs: integer().notNull(),
  },
  (t) => [index('webhook_attempts_delivery').on(t.deliveryId)],
);

/** The webhook recorder's place in the cluster log (as db/schema/integrations.ts; claimed `FOR UPDATE SKIP LOCKED`). */
export const webhookFeed = pgTable('webhook_feed', {
  name: text().primaryKey(),
  lastEventId: bigint({ mode: 'number' }).notNull(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }),
});
