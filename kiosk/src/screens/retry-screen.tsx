import { useTranslation } from 'react-i18next';
import type { ClientErrorCode } from '../../../shared-web/api.ts';
import { kioskErrorMessage } from '../kiosk-text.ts';

/** A request that may be sent again unchanged (network gone, server busy). */
export function RetryScreen({
  code,
  onRetry,
  onCancel,
}: {
  code: ClientErrorCode;
  onRetry: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="kiosk--center" role="alert">
      <h1 className="kiosk__title">{t('kiosk.retryTitle')}</h1>
      <p className="kiosk__lead">{kioskErrorMessage(t, code)}</p>
      <p className="kiosk__lead">{t('kiosk.retryText')}</p>
      <div className="kiosk__actions">
        <button type="button" className="kiosk-button kiosk-button--primary" onClick={onRetry}>
          {t('kiosk.retry')}
        </button>
        <button type="button" className="kiosk-button" onClick={onCancel}>
          {t('kiosk.cancel')}
        </button>
      </div>
    </div>
  );
}
