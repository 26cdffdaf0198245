import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatLocalDate } from '../../../shared-web/datetime.ts';
import { monthGrid, monthOf, shiftMonth } from '../calendar-grid.ts';

/**
 * A month calendar of the bookable days (NL Design System has no released calendar component in the
 * packages we can install; this follows its date-picker pattern): a table per month, weeks from Monday,
 * free days as buttons with the full date as their name and `aria-pressed` for the chosen one, other days
 * as plain, muted numbers. "Previous month" / "Next month" move within the months that have free days.
 */
export function MonthCalendar({
  days,
  value,
  onChange,
  legend,
  invalid,
  describedBy,
}: {
  /** Bookable local dates `YYYY-MM-DD`, ascending. */
  days: readonly string[];
  value: string | null;
  onChange: (date: string) => void;
  legend: string;
  invalid?: boolean;
  describedBy?: string;
}) {
  const { t, i18n } = useTranslation();
  const free = new Set(days);
  const first = monthOf(days[0] ?? value ?? '2026-01-01');
  const last = monthOf(days[days.length - 1] ?? first);
  const [month, setMonth] = useState(() => monthOf(value ?? days[0] ?? first));
  const weeks = monthGrid(month);
  const monthName = new Intl.DateTimeFormat(i18n.language.startsWith('en') ? 'en-GB' : 'nl-NL', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${month}-01T12:00:00Z`));
  const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
  return (
    <fieldset
      className={`utrecht-form-fieldset calendar${invalid ? ' utrecht-form-fieldset--invalid' : ''}`}
      aria-invalid={invalid || undefined}
      aria-describedby={describedBy}
    >
      <legend className="utrecht-form-fieldset__legend">{legend}</legend>
      <div className="calendar__nav">
        <button
          type="button"
          className="utrecht-button utrecht-button--secondary-action"
          disabled={month <= first}
          onClick={() => setMonth(shiftMonth(month, -1))}
        >
          {t('booking.calendar.previous')}
        </button>
        <p className="calendar__month" aria-live="polite">
          {monthName}
        </p>
        <button
          type="button"
          className="utrecht-button utrecht-button--secondary-action"
          disabled={month >= last}
          onClick={() => setMonth(shiftMonth(month, 1))}
        >
          {t('booking.calendar.next')}
        </button>
      </div>
      <table className="calendar__table">
        <caption className="loket-visually-hidden">{monthName}</caption>
        <thead>
          <tr>
            {weekdays.map((d) => (
              <th key={d} scope="col" abbr={t(`booking.calendar.weekday.${d}`)}>
                {t(`booking.calendar.short.${d}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((week) => (
            <tr key={week[0]?.key ?? month}>
              {week.map(({ key, date }) => {
                if (!date) return <td key={key} />;
                const dayNumber = Number(date.slice(8));
                if (!free.has(date))
                  return (
                    <td key={date} className="calendar__day calendar__day--closed">
                      <span aria-hidden="true">{dayNumber}</span>
                    </td>
                  );
                return (
                  <td key={date} className="calendar__day">
                    <button
                      type="button"
                      className="calendar__button"
                      aria-pressed={value === date}
                      aria-label={formatLocalDate(date, i18n.language)}
                      data-date={date}
                      onClick={() => onChange(date)}
                    >
                      {dayNumber}
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="calendar__legend">{t('booking.calendar.legend')}</p>
    </fieldset>
  );
}
