import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { OutboxRenderContext } from '../../server/notify/outbox-store.ts';
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
    /**
     * The lease of the sender that claimed the mail: until then no other sender (in any process) claims it. A
     * sender that died mid-send leaves it to run out, and the mail is due again.
     */
    claimedUntil: integer({ mode: 'timestamp_ms' }),
    /**
     * An appointment mail is rendered when it is sent, not in the transaction of the change it tells about: the
     * row then holds only what the appointment's row does not (the manage link, a hold's link and deadline, the
     * pickup's terms), and `subject`/`text`/`attachments` are filled when it is sent.
     */
    render: text({ mode: 'json' }).$type<OutboxRenderContext>(),
  },
  (t) => [index('outbox_unsent').on(t.sentAt, t.createdAt)],
);
