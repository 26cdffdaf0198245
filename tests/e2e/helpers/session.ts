import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchBrowser, newContext } from './browser.ts';
import { type E2eServer, startE2eServer } from './server.ts';

/** What a browser suite opens before its first test: the server, Chromium, one context and its first page. */
export interface BrowserSession {
  server: E2eServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** axe-core violations by the name of the state checked; a suite ends by asserting there are none. */
  axeFindings: Record<string, unknown[]>;
  /** Runs axe-core on the page and keeps its violations under `name`. */
  checkAxe(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The preamble of a browser suite: starts the server, launches Chromium, opens a context (20 s default
 * timeout; `context` options such as the viewport) and a page. `prepare` runs before the page opens (a
 * database change, an init script); with `fixedTime` the page's clock stands at the server's start, so the
 * browser's "today" is the server's.
 */
export async function openBrowserSession(options: {
  server: Parameters<typeof startE2eServer>[0];
  context?: Parameters<typeof newContext>[1];
  fixedTime?: boolean;
  prepare?: (server: E2eServer, context: BrowserContext) => unknown;
}): Promise<BrowserSession> {
  const server = await startE2eServer(options.server);
  const browser = await launchBrowser();
  const context = await newContext(browser, options.context);
  context.setDefaultTimeout(20_000);
  await options.prepare?.(server, context);
  const page = await context.newPage();
  if (options.fixedTime) await page.clock.setFixedTime(new Date(options.server?.now ?? server.clock.now()));
  const axeFindings: Record<string, unknown[]> = {};
  return {
    server,
    browser,
    context,
    page,
    axeFindings,
    checkAxe: async (name) => {
      const violations = await axeViolations(page);
      if (violations.length) axeFindings[name] = violations;
    },
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}
