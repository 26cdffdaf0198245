// Builds every front-end (booking, kiosk, display, agent-ui) with Vite into dist/<app>.
// Skips an app whose sources are older than its last build, so `npm start` stays quick.
// `node scripts/build-web.mjs [--force] [app …]` builds only the named apps (tests use this).
// One app failing does not stop the others; the exit code says whether all succeeded.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';

// Always a production build: run from vitest, NODE_ENV=test would otherwise give React's dev build.
process.env.NODE_ENV = 'production';

const allApps = ['booking', 'kiosk', 'display', 'agent-ui'];
const shared = ['server/contracts', 'shared-web'];

function newest(dir) {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const args = process.argv.slice(2);
const force = args.includes('--force');
const named = args.filter((a) => !a.startsWith('--'));
const unknown = named.filter((a) => !allApps.includes(a));
if (unknown.length) {
  console.error(`unknown app(s): ${unknown.join(', ')}; known: ${allApps.join(', ')}`);
  process.exit(2);
}
const apps = named.length ? named : allApps;
let failed = 0;
for (const app of apps) {
  if (!existsSync(join(app, 'index.html'))) continue;
  const marker = join('dist', app, 'index.html');
  const sources = Math.max(newest(app), ...shared.map(newest), statSync('package-lock.json').mtimeMs);
  if (!force && existsSync(marker) && statSync(marker).mtimeMs > sources) continue;
  console.log(`building ${app}…`);
  try {
    await build({ configFile: join(app, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  } catch (err) {
    failed++;
    console.error(`building ${app} failed:`, err instanceof Error ? err.message : err);
  }
}
if (failed) process.exit(1);
