import { useTranslation } from 'react-i18next';

/** Says so plainly when the server cannot be reached; role=alert so screen readers hear it. */
export function OfflineBanner({ offline }: { offline: boolean }) {
  const { t } = useTranslation();
  if (!offline) return null;
  return (
    <div className="loket-offline-banner" role="alert" data-testid="offline-banner">
      <strong>{t('offline.title')}</strong> — {t('offline.text')}
    </div>
  );
}
