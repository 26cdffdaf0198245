import { useTranslation } from 'react-i18next';
import { formatLocalDate } from '../../../shared-web/datetime.ts';
import { bookingApi, type DayHours } from '../api.ts';
import { useAsync } from '../use-async.ts';

const spans = (list: DayHours['opening']) => list.map((s) => `${s.opens}–${s.closes}`).join(', ');

/**
 * This week's opening hours of an office (closures applied) with its walk-in hours, and a map link
 * (OpenStreetMap, a plain link: nothing loads from a third party until the resident follows it).
 */
export function WeekHours({ locationId, address, name }: { locationId: string; address: string; name: string }) {
  const { t, i18n } = useTranslation();
  const hours = useAsync(() => bookingApi.hours(locationId), [locationId]);
  const mapUrl = `https://www.openstreetmap.org/search?query=${encodeURIComponent(address)}`;
  return (
    <details className="week-hours">
      <summary>{t('booking.location.hoursAndRoute', { name })}</summary>
      {hours.status === 'ok' ? (
        <table className="week-hours__table">
          <caption className="loket-visually-hidden">{t('booking.location.hoursCaption', { name })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('booking.location.day')}</th>
              <th scope="col">{t('booking.location.open')}</th>
              <th scope="col">{t('booking.location.walkIn')}</th>
            </tr>
          </thead>
          <tbody>
            {hours.data.map((d) => (
              <tr key={d.date}>
                <th scope="row">{formatLocalDate(d.date, i18n.language, 'short')}</th>
                <td>{d.closed ? t('booking.location.closed') : spans(d.opening)}</td>
                <td>{d.closed || d.walkIn.length === 0 ? '–' : spans(d.walkIn)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : hours.status === 'loading' ? (
        <p className="utrecht-paragraph">{t('common.loading')}</p>
      ) : null}
      <p className="utrecht-paragraph">
        <a className="utrecht-link" href={mapUrl} target="_blank" rel="noopener noreferrer">
          {t('booking.location.map', { address })}
        </a>
      </p>
    </details>
  );
}
