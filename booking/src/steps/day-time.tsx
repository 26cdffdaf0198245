import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../../shared-web/components/error-alert.tsx';
import { addDays, formatLocalDate, formatTime, localDateOf } from '../../../shared-web/datetime.ts';
import { bookingApi, type Items } from '../api.ts';
import { useAsync } from '../use-async.ts';
import { ChoiceGroup } from './choice-group.tsx';

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
  return (
    <ChoiceGroup
      name={name}
      legend={legend ?? t('booking.day.legend')}
      columns
      invalid={invalid}
      value={value}
      onChange={onChange}
      options={days.data.map((d) => ({ value: d, label: formatLocalDate(d, i18n.language) }))}
    />
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
        <ChoiceGroup
          name={name}
          legend={legend ?? t('booking.time.legend', { date: formatLocalDate(date, i18n.language) })}
          columns
          invalid={invalid}
          describedBy={describedBy}
          value={value}
          onChange={onChange}
          options={times.data.map((iso) => ({ value: iso, label: label(iso) }))}
        />
      )}
    </>
  );
}
