import { useTranslation } from 'react-i18next';

/** While the ticket or check-in request is on its way. */
export function PendingScreen() {
  const { t } = useTranslation();
  return (
    <div className="kiosk--center" role="status">
      <p className="kiosk__lead">{t('kiosk.pending')}</p>
    </div>
  );
}
