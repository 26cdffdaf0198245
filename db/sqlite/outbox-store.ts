import { and, desc, eq, isNull } from 'drizzle-orm';
import {
  MAX_MAIL_ATTEMPTS,
  type MailAttachment,
  type OutboxRecord,
  type OutboxStore,
} from '../../server/notify/outbox-store.ts';
import type { Synchronous } from '../../server/storage.ts';
import type { Db } from '../client.ts';
import { toOutboxRecord } from '../records/outbox.ts';
import { outbox } from '../schema/index.ts';

/**
 * A claim's lease is kept in `last_error` as this prefix + the ISO instant it runs until (ISO instants compare
 * as text), because the outbox has no lease column yet and this session adds no migration; staff reading the
 * outbox see "sending; claimed until …" while a sender holds the mail. A `claimed_until` column can replace it.
 */
export const LEASE_PREFIX = 'sending; claimed until ';

interface RawRow {
  id: number;
  municipality_id: string;
  kind: OutboxRecord['kind'];
  appointment_id: number | null;
  to_address: string;
  subject: string;
  text: string;
  attachments: string | null;
  created_at: number;
  sent_at: number | null;
  attempts: number;
  last_error: string | null;
}

const fromRaw = (r: RawRow): OutboxRecord => ({
  id: r.id,
  municipalityId: r.municipality_id,
  kind: r.kind,
  appointmentId: r.appointment_id,
  to: r.to_address,
  subject: r.subject,
  text: r.text,
  attachments: r.attachments ? (JSON.parse(r.attachments) as MailAttachment[]) : [],
  createdAt: new Date(r.created_at),
  sentAt: r.sent_at === null ? null : new Date(r.sent_at),
  attempts: r.attempts,
  lastError: r.last_error,
});

function statementsOn(db: Db) {
  const client = db.$client;
  return {
    // Every booking writes one or two mails: prepared once per connection.
    insert: client.prepare(
      `INSERT INTO outbox (municipality_id, kind, appointment_id, to_address, subject, text, attachments, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    // One statement: the due rows are chosen and leased together, so no other claim sees them due.
    claim: client.prepare<[{ lease: string; max: number; now: string; limit: number }], RawRow>(
      `UPDATE outbox SET attempts = attempts + 1, last_error = @lease
       WHERE id IN (
         SELECT id FROM outbox
         WHERE sent_at IS NULL AND attempts < @max
           AND (last_error IS NULL
                OR substr(last_error, 1, ${LEASE_PREFIX.length}) <> '${LEASE_PREFIX}'
                OR substr(last_error, ${LEASE_PREFIX.length + 1}) <= @now)
         ORDER BY created_at, id
         LIMIT @limit)
       RETURNING *`,
    ),
  };
}

/** The outbox repository of a connection (its statements prepared once, on first use). */
export function sqliteOutboxStore(db: Db): Synchronous<OutboxStore> {
  // Prepared on first use: storage may be built before the migrations ran.
  let prepared: ReturnType<typeof statementsOn> | undefined;
  const statements = () => {
    prepared ??= statementsOn(db);
    return prepared;
  };
  return {
    enqueue: (mail, now) => {
      statements().insert.run(
        mail.municipalityId,
        mail.kind,
        mail.appointmentId ?? null,
        mail.to,
        mail.subject,
        mail.text,
        mail.attachments ? JSON.stringify(mail.attachments) : null,
        now.getTime(),
      );
    },
    claimDueMails: (now, limit, leaseMs) => {
      const until = new Date(now.getTime() + leaseMs).toISOString();
      return statements()
        .claim.all({ lease: `${LEASE_PREFIX}${until}`, max: MAX_MAIL_ATTEMPTS, now: now.toISOString(), limit })
        .map(fromRaw)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
    },
    markSent: (id, at) => {
      db.update(outbox).set({ sentAt: at, lastError: null }).where(eq(outbox.id, id)).run();
    },
    markFailed: (id, attempt, error) => {
      db.update(outbox)
        .set({ lastError: error })
        .where(and(eq(outbox.id, id), eq(outbox.attempts, attempt)))
        .run();
    },
    listMails: (municipalityId, { unsentOnly, limit }) =>
      db
        .select()
        .from(outbox)
        .where(and(eq(outbox.municipalityId, municipalityId), unsentOnly ? isNull(outbox.sentAt) : undefined))
        .orderBy(desc(outbox.id))
        .limit(limit)
        .all()
        .map(toOutboxRecord),
  };
}
