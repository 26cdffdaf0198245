import { FormLabel } from '@utrecht/form-label-react';
import { useTranslation } from 'react-i18next';
import type { Service } from '../api.ts';

type Lang = 'nl' | 'en';

/** Step 1: which services, for how many persons each, and what to bring. */
export function ServicesStep({
  services,
  persons,
  lang,
  invalid,
  onChange,
}: {
  services: Service[];
  persons: Record<string, number>;
  lang: Lang;
  invalid: boolean;
  onChange: (code: string, persons: number) => void;
}) {
  const { t } = useTranslation();
  return (
    <fieldset
      className="utrecht-form-fieldset services"
      aria-invalid={invalid || undefined}
      aria-describedby={invalid ? 'step-error' : undefined}
    >
      <legend className="utrecht-form-fieldset__legend">{t('booking.services.legend')}</legend>
      {services.map((s) => {
        const n = persons[s.code] ?? 0;
        const id = `persons-${s.code}`;
        return (
          <div key={s.code} className={`service${n > 0 ? ' service--chosen' : ''}`}>
            <div className="service__head">
              <FormLabel htmlFor={id} className="service__name">
                {s.name[lang]}
                <span className="loket-visually-hidden">
                  : {t('booking.services.persons', { service: s.name[lang] })}
                </span>
              </FormLabel>
              <select
                id={id}
                className="utrecht-select utrecht-select--html-select service__persons"
                value={n}
                onChange={(e) => onChange(s.code, Number(e.target.value))}
              >
                <option value={0}>{t('booking.services.none')}</option>
                {Array.from({ length: s.maxPersons }, (_, i) => i + 1).map((p) => (
                  <option key={p} value={p}>
                    {t('common.persons', { count: p })}
                  </option>
                ))}
              </select>
            </div>
            <p className="service__meta">{t('booking.services.duration', { minutes: s.minutesPerPerson })}</p>
            {n > 0 && s.necessities[lang].length > 0 ? (
              <div className="service__bring">
                <p className="service__bring-title">{t('booking.services.bring')}:</p>
                <ul className="utrecht-unordered-list">
                  {s.necessities[lang].map((x) => (
                    <li key={x} className="utrecht-unordered-list__item">
                      {x}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
          </div>
        );
      })}
    </fieldset>
  );
}
