import nodemailer from 'nodemailer';
import type { Deps } from '../deps.ts';
import type { MailAttachment } from './outbox-store.ts';

/** How long a claimed mail is held for its sender: far longer than one SMTP call takes. */
const LEASE_MS = 10 * 60_000;

export interface MailTransport {
  sendMail(mail: {
    from: string;
    to: string;
    subject: string;
    text: string;
    attachments?: MailAttachment[];
  }): Promise<unknown>;
}

export function smtpTransport(url: string): MailTransport {
  return nodemailer.createTransport(url);
}

/**
 * Sends what the outbox holds. The due rows are claimed (one more attempt and a lease) in one short write
 * transaction before any network call, so two senders, in this process or another, never send one mail
 * twice, and no transaction waits on SMTP.
 */
export async function drainOutbox(deps: Deps, transport: MailTransport, batch = 20): Promise<number> {
  const claimed = await deps.storage.write((tx) => tx.outbox.claimDueMails(deps.clock.now(), batch, LEASE_MS));
  let sent = 0;
  for (const mail of claimed) {
    try {
      await transport.sendMail({
        from: deps.config.MAIL_FROM,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        attachments: mail.attachments.length > 0 ? mail.attachments : undefined,
      });
      await deps.storage.write((tx) => tx.outbox.markSent(mail.id, deps.clock.now()));
      sent++;
    } catch (err) {
      // The error text of an SMTP server may echo the address: keep it in the row, log only the id.
      const message = err instanceof Error ? err.message.slice(0, 500) : 'send failed';
      await deps.storage.write((tx) => tx.outbox.markFailed(mail.id, mail.attempts, message));
      deps.log.warn('mail not sent', { outboxId: mail.id, attempt: mail.attempts });
    }
  }
  return sent;
}
