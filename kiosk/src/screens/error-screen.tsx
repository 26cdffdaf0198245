import { useTranslation } from 'react-i18next';
import type { ClientErrorCode } from '../../../shared-web/api.ts';

/** A refusal that sending again will not change (closed, unknown reference …). */
export function ErrorScreen({
  code,
  message,
  onBack,
}: {
  code: ClientErrorCode;
  /** The refusal in words, with the time from when it works where known. */
  message: string;
  onBack: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="kiosk--center" role="alert" data-error-code={code}>
      <h1 className="kiosk__title">{t('kiosk.errorTitle')}</h1>
      <p className="kiosk__lead">{message}</p>
      <div className="kiosk__actions">
        <button type="button" className="kiosk-button kiosk-button--primary" onClick={onBack}>
          {t('kiosk.back')}
        </button>
      </div>
    </div>
  );
}
