import { index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { municipalities } from './tenancy.ts';

/**
 * Every mail goes through here first. Without SMTP the outbox is the delivery: staff read it.
 * With SMTP a sender drains it, so a slow mail server never blocks a booking.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    municipalityId: text()
      .notNull()
      .references(() => municipalities.id),
    kind: text({ enum: ['hold', 'confirmation', 'reminder', 'cancellation', 'reschedule', 'ticket-due'] }).notNull(),
    appointmentId: integer(),
    toAddress: text().notNull(),
    subject: text().notNull(),
    text: text().notNull(),
    html: text(),
    attachments: jsonb().$type<{ filename: string; contentType: string; content: string }[]>(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    sentAt: timestamp({ withTimezone: true, precision: 3 }),
    attempts: integer().notNull().default(0),
    lastError: text(),
  },
  (t) => [index('outbox_unsent').on(t.sentAt, t.createdAt)],
);
