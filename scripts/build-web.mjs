// Builds every front-end (booking, kiosk, display, agent-ui) with Vite into dist/<app>.
// Skips an app whose sources are older than its last build, so `npm start` stays quick.
// `node scripts/build-web.mjs [--force] [app …]` builds only the named apps (tests use this).
// One app failing does not stop the others; the exit code says whether all succeeded.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
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
/**
 * Test files run in parallel processes and several may build the same app at once; two Vite builds
 * emptying the same dist/<app> would break each other. A lock directory per app serialises them, and
 * the freshness check after taking the lock skips a build another process just finished.
 */
async function withLock(app, fn) {
  mkdirSync('dist', { recursive: true });
  const lock = join('dist', `.build-${app}.lock`);
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than five minutes belongs to a build that died.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 5 * 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function upToDate(app) {
  const marker = join('dist', app, 'index.html');
  const sources = Math.max(newest(app), ...shared.map(newest), statSync('package-lock.json').mtimeMs);
  return existsSync(marker) && statSync(marker).mtimeMs > sources;
}

let failed = 0;
for (const app of apps) {
  if (!existsSync(join(app, 'index.html'))) continue;
  if (!force && upToDate(app)) continue;
  try {
    await withLock(app, async () => {
      if (!force && upToDate(app)) return;
      console.log(`building ${app}…`);
      await build({ configFile: join(app, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
    });
  } catch (err) {
    failed++;
    console.error(`building ${app} failed:`, err instanceof Error ? err.message : err);
  }
}
if (failed) process.exit(1);
