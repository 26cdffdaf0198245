import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Proof-of-work challenges already redeemed (ALTCHA): a solution is good for one booking. Rows are
 * kept until the challenge would have expired anyway, then swept by the holds job.
 */
export const spentChallenges = pgTable(
  'spent_challenges',
  {
    id: text().primaryKey(),
    expiresAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [index('spent_challenges_expires').on(t.expiresAt)],
);

/**
 * `Idempotency-Key` of POST /appointments: a retry returns the booking already made. The key is stored
 * as a SHA-256 hash; the answer (it holds the manage token) is encrypted with a key derived from the
 * Idempotency-Key itself, so only the client that chose the key can read it back.
 */
export const bookingRequests = pgTable(
  'booking_requests',
  {
    keyHash: text().primaryKey(),
    bodyHash: text().notNull(),
    appointmentId: integer().notNull(),
    response: text().notNull(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [index('booking_requests_created').on(t.createdAt)],
);
