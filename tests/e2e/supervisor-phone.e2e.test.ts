import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillDemoHistory } from '../../server/forecast/demo-history.ts';
import { axeViolations, hasChromium, screenshot } from './helpers/browser.ts';
import type { E2eServer } from './helpers/server.ts';
import { type BrowserSession, openBrowserSession } from './helpers/session.ts';

const now = '2026-11-23T08:30:00Z'; // Monday 09:30 in Amsterdam
const password = 'demo-password-123'; // testConfig's LOKET_DEMO_PASSWORD

/** The page is no wider than the phone: wide tables scroll inside their cards, the page does not scroll sideways. */
async function pageWidth(page: Page): Promise<{ scrollWidth: number; width: number }> {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    width: document.documentElement.clientWidth,
  }));
}

async function expectFitsAndAxeClean(page: Page, name: string): Promise<void> {
  const { scrollWidth, width } = await pageWidth(page);
  expect(scrollWidth, `${name}: the page scrolls sideways`).toBeLessThanOrEqual(width);
  const violations = await axeViolations(page);
  expect(violations, `${name}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
  await screenshot(page, `supervisor-phone-${name}`);
}

describe.skipIf(!hasChromium)("a team lead's phone (390 px): live view, statistics and planning", () => {
  let suite: BrowserSession;
  let server: E2eServer;
  let page: Page;

  beforeAll(async () => {
    suite = await openBrowserSession({
      server: {
        now,
        apps: ['agent-ui'],
        config: { RATE_LIMIT_LOOKUPS_PER_MINUTE: 10_000, RATE_LIMIT_BOOKINGS_PER_MINUTE: 1000 },
      },
      context: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
    });
    ({ server, page } = suite);
    // Eight weeks of history, so statistics, the forecast and the heat map have something to show.
    await fillDemoHistory(server.deps, { days: 56, predictedDays: 5 });
  }, 120_000);

  afterAll(() => suite?.close());

  it('keeps every wide table inside its card, reachable by keyboard, and passes axe', async () => {
    await page.goto(`${server.url}/agent/`);
    await page.locator('#username').fill('demo-supervisor');
    await page.locator('#password').fill(password);
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    const nav = page.getByRole('navigation', { name: 'Hoofdmenu' });
    await nav.waitFor();

    await nav.getByRole('link', { name: 'Live overzicht' }).click();
    await page.getByTestId('live-haarlem-zijlsingel').getByText('Balie 1').first().waitFor();
    await expectFitsAndAxeClean(page, 'live');

    await nav.getByRole('link', { name: 'Statistiek' }).click();
    await page.getByTestId('stats-chart').locator('svg').first().waitFor({ timeout: 60_000 });
    await expectFitsAndAxeClean(page, 'statistics');

    await nav.getByRole('link', { name: 'Planning' }).click();
    // The first forecast of a fresh server learns from the whole history (see staff.e2e.test.ts).
    await page.getByTestId('heatmap').waitFor({ timeout: 90_000 });
    await page.getByTestId('outlook-chart').locator('svg').first().waitFor({ timeout: 90_000 });
    // The heat map scrolls sideways inside its card; a keyboard reaches it (axe: scrollable-region-focusable).
    const heat = page.locator('section:has(> [data-testid="heatmap"])');
    expect(await heat.getAttribute('tabindex')).toBe('0');
    expect(await heat.getAttribute('aria-label')).toBe('Balies nodig min ingeroosterd (komende 8 weken)');
    await expectFitsAndAxeClean(page, 'planner');

    const whatIf = page.locator('section[aria-labelledby="whatif-heading"]');
    await whatIf.getByRole('textbox', { name: 'Diensten van Balie 1' }).fill('09:00-20:00');
    await whatIf.getByRole('button', { name: 'Simuleren' }).click();
    await whatIf.getByTestId('what-if-result').waitFor({ timeout: 90_000 });
    await expectFitsAndAxeClean(page, 'what-if');
  }, 300_000);
});
