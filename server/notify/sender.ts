import { and, asc, eq, isNull, lt } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { writeTransaction } from '../../db/client.ts';
import { outbox } from '../../db/schema/index.ts';
import type { Deps } from '../deps.ts';

export const MAX_ATTEMPTS = 5;

export interface MailTransport {
  sendMail(mail: {
    from: string;
    to: string;
    subject: string;
    text: string;
    attachments?: { filename: string; contentType: string; content: string }[];
  }): Promise<unknown>;
}

export function smtpTransport(url: string): MailTransport {
  return nodemailer.createTransport(url);
}

/**
 * Sends what the outbox holds. Each row is claimed (attempts + 1, in its own short transaction)
 * before the network call, so two processes never send one mail twice and no transaction waits on SMTP.
 */
export async function drainOutbox(deps: Deps, transport: MailTransport, batch = 20): Promise<number> {
  const rows = deps.db
    .select()
    .from(outbox)
    .where(and(isNull(outbox.sentAt), lt(outbox.attempts, MAX_ATTEMPTS)))
    .orderBy(asc(outbox.createdAt), asc(outbox.id))
    .limit(batch)
    .all();
  let sent = 0;
  for (const row of rows) {
    const claimed = writeTransaction(deps.db, (tx) =>
      tx
        .update(outbox)
        .set({ attempts: row.attempts + 1 })
        .where(and(eq(outbox.id, row.id), isNull(outbox.sentAt), eq(outbox.attempts, row.attempts)))
        .run(),
    );
    if (claimed.changes !== 1) continue;
    try {
      await transport.sendMail({
        from: deps.config.MAIL_FROM,
        to: row.toAddress,
        subject: row.subject,
        text: row.text,
        attachments: row.attachments ?? undefined,
      });
      writeTransaction(deps.db, (tx) =>
        tx.update(outbox).set({ sentAt: deps.clock.now(), lastError: null }).where(eq(outbox.id, row.id)).run(),
      );
      sent++;
    } catch (err) {
      // The error text of an SMTP server may echo the address: keep it in the row, log only the id.
      const message = err instanceof Error ? err.message.slice(0, 500) : 'send failed';
      writeTransaction(deps.db, (tx) =>
        tx.update(outbox).set({ lastError: message }).where(eq(outbox.id, row.id)).run(),
      );
      deps.log.warn('mail not sent', { outboxId: row.id, attempt: row.attempts + 1 });
    }
  }
  return sent;
}
