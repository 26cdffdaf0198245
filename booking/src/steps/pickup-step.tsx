import { Button } from '@utrecht/button-react';
import { useTranslation } from 'react-i18next';
import { formatLocalDate } from '../../../shared-web/datetime.ts';
import type { Items } from '../api.ts';
import { DayPicker, TimePicker } from './day-time.tsx';

/** The optional pickup appointment (a passport is collected some working days after applying). */
export function PickupStep({
  locationId,
  items,
  zone,
  from,
  date,
  start,
  taken,
  refreshKey,
  invalid,
  describedBy,
  onDate,
  onStart,
  onSkip,
}: {
  locationId: string;
  items: Items;
  zone: string;
  /** The earliest pickup day. */
  from: string;
  date: string | null;
  start: string | null;
  /** The chosen pickup time went to someone else while the resident was booking. */
  taken: boolean;
  refreshKey: number;
  invalid: boolean;
  describedBy: string | undefined;
  onDate: (date: string) => void;
  onStart: (start: string) => void;
  onSkip: () => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <>
      <p className="utrecht-paragraph">{t('booking.pickup.intro', { date: formatLocalDate(from, i18n.language) })}</p>
      {taken ? (
        <div className="utrecht-alert utrecht-alert--warning" role="alert" data-error-code="slot-unavailable">
          <p className="utrecht-paragraph">{t('booking.pickup.taken')}</p>
        </div>
      ) : null}
      <DayPicker
        name="pickup-day"
        legend={t('booking.pickup.dayLegend')}
        locationId={locationId}
        items={items}
        zone={zone}
        from={from}
        value={date}
        onChange={onDate}
      />
      {date ? (
        <TimePicker
          name="pickup-time"
          legend={t('booking.pickup.timeLegend', { date: formatLocalDate(date, i18n.language) })}
          locationId={locationId}
          items={items}
          zone={zone}
          date={date}
          value={start}
          refreshKey={refreshKey}
          invalid={invalid}
          describedBy={describedBy}
          onChange={onStart}
        />
      ) : null}
      <p className="utrecht-paragraph">
        <Button type="button" appearance="subtle-button" onClick={onSkip}>
          {t('booking.pickup.skip')}
        </Button>
      </p>
    </>
  );
}
