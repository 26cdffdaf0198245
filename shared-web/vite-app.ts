import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type UserConfig } from 'vite';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * The one Vite set-up of every front-end: React, its own base path, output in dist/<app> at the repo
 * root (served by server/http/static.ts). `vite dev` proxies the API and the hub to a local server.
 */
export function loketAppConfig(app: 'booking' | 'kiosk' | 'display' | 'agent-ui', base: string): UserConfig {
  const devApi = 'http://localhost:3000';
  return defineConfig({
    root: fileURLToPath(new URL(`../${app}/`, import.meta.url)),
    base,
    plugins: [react()],
    publicDir: false,
    build: {
      outDir: `${repoRoot}dist/${app}`,
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: false,
      // No inline scripts or data: modules: the CSP is script-src 'self'.
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
    },
    server: {
      proxy: {
        '/api': devApi,
        '/socket.io': { target: devApi, ws: true },
      },
    },
  });
}
