import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the API server at /display from dist/display (repo root).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/display/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/display', import.meta.url)),
    emptyOutDir: true,
  },
});
