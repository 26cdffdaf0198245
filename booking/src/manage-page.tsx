import { Button } from '@utrecht/button-react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../shared-web/components/error-alert.tsx';
import { formatDateTime, formatTime } from '../../shared-web/datetime.ts';
import { type Appointment, addressLine, bookingApi } from './api.ts';
import { downloadCalendar } from './calendar.ts';
import { DayPicker, TimePicker } from './steps/day-time.tsx';
import { useAsync } from './use-async.ts';

/** The manage token travels in the fragment (never sent to servers or logs); kept for reloads. */
export function manageTokenFor(reference: string): string | null {
  const fromHash = new URLSearchParams(window.location.hash.replace(/^#/, '')).get('token');
  const key = `loket.manage.${reference}`;
  if (fromHash) {
    try {
      sessionStorage.setItem(key, fromHash);
    } catch {
      // no storage: the fragment still has it
    }
    return fromHash;
  }
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

export function ManagePage({ reference }: { reference: string }) {
  const { t } = useTranslation();
  const [token] = useState(() => manageTokenFor(reference));
  if (!token)
    return (
      <>
        <h1 className="utrecht-heading-1">{t('manage.title')}</h1>
        <div className="utrecht-alert utrecht-alert--error" role="alert">
          <p className="utrecht-paragraph">{t('manage.noToken')}</p>
        </div>
      </>
    );
  return <ManageAppointment reference={reference} token={token} />;
}

function ManageAppointment({ reference, token }: { reference: string; token: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language.startsWith('en') ? 'en' : 'nl';
  const [override, setOverride] = useState<Appointment | null>(null);
  const loaded = useAsync(() => bookingApi.appointment(reference, token), [reference, token]);
  const [mode, setMode] = useState<'view' | 'move' | 'cancel'>('view');
  const [notice, setNotice] = useState<'moved' | 'cancelled' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [date, setDate] = useState<string | null>(null);
  const [start, setStart] = useState<string | null>(null);
  const [timesKey, setTimesKey] = useState(0);
  const noticeRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  if (loaded.status === 'loading') return <p role="status">{t('manage.loading')}</p>;
  if (loaded.status === 'error')
    return (
      <>
        <h1 className="utrecht-heading-1">{t('manage.title')}</h1>
        <ErrorAlert error={loaded.error} />
      </>
    );
  const appointment = override ?? loaded.data;
  const zone = appointment.location?.timeZone ?? 'Europe/Amsterdam';
  // A hold (not yet confirmed) can be moved or cancelled like a booking.
  const active = appointment.status === 'booked' || appointment.status === 'held';

  const act = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
      setTimesKey((k) => k + 1);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="manage">
      <h1 className="utrecht-heading-1">{t('manage.title')}</h1>
      {notice ? (
        <div className="utrecht-alert utrecht-alert--ok" role="status" tabIndex={-1} ref={noticeRef}>
          <p className="utrecht-paragraph">{t(`manage.${notice}`)}</p>
        </div>
      ) : null}
      <dl className="summary">
        <div className="summary__row">
          <dt>{t('booking.done.reference')}</dt>
          <dd className="done__reference done__reference--small">{appointment.reference}</dd>
        </div>
        <div className="summary__row">
          <dt>{t('booking.confirm.when')}</dt>
          <dd>{appointment.start ? formatDateTime(appointment.start, i18n.language, zone) : '—'}</dd>
        </div>
        {appointment.location ? (
          <div className="summary__row">
            <dt>{t('booking.confirm.where')}</dt>
            <dd>
              {appointment.location.name}
              {addressLine(appointment.location.address) ? `, ${addressLine(appointment.location.address)}` : ''}
            </dd>
          </div>
        ) : null}
        {appointment.services.map((item) => (
          <div className="summary__row" key={item.code}>
            <dt>{item.name[lang] || item.code}</dt>
            <dd>
              {t('common.persons', { count: item.persons })}
              {item.necessities[lang].length
                ? ` — ${t('booking.services.bring')}: ${item.necessities[lang].join('; ')}`
                : ''}
            </dd>
          </div>
        ))}
        <div className="summary__row">
          <dt>{t('manage.statusLabel')}</dt>
          <dd>{t(`manage.status.${appointment.status}`, { defaultValue: appointment.status })}</dd>
        </div>
      </dl>
      {appointment.status === 'held' && appointment.holdExpiresAt ? (
        <div className="utrecht-alert utrecht-alert--warning" data-testid="held">
          <p className="utrecht-paragraph">
            {t('manage.heldUntil', { time: formatTime(appointment.holdExpiresAt, i18n.language, zone) })}
          </p>
        </div>
      ) : null}
      <ErrorAlert error={error} />
      {active && mode === 'view' ? (
        <div className="button-row">
          <Button appearance="primary-action-button" onClick={() => setMode('move')}>
            {t('manage.move')}
          </Button>
          <Button
            appearance="secondary-action-button"
            onClick={() => downloadCalendar(appointment.reference, token).catch(setError)}
          >
            {t('booking.done.calendar')}
          </Button>
          <Button appearance="secondary-action-button" hint="danger" onClick={() => setMode('cancel')}>
            {t('manage.cancel')}
          </Button>
        </div>
      ) : null}
      {active && mode === 'cancel' ? (
        <div className="utrecht-alert utrecht-alert--warning" role="alertdialog" aria-labelledby="cancel-q">
          <div className="utrecht-alert__content">
            <p className="utrecht-paragraph" id="cancel-q">
              {t('manage.cancelConfirm')}
            </p>
            <div className="button-row">
              <Button
                appearance="primary-action-button"
                hint="danger"
                busy={busy}
                disabled={busy}
                onClick={() =>
                  act(async () => {
                    await bookingApi.cancel(appointment.reference, token);
                    setOverride({ ...appointment, status: 'cancelled' });
                    setMode('view');
                    setNotice('cancelled');
                  })
                }
              >
                {t('manage.cancelYes')}
              </Button>
              <Button appearance="secondary-action-button" onClick={() => setMode('view')}>
                {t('manage.cancelNo')}
              </Button>
            </div>
          </div>
        </div>
      ) : null}
      {active && mode === 'move' && appointment.location ? (
        <form
          className="step"
          onSubmit={(e) => {
            e.preventDefault();
            if (!start) return;
            void act(async () => {
              const moved = await bookingApi.reschedule(appointment.reference, token, start);
              setOverride({ ...appointment, ...moved, location: moved.location ?? appointment.location });
              setMode('view');
              setDate(null);
              setStart(null);
              setNotice('moved');
            });
          }}
        >
          <h2 className="utrecht-heading-2">{t('manage.move')}</h2>
          <DayPicker
            locationId={appointment.location.id}
            items={appointment.services}
            zone={zone}
            value={date}
            onChange={(d) => {
              setDate(d);
              setStart(null);
            }}
          />
          {date ? (
            <TimePicker
              locationId={appointment.location.id}
              items={appointment.services}
              zone={zone}
              date={date}
              value={start}
              refreshKey={timesKey}
              onChange={setStart}
            />
          ) : null}
          <div className="step__actions">
            <Button type="button" appearance="secondary-action-button" onClick={() => setMode('view')}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" appearance="primary-action-button" disabled={!start || busy} busy={busy}>
              {t('manage.moveSubmit')}
            </Button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
