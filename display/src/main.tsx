import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { DisplayApp } from './display-app.tsx';
import './display.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <DisplayApp />
    </StrictMode>,
  );
}
