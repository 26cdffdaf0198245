import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../../shared-web/components/language-switch.tsx';
import { useMunicipality } from '../../shared-web/municipality.ts';
import { onLinkClick } from './router.ts';

export function Layout({ children }: { children: React.ReactNode }) {
  const { t } = useTranslation();
  const municipality = useMunicipality();
  return (
    <div className="booking-page">
      <a className="loket-skip-link utrecht-link" href="#main">
        {t('common.skipToContent')}
      </a>
      <header className="booking-header">
        <div className="booking-header__inner">
          <a className="booking-header__brand" href="/" onClick={onLinkClick}>
            {municipality?.logoUrl ? (
              <img className="booking-header__logo" src={municipality.logoUrl} alt="" height={32} />
            ) : (
              <span className="booking-header__logo" aria-hidden="true">
                ✕✕✕
              </span>
            )}
            <span>{municipality?.name ?? ''}</span>
          </a>
          <LanguageSwitch />
        </div>
      </header>
      <main id="main" className="booking-main" tabIndex={-1}>
        {children}
      </main>
      <footer className="booking-footer">
        <div className="booking-footer__inner">
          <a className="utrecht-link booking-footer__link" href="/" onClick={onLinkClick}>
            {t('footer.home')}
          </a>
          <a className="utrecht-link booking-footer__link" href="/toegankelijkheid" onClick={onLinkClick}>
            {t('footer.accessibility')}
          </a>
        </div>
      </footer>
    </div>
  );
}
