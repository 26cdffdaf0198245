import { useTranslation } from 'react-i18next';
import type { Service } from '../api.ts';
import { formatEuro } from '../calendar-grid.ts';
import { PersonsStepper } from './persons-stepper.tsx';

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
  const { t, i18n } = useTranslation();
  const euro = (cents: number) => formatEuro(cents, i18n.language);
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
              <p className="service__name" id={`${id}-label`}>
                {s.name[lang]}
              </p>
              <PersonsStepper
                id={id}
                service={s.name[lang]}
                value={n}
                max={s.maxPersons}
                onChange={(persons) => onChange(s.code, persons)}
              />
            </div>
            <p className="service__meta">
              {t('booking.services.duration', { minutes: s.minutesPerPerson })}
              {s.fees.adult !== null
                ? ` · ${
                    s.fees.minor !== null && s.fees.minor !== s.fees.adult
                      ? t('booking.services.feeAgeGroups', { adult: euro(s.fees.adult), minor: euro(s.fees.minor) })
                      : t('booking.services.fee', { amount: euro(s.fees.adult) })
                  }`
                : ''}
            </p>
            {n > 0 && s.necessities[lang].length > 0 ? (
              <div className="service__bring">
                <p className="service__bring-title">
                  {n > 1 ? t('booking.services.bringEach', { count: n }) : `${t('booking.services.bring')}:`}
                </p>
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
