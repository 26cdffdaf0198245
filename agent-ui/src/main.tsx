import '../../shared-web/theme/base.css';
import './agent.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { AgentApp } from './agent-app.tsx';
import { createAgentI18n } from './i18n.ts';

const i18n = createAgentI18n();
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <AgentApp />
      </I18nextProvider>
    </StrictMode>,
  );
}
