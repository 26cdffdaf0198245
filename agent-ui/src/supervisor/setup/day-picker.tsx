import { useTranslation } from 'react-i18next';
import { type Weekday, weekdays } from '../setup-model.ts';

/** Weekday check boxes for a weekly rule (opening hours, rosters). */
export function DayPicker({
  value,
  onChange,
  name,
}: {
  value: Weekday[];
  onChange: (v: Weekday[]) => void;
  name: string;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="days">
      <legend>{t('agent.admin.days')}</legend>
      {weekdays.map((d) => (
        <label key={d} className="inline">
          <input
            type="checkbox"
            name={name}
            checked={value.includes(d)}
            onChange={(e) => onChange(e.target.checked ? [...value, d] : value.filter((x) => x !== d))}
          />
          {t(`agent.admin.weekday.${d}`)}
        </label>
      ))}
    </fieldset>
  );
}
