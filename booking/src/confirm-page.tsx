import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared-web/api.ts';
import { ErrorAlert } from '../../shared-web/components/error-alert.tsx';
import { formatDateTime } from '../../shared-web/datetime.ts';
import { type Appointment, bookingApi } from './api.ts';
import { manageUrl } from './calendar.ts';

/**
 * `/confirm/<reference>#code=…&token=…` — the link in the hold mail (double opt-in). The code proves the
 * mailbox; the manage token (also only in the fragment, never in a server log) lets the page show the
 * appointment and link to managing it. Confirming twice is fine; a lapsed hold says so.
 */
export function ConfirmPage({ reference }: { reference: string }) {
  const { t, i18n } = useTranslation();
  const [params] = useState(() => new URLSearchParams(window.location.hash.replace(/^#/, '')));
  const code = params.get('code');
  const token = params.get('token');
  const [state, setState] = useState<
    { kind: 'busy' } | { kind: 'done'; appointment: Appointment } | { kind: 'error'; error: unknown }
  >({ kind: 'busy' });
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!code || !token) return;
    let live = true;
    bookingApi.confirm(reference, token, code).then(
      (appointment) => live && setState({ kind: 'done', appointment }),
      (error: unknown) => live && setState({ kind: 'error', error }),
    );
    return () => {
      live = false;
    };
  }, [reference, code, token]);
  useEffect(() => {
    if (state.kind !== 'busy') heading.current?.focus();
  }, [state.kind]);

  const title = (
    <h1 className="utrecht-heading-1" ref={heading} tabIndex={-1}>
      {t('confirm.title')}
    </h1>
  );
  if (!code || !token)
    return (
      <>
        {title}
        <div className="utrecht-alert utrecht-alert--error" role="alert">
          <p className="utrecht-paragraph">{t('confirm.incomplete')}</p>
        </div>
      </>
    );
  if (state.kind === 'busy')
    return (
      <>
        {title}
        <p className="utrecht-paragraph" role="status">
          {t('confirm.busy')}
        </p>
      </>
    );
  if (state.kind === 'error') {
    const expired = state.error instanceof ApiError && state.error.code === 'hold-expired';
    return (
      <>
        {title}
        {expired ? (
          <div className="utrecht-alert utrecht-alert--warning" role="alert" data-testid="hold-expired">
            <p className="utrecht-paragraph">{t('confirm.expired')}</p>
          </div>
        ) : (
          <ErrorAlert error={state.error} />
        )}
        <p className="utrecht-paragraph">
          <a className="utrecht-link" href="/">
            {t('confirm.again')}
          </a>
        </p>
      </>
    );
  }
  const a = state.appointment;
  return (
    <>
      {title}
      <div className="utrecht-alert utrecht-alert--ok" role="status" data-testid="confirmed">
        <p className="utrecht-paragraph">{t('confirm.done')}</p>
      </div>
      <p className="utrecht-paragraph">
        {a.reference} — {formatDateTime(a.start, i18n.language, a.location?.timeZone)}
        {a.location ? `, ${a.location.name}` : ''}
      </p>
      <p className="utrecht-paragraph">
        <a className="utrecht-link" href={manageUrl(a.reference, token)}>
          {t('confirm.manage')}
        </a>
      </p>
    </>
  );
}
