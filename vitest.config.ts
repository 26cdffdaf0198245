import { defineConfig } from 'vitest/config';

// Tests run in UTC so that any dependency on the host's zone fails loudly (CONTRIBUTING.md#time).
process.env.TZ = 'UTC';

export default defineConfig({
  test: {
    include: [
      'server/**/*.test.ts',
      'db/**/*.test.ts',
      'tests/**/*.test.ts',
      '{booking,kiosk,display,agent-ui,shared-web}/**/*.test.{ts,tsx}',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { TZ: 'UTC' },
  },
});
