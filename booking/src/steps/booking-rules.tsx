import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BookingRules } from '../../../server/contracts/fairness.ts';
import { formatDateTime, formatLocalDate, formatTime } from '../../../shared-web/datetime.ts';

/** "New times appear every working day at 08:00; next: …" — where the office releases capacity on a schedule. */
export function ReleaseNote({ rules, zone }: { rules: BookingRules | null; zone: string }) {
  const { t, i18n } = useTranslation();
  const release = rules?.release;
  if (!release || release.mode === 'off') return null;
  const days = release.weekdays
    .map((d) => new Intl.DateTimeFormat(i18n.language, { weekday: 'long' }).format(new Date(Date.UTC(2024, 0, d))))
    .join(', ');
  return (
    <div className="utrecht-alert utrecht-alert--info release-note">
      <p className="utrecht-paragraph">
        {t(release.mode === 'weekly' ? 'booking.release.weekly' : 'booking.release.daily', {
          days,
          time: release.time,
          ahead: release.daysAhead,
        })}
        {release.next
          ? ` ${t('booking.release.next', {
              at: formatDateTime(release.next.at, i18n.language, zone),
              through: formatLocalDate(release.next.opensThrough, i18n.language),
            })}`
          : null}
      </p>
    </div>
  );
}

/** Minutes left of a hold, refreshed each half minute (not each second: a live region must not chatter). */
export function useMinutesLeft(until: string | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!until) return;
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, [until]);
  if (!until) return null;
  return Math.max(0, Math.ceil((Date.parse(until) - now) / 60_000));
}

/** On the confirmation screen: the time is held until … — confirm with the link in the mail. */
export function HoldNotice({ until, email, zone }: { until: string; email: string; zone: string }) {
  const { t, i18n } = useTranslation();
  const left = useMinutesLeft(until);
  const time = formatTime(until, i18n.language, zone);
  return (
    <div className="utrecht-alert utrecht-alert--warning hold-notice" data-testid="hold-notice">
      <div className="utrecht-alert__content">
        <p className="utrecht-paragraph">
          <strong>{t('booking.hold.title')}</strong>
        </p>
        <p className="utrecht-paragraph">{t('booking.hold.text', { email, time })}</p>
        <p className="utrecht-paragraph" aria-live="polite">
          {left === 0 ? t('booking.hold.lapsed') : t('booking.hold.left', { count: left ?? 0 })}
        </p>
      </div>
    </div>
  );
}
