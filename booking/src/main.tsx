import '../../shared-web/theme/base.css';
import './booking.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { createI18n } from '../../shared-web/i18n.ts';
import { App } from './app.tsx';
import { en, nl } from './messages.ts';

const i18n = createI18n({ nl, en } as unknown as Parameters<typeof createI18n>[0]);
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <App />
      </I18nextProvider>
    </StrictMode>,
  );
}
