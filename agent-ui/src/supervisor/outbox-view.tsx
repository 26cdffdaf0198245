import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OutboxMail, OutboxResponse } from '../../../server/contracts/notify.ts';
import { api } from '../../../shared-web/api.ts';
import { formatDateTime } from '../../../shared-web/datetime.ts';
import { errorMessage } from '../../../shared-web/errors.ts';

/** The e-mail outbox: what was (or will be) sent, readable by staff when no SMTP server is configured. */
export function OutboxView({ token }: { token: string | null }) {
  const { t, i18n } = useTranslation();
  const [mails, setMails] = useState<OutboxMail[] | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    api
      .get<OutboxResponse>('/outbox', { token })
      .then((body) => setMails(body.mails))
      .catch((err) => setFailure(errorMessage(t, err)));
  }, [token, t]);

  return (
    <section className="card" aria-labelledby="outbox-heading">
      <h2 id="outbox-heading">{t('agent.outbox.title')}</h2>
      {failure && (
        <p className="banner banner-error" role="alert">
          {failure}
        </p>
      )}
      {mails && mails.length === 0 && <p className="muted">{t('agent.outbox.empty')}</p>}
      {mails && mails.length > 0 && (
        <table className="data-table" data-testid="outbox-table">
          <thead>
            <tr>
              <th scope="col">{t('agent.outbox.created')}</th>
              <th scope="col">{t('agent.outbox.to')}</th>
              <th scope="col">{t('agent.outbox.subject')}</th>
              <th scope="col">{t('agent.outbox.status')}</th>
            </tr>
          </thead>
          <tbody>
            {mails.map((m) => (
              <tr key={m.id}>
                <td>{formatDateTime(m.createdAt, i18n.language)}</td>
                <td>{m.to}</td>
                <td>
                  <button
                    type="button"
                    className="link"
                    aria-expanded={open === m.id}
                    onClick={() => setOpen(open === m.id ? null : m.id)}
                  >
                    {m.subject}
                  </button>
                  {open === m.id && m.text && <pre className="mail-text">{m.text}</pre>}
                </td>
                <td>{m.sentAt ? `✓ ${formatDateTime(m.sentAt, i18n.language)}` : (m.lastError ?? '…')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
