/**
 * Front-end benchmark (`npm run bench:web`): per app the JavaScript and CSS shipped (gzip -9 bytes;
 * initial = what index.html loads, total = every chunk), and in headless Chromium on loopback the
 * time to the first meaningful screen and to interactive, median of N cold loads (fresh browser
 * context each: no cache). Then the display's memory test (bench/web-display-memory.ts, H4b).
 *
 * Definitions (per app in `apps` below):
 *  - first meaningful screen: the app's main heading/content is visible (from navigation start);
 *  - interactive: its primary control is rendered with live data and enabled (booking: the persons
 *    select filled from GET /services; kiosk: an enabled service button after device setup and hub
 *    connect; display: the waiting count from the hub snapshot; agent: the sign-in button).
 *
 * Then the flows of issue 13 (bench/web-flows.ts): taps, keys and seconds to book on a phone, check in at
 * the kiosk and serve ten visitors at the counter, printed beside the counts before.
 *
 * Flags: --runs N (default 7), --display-calls N (default 3600), --skip-display-memory, --skip-flows.
 * Hook for more measurements: add an entry to `apps`, or a module like web-display-memory.ts and
 * call it from `main` next to measureDisplayMemory; its result goes into bench/results/web.json.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { hasChromium, launchBrowser } from '../tests/e2e/helpers/browser.ts';
import { ensureWebBuilt, startE2eServer, type WebApp } from '../tests/e2e/helpers/server.ts';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const resultsDir = join(repoRoot, 'bench', 'results');
const deviceToken = 'demo-device-token-0123456789';
const now = '2026-11-23T08:30:00Z';

interface AppBench {
  app: WebApp;
  path: string;
  firstScreen: string;
  interactive: string;
  /** Set the browser clock to the server's so date-dependent screens show the same data. */
  fixedTime?: boolean;
}

const apps: AppBench[] = [
  {
    app: 'booking',
    path: '/',
    firstScreen: 'h1',
    interactive: 'button[aria-label="Eén persoon meer voor Paspoort aanvragen"]:enabled',
    fixedTime: true,
  },
  {
    app: 'kiosk',
    path: `/kiosk/#token=${deviceToken}`,
    firstScreen: 'h1',
    interactive: '.kiosk-button--service:enabled',
  },
  {
    app: 'display',
    path: `/display/#token=${deviceToken}`,
    firstScreen: '[data-testid="latest-call"], [data-testid="waiting-total"], h1',
    interactive: '[data-testid="waiting-total"]',
  },
  { app: 'agent-ui', path: '/agent/', firstScreen: 'h1, form', interactive: 'form button[type="submit"]:enabled' },
];

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

export interface BundleSize {
  initialJsGzip: number;
  initialCssGzip: number;
  totalJsGzip: number;
  totalCssGzip: number;
  files: number;
}

/** Sizes from dist/<app>: what index.html references (scripts, modulepreloads, styles) and everything. */
export function bundleSize(app: WebApp): BundleSize | null {
  const dir = join(repoRoot, 'dist', app);
  const indexPath = join(dir, 'index.html');
  if (!existsSync(indexPath)) return null;
  const html = readFileSync(indexPath, 'utf8');
  const assets = existsSync(join(dir, 'assets')) ? readdirSync(join(dir, 'assets')) : [];
  const gz = (file: string) => gzipSync(readFileSync(join(dir, 'assets', file)), { level: 9 }).length;
  const referenced = new Set([...html.matchAll(/assets\/([^"']+)/g)].map((m) => m[1]));
  const sum = (files: string[]) => files.reduce((n, f) => n + gz(f), 0);
  const js = assets.filter((f) => f.endsWith('.js'));
  const css = assets.filter((f) => f.endsWith('.css'));
  return {
    initialJsGzip: sum(js.filter((f) => referenced.has(f))),
    initialCssGzip: sum(css.filter((f) => referenced.has(f))),
    totalJsGzip: sum(js),
    totalCssGzip: sum(css),
    files: assets.length,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
const round = (x: number) => Math.round(x * 10) / 10;

interface Timing {
  firstScreenMs: { median: number; min: number; max: number };
  interactiveMs: { median: number; min: number; max: number };
  runs: number;
}

async function timeApp(url: string, bench: AppBench, runs: number): Promise<Timing | null> {
  const browser = await launchBrowser();
  const first: number[] = [];
  const inter: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' });
      const page = await context.newPage();
      if (bench.fixedTime) await page.clock.setFixedTime(new Date(now));
      try {
        await page.goto(`${url}${bench.path}`, { waitUntil: 'commit' });
        await page.locator(bench.firstScreen).first().waitFor({ state: 'visible', timeout: 15_000 });
        const f = await page.evaluate(() => performance.now());
        await page.locator(bench.interactive).first().waitFor({ state: 'visible', timeout: 15_000 });
        const t = await page.evaluate(() => performance.now());
        // The first warm-up load pays for the server's own first-request costs: not counted.
        if (i > 0 || runs === 1) {
          first.push(f);
          inter.push(t);
        }
      } catch (err) {
        console.warn(
          `  ${bench.app}: run ${i + 1} did not reach its screen (${(err as Error).message.split('\n')[0]})`,
        );
        await context.close();
        return null;
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  const stats = (xs: number[]) => ({
    median: round(median(xs)),
    min: round(Math.min(...xs)),
    max: round(Math.max(...xs)),
  });
  return { firstScreenMs: stats(first), interactiveMs: stats(inter), runs: first.length };
}

async function main(): Promise<void> {
  const runs = arg('runs', 7) + 1;
  const present = apps.filter((a) => existsSync(join(repoRoot, a.app, 'index.html')));
  try {
    // Forced: a bundle left by some other run may be stale; sizes must be today's production build.
    ensureWebBuilt(
      present.map((a) => a.app),
      { force: true },
    );
  } catch {
    console.warn('some front-end did not build; measuring those that did');
  }
  const results: Record<string, { bundle: BundleSize | null; timing: Timing | null }> = {};
  const server = hasChromium
    ? await startE2eServer({
        now,
        apps: [],
        config: { RATE_LIMIT_LOOKUPS_PER_MINUTE: 1_000_000, RATE_LIMIT_BOOKINGS_PER_MINUTE: 1_000_000 },
      })
    : null;
  try {
    console.log(
      `web bench — gzip -9 bytes; times in ms from navigation start, median of ${runs - 1} cold loads (loopback)`,
    );
    for (const bench of present) {
      const bundle = bundleSize(bench.app);
      const timing = server ? await timeApp(server.url, bench, runs) : null;
      results[bench.app] = { bundle, timing };
      const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
      console.log(
        `${bench.app.padEnd(9)} JS ${bundle ? `${kb(bundle.initialJsGzip)} initial / ${kb(bundle.totalJsGzip)} total` : 'not built'}` +
          `, CSS ${bundle ? `${kb(bundle.initialCssGzip)}` : '-'}` +
          (timing
            ? `; first screen ${timing.firstScreenMs.median} ms (min ${timing.firstScreenMs.min}, max ${timing.firstScreenMs.max})` +
              `, interactive ${timing.interactiveMs.median} ms (min ${timing.interactiveMs.min}, max ${timing.interactiveMs.max})`
            : '; timing skipped'),
      );
    }
    const booking = results.booking?.bundle;
    if (booking) {
      console.log(
        `booking aim < 150 kB gzip JS: initial ${(booking.initialJsGzip / 1024).toFixed(1)} kB, all chunks ${(booking.totalJsGzip / 1024).toFixed(1)} kB → ${booking.totalJsGzip < 150 * 1024 ? 'met' : 'NOT met'}`,
      );
    }
  } finally {
    await server?.close();
  }

  let flows: unknown = null;
  if (!process.argv.includes('--skip-flows')) {
    const { measureFlows, printFlows, before } = await import('./web-flows.ts');
    const measured = await measureFlows();
    if (measured) {
      printFlows(measured);
      flows = { before, ...measured };
    }
  }

  let displayMemory: unknown = null;
  const memoryModule = join(repoRoot, 'bench', 'web-display-memory.ts');
  if (!process.argv.includes('--skip-display-memory') && existsSync(memoryModule)) {
    const m = (await import(memoryModule)) as {
      measureDisplayMemory: (o: { calls?: number }) => Promise<unknown>;
      printDisplayMemory: (r: unknown) => void;
      writeDisplayMemory: (r: unknown) => string;
    };
    displayMemory = await m.measureDisplayMemory({ calls: arg('display-calls', 3600) });
    if (displayMemory) {
      m.printDisplayMemory(displayMemory);
      m.writeDisplayMemory(displayMemory);
    }
  }

  const previousMemory = join(resultsDir, 'web-display-memory.json');
  if (displayMemory === null && existsSync(previousMemory)) {
    // Skipped this time: carry the last measured figures, marked as such (with their own date).
    displayMemory = { fromEarlierRun: true, ...JSON.parse(readFileSync(previousMemory, 'utf8')) };
  }

  mkdirSync(resultsDir, { recursive: true });
  const out = join(resultsDir, 'web.json');
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        measuredAt: new Date().toISOString(),
        method: {
          gzip: 'node zlib level 9 over dist/<app>/assets',
          timing: `headless system Chromium, loopback, ${runs - 1} cold loads after one warm-up, median`,
          firstScreen: Object.fromEntries(apps.map((a) => [a.app, a.firstScreen])),
          interactive: Object.fromEntries(apps.map((a) => [a.app, a.interactive])),
        },
        apps: results,
        flows,
        displayMemory,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`written to ${out}`);
}

await main();
