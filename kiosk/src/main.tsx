import '../../shared-web/theme/base.css';
import './kiosk.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { createI18n } from '../../shared-web/i18n.ts';
import { KioskApp } from './app.tsx';
import { en, nl } from './messages.ts';

// A kiosk starts every visitor in Dutch: the language choice is not remembered across people.
const i18n = createI18n({ nl, en }, { remember: false, language: 'nl' });
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <KioskApp />
      </I18nextProvider>
    </StrictMode>,
  );
}
