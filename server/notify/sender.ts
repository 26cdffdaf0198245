import nodemailer from 'nodemailer';
import type { Deps } from '../deps.ts';
import type { MailAttachment, MailRenderer } from './outbox-store.ts';

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
 * Sends what the outbox holds. The due rows are claimed (one more attempt and a lease, `claimed_until`) in one
 * short write transaction before any network call, so two senders, in this process or another, never send one
 * mail twice while a lease runs, and no transaction waits on SMTP. A mail queued with a render context is
 * rendered here (`render`: the appointment mails, from the appointment as it is now), outside the transaction
 * of the change it tells about, and what was sent is kept in its row. At least once: a sender that dies
 * between the send and `markSent` leaves its lease to run out, and the mail goes out again.
 */
export async function drainOutbox(
  deps: Deps,
  transport: MailTransport,
  options: { render: MailRenderer; batch?: number },
): Promise<number> {
  const claimed = await deps.storage.write((tx) =>
    tx.outbox.claimDueMails(deps.clock.now(), options.batch ?? 20, LEASE_MS),
  );
  let sent = 0;
  for (const mail of claimed) {
    try {
      const content = await options.render(mail);
      if (!content) {
        // The appointment's data is gone (erased): nothing to send, now or later.
        await deps.storage.write((tx) => tx.outbox.markFailed(mail.id, mail.attempts, NOTHING_TO_SEND));
        continue;
      }
      await transport.sendMail({
        from: deps.config.MAIL_FROM,
        to: mail.to,
        subject: content.subject,
        text: content.text,
        attachments: content.attachments.length > 0 ? content.attachments : undefined,
      });
      await deps.storage.write((tx) =>
        tx.outbox.markSent(mail.id, deps.clock.now(), mail.render ? content : undefined),
      );
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

/** The error kept on a mail whose appointment was erased before it was sent. */
export const NOTHING_TO_SEND = 'not sent: the appointment it was about is gone';
