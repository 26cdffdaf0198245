import { useTranslation } from 'react-i18next';
import { otherLanguage } from '../../shared-web/i18n.ts';
import { useMunicipality } from '../../shared-web/municipality.ts';

/** Language, large text and read-aloud: the resident's own settings, reset when the kiosk goes idle. */
export function KioskToolbar({
  largeText,
  readAloud,
  onLargeText,
  onReadAloud,
}: {
  largeText: boolean;
  readAloud: boolean;
  onLargeText: () => void;
  onReadAloud: () => void;
}) {
  const { t, i18n } = useTranslation();
  const municipality = useMunicipality();
  return (
    <div className="kiosk__toolbar">
      <p className="kiosk__brand">
        <span aria-hidden="true">✕✕✕ </span>
        {municipality?.name ?? ''}
      </p>
      <button
        type="button"
        className="kiosk-toggle"
        lang={otherLanguage(i18n.language)}
        onClick={() => void i18n.changeLanguage(otherLanguage(i18n.language))}
      >
        {t('lang.switchTo')}
      </button>
      <button type="button" className="kiosk-toggle" aria-pressed={largeText} onClick={onLargeText}>
        {t('kiosk.largeText')}
      </button>
      <button type="button" className="kiosk-toggle" aria-pressed={readAloud} onClick={onReadAloud}>
        {t('kiosk.readAloud')}
      </button>
    </div>
  );
}
