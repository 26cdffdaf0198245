import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, screenshot, watchPageProblems } from './helpers/browser.ts';
import type { E2eServer } from './helpers/server.ts';
import { type BrowserSession, openBrowserSession } from './helpers/session.ts';

const now = '2026-11-23T08:30:00Z';
const offices = ['haarlem-schalkwijk', 'haarlem-zijlsingel'];

type Box = { x: number; y: number; width: number; height: number };

/** Where each office's choice (radio, name and lines) and the "Next" button stand on the page. */
async function positions(page: Page): Promise<Record<string, Box>> {
  const out: Record<string, Box> = {};
  for (const id of offices) {
    const box = await page.locator('.choice', { has: page.locator(`#location-${id}`) }).boundingBox();
    if (box) out[id] = box;
  }
  const next = await page.locator('button[type=submit]').boundingBox();
  if (next) out.next = next;
  return out;
}

describe.skipIf(!hasChromium)('booking office step: the first free day takes no room it did not have', () => {
  let suite: BrowserSession;
  let server: E2eServer;
  let page: Page;

  beforeAll(async () => {
    suite = await openBrowserSession({
      server: { now, apps: ['booking'], config: { RATE_LIMIT_LOOKUPS_PER_MINUTE: 10_000 } },
      fixedTime: true,
    });
    ({ server, page } = suite);
  });

  afterAll(() => suite?.close());

  const cases = [
    { name: 'desktop-nl', viewport: { width: 1280, height: 900 }, english: false },
    { name: 'phone-nl', viewport: { width: 375, height: 740 }, english: false },
    { name: 'phone-en', viewport: { width: 375, height: 740 }, english: true },
  ] as const;

  for (const c of cases) {
    it(`${c.name}: the offices keep their place from before to after the lines arrive`, async () => {
      const problems = watchPageProblems(page);
      await page.setViewportSize(c.viewport);
      await page.goto(server.url);
      await page.getByRole('heading', { level: 1, name: 'Afspraak maken' }).waitFor();
      if (c.english) {
        await page.getByRole('button', { name: 'Switch to English' }).click();
        await page.getByRole('heading', { level: 1, name: 'Make an appointment' }).waitFor();
      }
      await page
        .getByRole('button', { name: /^(Eén persoon meer voor Paspoort|One person more for Apply for a passport)/ })
        .click();

      // Hold every office's available days until the page has been looked at without them.
      const held: Route[] = [];
      // (A test that failed while holding them must not leave the next one held.)
      await page.unroute('**/available-days?**');
      await page.route('**/available-days?**', (route) => {
        held.push(route);
      });
      await page.locator('button[type=submit]').click();
      await page.getByRole('heading', { level: 2, name: /^(Welk stadskantoor\?|Which office\?)$/ }).waitFor();
      await expect.poll(() => held.length).toBe(offices.length);
      const before = await positions(page);
      const pending = await page.locator('[data-testid^="first-free-pending-"]').allTextContents();
      await screenshot(page, `booking-office-${c.name}-loading`, { fullPage: false });

      for (const route of held) await route.continue();
      await page.unroute('**/available-days?**');
      for (const id of offices) await page.getByTestId(`first-free-${id}`).waitFor();
      const after = await positions(page);
      await screenshot(page, `booking-office-${c.name}-arrived`, { fullPage: false });

      expect(Object.keys(before)).toEqual([...offices, 'next']);
      expect(after).toEqual(before);
      // While they loaded, each line said so.
      expect(pending).toEqual(
        offices.map(() => (c.english ? 'Looking for the first free day…' : 'Eerste vrije dag zoeken…')),
      );
      await suite.checkAxe(`office-step-${c.name}`);
      expect(suite.axeFindings).toEqual({});
      expect(problems).toEqual([]);
    }, 60_000);
  }
});
