import { useTranslation } from 'react-i18next';
import { addDays, formatLocalDate, localDateOf } from '../../../shared-web/datetime.ts';
import { bandForMinutes, waitBandText } from '../../../shared-web/wait-band.ts';
import { addressLine, bookingApi, type Items, type Location } from '../api.ts';
import { useAsync } from '../use-async.ts';
import { daysAhead } from './day-time.tsx';

/**
 * An office's address, how busy it is right now, and how long the wait for an appointment is there (its first
 * free day for the chosen services), under its name in the location step: the resident can choose the office
 * where they are helped soonest before walking through its calendar.
 */
export function LocationInfo({ location, items }: { location: Location; items: Items }) {
  const { t } = useTranslation();
  return (
    <>
      {addressLine(location.address) ? <span className="choice__line">{addressLine(location.address)}</span> : null}
      <FirstFreeDay location={location} items={items} />
      <span className="choice__line busy">
        {location.waiting === null
          ? t('booking.location.busyUnknown')
          : location.waitMinutes === null
            ? t('booking.location.busyNoCounter', { count: location.waiting })
            : t('booking.location.busyNow', {
                count: location.waiting,
                band: waitBandText(t, bandForMinutes(location.waitMinutes)),
              })}
      </span>
    </>
  );
}

/** Dates with the longest names (a Wednesday and a Thursday in September): the room the line keeps for any day. */
const longestDates = ['2026-09-30', '2026-09-24'];

/**
 * The line's room is kept from the first paint: while the days load it says it is looking, and the text that
 * arrives takes no more room than the invisible widest texts stacked in the same cell, so the offices under it
 * do not move when it comes (also where the line wraps, on a phone).
 */
function FirstFreeDay({ location, items }: { location: Location; items: Items }) {
  const { t, i18n } = useTranslation();
  const key = items.map((i) => `${i.code}:${i.persons}`).join(',');
  const days = useAsync(() => {
    const today = localDateOf(new Date(), location.timeZone);
    return bookingApi.availableDays(location.id, items, today, addDays(today, daysAhead));
  }, [location.id, location.timeZone, key]);
  const first = days.status === 'ok' ? days.data[0] : undefined;
  return (
    <span className="choice__line first-free-line">
      <span className="first-free-line__sizer" aria-hidden="true">
        {longestDates.map((d) => (
          <span key={d}>{t('booking.location.firstFree', { date: formatLocalDate(d, i18n.language) })}</span>
        ))}
        <span>{t('booking.location.noFreeDay', { weeks: daysAhead / 7 })}</span>
        <span>{t('booking.location.firstFreeUnknown')}</span>
      </span>
      {days.status === 'loading' ? (
        <span className="first-free-line__pending" data-testid={`first-free-pending-${location.id}`}>
          {t('booking.location.firstFreeLoading')}
        </span>
      ) : days.status === 'error' ? (
        // It cannot be known now: the calendar of the next step says it anyway.
        <span>{t('booking.location.firstFreeUnknown')}</span>
      ) : (
        <span data-testid={`first-free-${location.id}`}>
          {first
            ? t('booking.location.firstFree', { date: formatLocalDate(first, i18n.language) })
            : t('booking.location.noFreeDay', { weeks: daysAhead / 7 })}
        </span>
      )}
    </span>
  );
}
