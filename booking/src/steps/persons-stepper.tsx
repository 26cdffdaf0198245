import { useTranslation } from 'react-i18next';

/**
 * "− 2 +": how many persons, as a stepper instead of a text-like select. The number is an output the
 * buttons change (announced politely); the buttons name the service, so a screen reader hears
 * "Eén persoon minder voor Paspoort aanvragen".
 */
export function PersonsStepper({
  id,
  service,
  value,
  max,
  onChange,
}: {
  id: string;
  service: string;
  value: number;
  max: number;
  onChange: (persons: number) => void;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="stepper" aria-labelledby={`${id}-label`}>
      <button
        type="button"
        className="stepper__button"
        aria-label={t('booking.services.fewer', { service })}
        disabled={value <= 0}
        onClick={() => onChange(value - 1)}
      >
        −
      </button>
      <output id={id} className="stepper__value" aria-live="polite">
        {value === 0 ? t('booking.services.none') : t('common.persons', { count: value })}
      </output>
      <button
        type="button"
        className="stepper__button"
        aria-label={t('booking.services.more', { service })}
        disabled={value >= max}
        onClick={() => onChange(value + 1)}
      >
        +
      </button>
    </fieldset>
  );
}
