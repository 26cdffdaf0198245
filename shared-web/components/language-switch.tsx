import { Button } from '@utrecht/button-react';
import { useTranslation } from 'react-i18next';
import { otherLanguage } from '../i18n.ts';

/** One button naming the other language in that language, as NL Design System advises. */
export function LanguageSwitch({ className, onChange }: { className?: string; onChange?: (language: string) => void }) {
  const { t, i18n } = useTranslation();
  const next = otherLanguage(i18n.language);
  return (
    <Button
      type="button"
      appearance="subtle-button"
      className={['loket-language-switch', className].filter(Boolean).join(' ')}
      lang={next}
      aria-label={t('lang.switchToLabel')}
      onClick={() => {
        void i18n.changeLanguage(next);
        onChange?.(next);
      }}
    >
      {t('lang.switchTo')}
    </Button>
  );
}
