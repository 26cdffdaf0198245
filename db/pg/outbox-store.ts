import { and, asc, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { MAX_MAIL_ATTEMPTS, type OutboxStore } from '../../server/notify/outbox-store.ts';
import { toOutboxRecord } from '../records/outbox.ts';
import { LEASE_PREFIX } from '../sqlite/outbox-store.ts';
import type { PgDb } from './client.ts';
import { outbox } from './schema/index.ts';

/**
 * The mail outbox on PostgreSQL (contract: server/notify/outbox-store.ts). The lease is kept in `last_error` as on
 * SQLite (same prefix). A claim is one statement: the due rows are selected `FOR UPDATE SKIP LOCKED` and leased
 * together, so senders on several nodes never claim one row twice and never wait for each other.
 */
export function pgOutboxStore(db: PgDb): OutboxStore {
  return {
    enqueue: async (mail, now) => {
      await db.insert(outbox).values({
        municipalityId: mail.municipalityId,
        kind: mail.kind,
        appointmentId: mail.appointmentId ?? null,
        toAddress: mail.to,
        subject: mail.subject,
        text: mail.text,
        attachments: mail.attachments ?? null,
        createdAt: now,
      });
    },
    claimDueMails: async (now, limit, leaseMs) => {
      const until = new Date(now.getTime() + leaseMs).toISOString();
      const due = db
        .select({ id: outbox.id })
        .from(outbox)
        .where(
          and(
            isNull(outbox.sentAt),
            lt(outbox.attempts, MAX_MAIL_ATTEMPTS),
            or(
              isNull(outbox.lastError),
              sql`left(${outbox.lastError}, ${LEASE_PREFIX.length}) <> ${LEASE_PREFIX}`,
              sql`substr(${outbox.lastError}, ${LEASE_PREFIX.length + 1}) <= ${now.toISOString()}`,
            ),
          ),
        )
        .orderBy(asc(outbox.createdAt), asc(outbox.id))
        .limit(limit)
        .for('update', { skipLocked: true });
      const rows = await db
        .update(outbox)
        .set({ attempts: sql`${outbox.attempts} + 1`, lastError: `${LEASE_PREFIX}${until}` })
        .where(inArray(outbox.id, due))
        .returning();
      return rows.map(toOutboxRecord).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
    },
    markSent: async (id, at) => {
      await db.update(outbox).set({ sentAt: at, lastError: null }).where(eq(outbox.id, id));
    },
    markFailed: async (id, attempt, error) => {
      await db
        .update(outbox)
        .set({ lastError: error })
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
