import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../../shared-web/components/error-alert.tsx';
import { addDays, formatLocalDate, formatTime, localDateOf } from '../../../shared-web/datetime.ts';
import { bookingApi, type Items } from '../api.ts';
import { type DayPart, dayPartOf } from '../calendar-grid.ts';
import { useAsync } from '../use-async.ts';
import { ChoiceGroup } from './choice-group.tsx';
import { MonthCalendar } from './month-calendar.tsx';

const parts: DayPart[] = ['morning', 'afternoon', 'evening'];

/** How far ahead residents can look; the server's booking window has the last word. */
export const daysAhead = 42;

export function DayPicker({
  locationId,
  items,
  zone,
  value,
  onChange,
  invalid,
  name = 'day',
  legend,
  from: earliest,
  onFirstFree,
}: {
  locationId: string;
  items: Items;
  zone: string;
  value: string | null;
  onChange: (date: string) => void;
  invalid?: boolean;
  /** Radio group name, so two pickers on one page do not share a group. */
  name?: string;
  legend?: string;
  /** First day to offer (default: today). */
  from?: string;
  /** Offer the first free time as a shortcut (day and time in one tap). */
  onFirstFree?: (date: string, start: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const key = items.map((i) => `${i.code}:${i.persons}`).join(',');
  const days = useAsync(() => {
    const today = localDateOf(new Date(), zone);
    const from = earliest && earliest > today ? earliest : today;
    return bookingApi.availableDays(locationId, items, from, addDays(from, daysAhead));
  }, [locationId, key, zone, earliest]);
  if (days.status === 'loading')
    return (
      <p className="utrecht-paragraph" role="status">
        {t('common.loading')}
      </p>
    );
  if (days.status === 'error')
    return (
      <ErrorAlert error={days.error}>
        <button type="button" className="utrecht-button utrecht-button--secondary-action" onClick={days.reload}>
          {t('common.retry')}
        </button>
      </ErrorAlert>
    );
  if (days.data.length === 0) return <p className="utrecht-paragraph">{t('booking.day.none')}</p>;
  const firstDay = days.data[0];
  return (
    <>
      {onFirstFree && firstDay ? (
        <FirstFreeTime locationId={locationId} items={items} zone={zone} date={firstDay} onChoose={onFirstFree} />
      ) : null}
      <MonthCalendar
        key={name}
        days={days.data}
        value={value}
        onChange={onChange}
        legend={legend ?? t('booking.day.legend')}
        invalid={invalid}
        describedBy={invalid ? 'step-error' : undefined}
      />
      {value ? (
        <p className="utrecht-paragraph calendar__chosen" aria-live="polite">
          {t('booking.day.chosen', { date: formatLocalDate(value, i18n.language) })}
        </p>
      ) : null}
    </>
  );
}

/** "First free time: Tuesday 24 November at 11:00 — choose it": day and time in one tap. */
function FirstFreeTime({
  locationId,
  items,
  zone,
  date,
  onChoose,
}: {
  locationId: string;
  items: Items;
  zone: string;
  date: string;
  onChoose: (date: string, start: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const key = items.map((i) => `${i.code}:${i.persons}`).join(',');
  const times = useAsync(() => bookingApi.availableTimes(locationId, items, date), [locationId, key, date]);
  const first = times.status === 'ok' ? times.data[0] : undefined;
  if (!first) return null;
  const when = `${formatLocalDate(date, i18n.language)}, ${formatTime(first, i18n.language, zone)}`;
  return (
    <div className="first-free">
      <p className="utrecht-paragraph first-free__text">{t('booking.day.firstFree', { when })}</p>
      <button
        type="button"
        className="utrecht-button utrecht-button--primary-action"
        onClick={() => onChoose(date, first)}
      >
        {t('booking.day.takeFirstFree')}
      </button>
    </div>
  );
}

export function TimePicker({
  locationId,
  items,
  zone,
  date,
  value,
  onChange,
  alternatives = [],
  invalid,
  refreshKey = 0,
  name = 'time',
  legend,
  describedBy,
}: {
  locationId: string;
  items: Items;
  zone: string;
  date: string;
  value: string | null;
  onChange: (start: string) => void;
  alternatives?: string[];
  invalid?: boolean;
  refreshKey?: number;
  name?: string;
  legend?: string;
  describedBy?: string;
}) {
  const { t, i18n } = useTranslation();
  const key = items.map((i) => `${i.code}:${i.persons}`).join(',');
  const times = useAsync(() => bookingApi.availableTimes(locationId, items, date), [locationId, key, date, refreshKey]);
  const label = (iso: string) => formatTime(iso, i18n.language, zone);
  // The hour at the office, whatever the device's zone and language.
  const partOf = (iso: string): DayPart => dayPartOf(Number(formatTime(iso, 'nl', zone).slice(0, 2)));
  return (
    <>
      {alternatives.length > 0 ? (
        <div className="utrecht-alert utrecht-alert--warning" role="alert" data-error-code="slot-unavailable">
          <div className="utrecht-alert__content">
            <p className="utrecht-paragraph">{t('booking.time.taken')}</p>
            <div className="button-row">
              {alternatives.map((a) => (
                <button
                  key={a}
                  type="button"
                  className="utrecht-button utrecht-button--secondary-action"
                  aria-pressed={value === a}
                  onClick={() => onChange(a)}
                >
                  {label(a)}
                </button>
              ))}
            </div>
          </div>
        </div>
      ) : null}
      {times.status === 'loading' ? (
        <p className="utrecht-paragraph" role="status">
          {t('common.loading')}
        </p>
      ) : times.status === 'error' ? (
        <ErrorAlert error={times.error}>
          <button type="button" className="utrecht-button utrecht-button--secondary-action" onClick={times.reload}>
            {t('common.retry')}
          </button>
        </ErrorAlert>
      ) : times.data.length === 0 ? (
        <p className="utrecht-paragraph">{t('booking.time.none')}</p>
      ) : (
        <fieldset className="utrecht-form-fieldset times" aria-describedby={describedBy}>
          <legend className="utrecht-form-fieldset__legend">
            {legend ?? t('booking.time.legend', { date: formatLocalDate(date, i18n.language) })}
          </legend>
          {parts.map((part) => {
            const inPart = times.data.filter((iso) => partOf(iso) === part);
            if (inPart.length === 0) return null;
            return (
              <ChoiceGroup
                key={part}
                name={name}
                legend={t(`booking.time.part.${part}`)}
                columns
                compact
                invalid={invalid}
                value={value}
                onChange={onChange}
                options={inPart.map((iso) => ({ value: iso, label: label(iso) }))}
              />
            );
          })}
        </fieldset>
      )}
    </>
  );
}
