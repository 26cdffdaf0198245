import { and, asc, desc, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { MAX_MAIL_ATTEMPTS, type OutboxStore } from '../../server/notify/outbox-store.ts';
import { outboxValues, toOutboxRecord } from '../records/outbox.ts';
import { sendLater } from './batching.ts';
import type { PgDb } from './client.ts';
import { outbox } from './schema/index.ts';

/**
 * The mail outbox on PostgreSQL (contract: server/notify/outbox-store.ts). A claim is one statement: the due rows
 * are selected `FOR UPDATE SKIP LOCKED` and leased (`claimed_until`) together, so senders on several nodes never
 * claim one row twice and never wait for each other.
 */
export function pgOutboxStore(db: PgDb): OutboxStore {
  return {
    // Nobody reads the row back in the transaction that queues it: it goes with COMMIT (db/pg/batching.ts).
    enqueue: async (mail, now) => {
      await sendLater(db, db.insert(outbox).values(outboxValues(mail, now)).getSQL());
    },
    claimDueMails: async (now, limit, leaseMs) => {
      const due = db
        .select({ id: outbox.id })
        .from(outbox)
        .where(
          and(
            isNull(outbox.sentAt),
            lt(outbox.attempts, MAX_MAIL_ATTEMPTS),
            or(isNull(outbox.claimedUntil), lte(outbox.claimedUntil, now)),
          ),
        )
        .orderBy(asc(outbox.createdAt), asc(outbox.id))
        .limit(limit)
        .for('update', { skipLocked: true });
      const rows = await db
        .update(outbox)
        .set({ attempts: sql`${outbox.attempts} + 1`, claimedUntil: new Date(now.getTime() + leaseMs) })
        .where(inArray(outbox.id, due))
        .returning();
      return rows.map(toOutboxRecord).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
    },
    markSent: async (id, at, rendered) => {
      await db
        .update(outbox)
        .set({
          sentAt: at,
          claimedUntil: null,
          lastError: null,
          ...(rendered
            ? {
                subject: rendered.subject,
                text: rendered.text,
                attachments: rendered.attachments.length > 0 ? rendered.attachments : null,
                render: null,
              }
            : {}),
        })
        .where(eq(outbox.id, id));
    },
    markFailed: async (id, attempt, error) => {
      await db
        .update(outbox)
        .set({ lastError: error, claimedUntil: null })
        .where(and(eq(outbox.id, id), eq(outbox.attempts, attempt)));
    },
    listMails: async (municipalityId, { unsentOnly, limit }) =>
      (
        await db
          .select()
          .from(outbox)
          .where(and(eq(outbox.municipalityId, municipalityId), unsentOnly ? isNull(outbox.sentAt) : undefined))
          .orderBy(desc(outbox.id))
          .limit(limit)
      ).map(toOutboxRecord),
  };
}
