import { and, desc, eq, isNull } from 'drizzle-orm';
import {
  MAX_MAIL_ATTEMPTS,
  type MailAttachment,
  type OutboxRecord,
  type OutboxStore,
} from '../../server/notify/outbox-store.ts';
import type { Synchronous } from '../../server/storage.ts';
import type { Db } from '../client.ts';
import { outboxValues, toOutboxRecord } from '../records/outbox.ts';
import { outbox } from '../schema/index.ts';

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
  claimed_until: number | null;
  render: string | null;
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
  claimedUntil: r.claimed_until === null ? null : new Date(r.claimed_until),
  render: r.render ? (JSON.parse(r.render) as OutboxRecord['render']) : null,
});

function statementsOn(db: Db) {
  const client = db.$client;
  return {
    // Every booking writes one or two mails: prepared once per connection.
    insert: client.prepare(
      `INSERT INTO outbox (municipality_id, kind, appointment_id, to_address, subject, text, attachments, render, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    // One statement: the due rows are chosen and leased together, so no other claim sees them due.
    claim: client.prepare<[{ until: number; max: number; now: number; limit: number }], RawRow>(
      `UPDATE outbox SET attempts = attempts + 1, claimed_until = @until
       WHERE id IN (
         SELECT id FROM outbox
         WHERE sent_at IS NULL AND attempts < @max AND (claimed_until IS NULL OR claimed_until <= @now)
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
      const v = outboxValues(mail, now);
      statements().insert.run(
        v.municipalityId,
        v.kind,
        v.appointmentId,
        v.toAddress,
        v.subject,
        v.text,
        v.attachments ? JSON.stringify(v.attachments) : null,
        v.render ? JSON.stringify(v.render) : null,
        now.getTime(),
      );
    },
    claimDueMails: (now, limit, leaseMs) =>
      statements()
        .claim.all({ until: now.getTime() + leaseMs, max: MAX_MAIL_ATTEMPTS, now: now.getTime(), limit })
        .map(fromRaw)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id),
    markSent: (id, at, rendered) => {
      db.update(outbox)
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
        .where(eq(outbox.id, id))
        .run();
    },
    markFailed: (id, attempt, error) => {
      db.update(outbox)
        .set({ lastError: error, claimedUntil: null })
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
