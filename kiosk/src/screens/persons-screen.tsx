import { useTranslation } from 'react-i18next';

/** How many persons the ticket is for, when a service allows more than one. */
export function PersonsScreen({
  serviceName,
  maxPersons,
  offline,
  onChoose,
  onBack,
}: {
  serviceName: string;
  maxPersons: number;
  offline: boolean;
  onChoose: (persons: number) => void;
  onBack: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="kiosk--center">
      <h1 className="kiosk__title">{t('kiosk.personsTitle')}</h1>
      <p className="kiosk__lead">{t('kiosk.personsText', { service: serviceName })}</p>
      <div className="kiosk__persons">
        {Array.from({ length: maxPersons }, (_, i) => i + 1).map((n) => (
          <button
            key={n}
            type="button"
            className="kiosk-button kiosk-button--service"
            disabled={offline}
            onClick={() => onChoose(n)}
          >
            {t('kiosk.personsButton', { count: n })}
          </button>
        ))}
      </div>
      <button type="button" className="kiosk-button" onClick={onBack}>
        {t('kiosk.back')}
      </button>
    </div>
  );
}
