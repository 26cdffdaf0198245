import { useTranslation } from 'react-i18next';

/** "Are you still there?" before the kiosk resets itself for the next resident. */
export function IdleDialog({ secondsLeft, onStillHere }: { secondsLeft: number; onStillHere: () => void }) {
  const { t } = useTranslation();
  return (
    <div
      className="kiosk-idle"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="idle-title"
      aria-describedby="idle-text"
    >
      <div className="kiosk-idle__box">
        <h2 id="idle-title" className="kiosk__title">
          {t('kiosk.idleTitle')}
        </h2>
        <p id="idle-text" className="kiosk__lead">
          {t('kiosk.idleText', { seconds: secondsLeft })}
        </p>
        <button type="button" className="kiosk-button kiosk-button--primary" onClick={onStillHere}>
          {t('kiosk.stillHere')}
        </button>
      </div>
    </div>
  );
}
