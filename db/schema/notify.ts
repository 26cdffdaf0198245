import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { municipalities } from './tenancy.ts';

/**
 * Every mail goes through here first. Without SMTP the outbox is the delivery: staff read it.
 * With SMTP a sender drains it, so a slow mail server never blocks a booking.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    municipalityId: text()
      .notNull()
      .references(() => municipalities.id),
    kind: text({ enum: ['hold', 'confirmation', 'reminder', 'cancellation', 'reschedule', 'ticket-due'] }).notNull(),
    appointmentId: integer(),
    toAddress: text().notNull(),
    subject: text().notNull(),
    text: text().notNull(),
    html: text(),
    attachments: text({ mode: 'json' }).$type<{ filename: string; contentType: string; content: string }[]>(),
    createdAt: integer({ mode: 'timestamp_ms' }).notNull(),
    sentAt: integer({ mode: 'timestamp_ms' }),
    attempts: integer().notNull().default(0),
    lastError: text(),
  },
  (t) => [index('outbox_unsent').on(t.sentAt, t.createdAt)],
);
