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

function FirstFreeDay({ location, items }: { location: Location; items: Items }) {
  const { t, i18n } = useTranslation();
  const key = items.map((i) => `${i.code}:${i.persons}`).join(',');
  const days = useAsync(() => {
    const today = localDateOf(new Date(), location.timeZone);
    return bookingApi.availableDays(location.id, items, today, addDays(today, daysAhead));
  }, [location.id, location.timeZone, key]);
  // Nothing while it loads or when it cannot be known: the calendar of the next step says it anyway.
  if (days.status !== 'ok') return null;
  const first = days.data[0];
  return (
    <span className="choice__line" data-testid={`first-free-${location.id}`}>
      {first
        ? t('booking.location.firstFree', { date: formatLocalDate(first, i18n.language) })
        : t('booking.location.noFreeDay', { weeks: daysAhead / 7 })}
    </span>
  );
}
