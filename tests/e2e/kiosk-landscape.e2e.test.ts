import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, screenshot, watchPageProblems } from './helpers/browser.ts';
import type { E2eServer } from './helpers/server.ts';
import { type BrowserSession, openBrowserSession } from './helpers/session.ts';

// Monday 23 November 2026, 09:30 in Haarlem: walk-in hours.
const now = '2026-11-23T08:30:00Z';
const deviceToken = 'demo-device-token-0123456789';

/** Where a box lies outside the viewport, if anywhere ('' when it lies wholly inside). */
async function outside(page: Page, locator: Locator): Promise<string> {
  const box = await locator.boundingBox();
  const view = page.viewportSize();
  if (!box || !view) return 'not rendered';
  const out: string[] = [];
  if (box.y < 0) out.push(`top ${box.y}`);
  if (box.x < 0) out.push(`left ${box.x}`);
  if (box.y + box.height > view.height + 0.5) out.push(`bottom ${box.y + box.height} > ${view.height}`);
  if (box.x + box.width > view.width + 0.5) out.push(`right ${box.x + box.width} > ${view.width}`);
  return out.join(', ');
}

describe.skipIf(!hasChromium)('kiosk check-in on a landscape screen with large text', () => {
  let suite: BrowserSession;
  let server: E2eServer;
  let page: Page;

  beforeAll(async () => {
    suite = await openBrowserSession({
      server: { now, apps: ['kiosk'] },
      context: { viewport: { width: 1280, height: 800 } },
    });
    ({ server, page } = suite);
  });

  afterAll(() => suite?.close());

  const languages = [
    {
      lang: 'nl',
      appointment: /Ik heb een afspraak/,
      largeText: 'Grote letters',
      keypad: 'Cijfers',
      keys: ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'Wissen', '0', 'Aanmelden'],
      back: 'Terug',
    },
    {
      lang: 'en',
      appointment: /I have an appointment/,
      largeText: 'Large text',
      keypad: 'Digits',
      keys: ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'Erase', '0', 'Check in'],
      back: 'Back',
    },
  ] as const;

  for (const l of languages) {
    it(`in ${l.lang}: the heading, every keypad key and the back button are inside a 1280×800 screen`, async () => {
      const problems = watchPageProblems(page);
      await page.goto(`${server.url}/kiosk#token=${deviceToken}`);
      await page.getByRole('button', { name: /Paspoort aanvragen/ }).waitFor();
      if (l.lang === 'en') await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('button', { name: l.largeText }).click();
      expect(await page.getByRole('button', { name: l.largeText }).getAttribute('aria-pressed')).toBe('true');
      await page.getByRole('button', { name: l.appointment }).click();
      const keypad = page.getByRole('group', { name: l.keypad });
      await keypad.waitFor();
      // Type a digit so the erase and check-in keys are enabled (and axe sees them in their usual state).
      await keypad.getByRole('button', { name: '1', exact: true }).click();
      await screenshot(page, `kiosk-landscape-large-${l.lang}`, { fullPage: false });

      const misplaced: Record<string, string> = {};
      const check = async (name: string, locator: Locator) => {
        const where = await outside(page, locator);
        if (where) misplaced[name] = where;
      };
      await check('heading', page.getByRole('heading', { level: 1 }));
      await check('code field', page.getByLabel(/Incheckcode|Check-in code/));
      for (const k of l.keys) await check(`key ${k}`, keypad.getByRole('button', { name: k, exact: true }));
      await check('back', page.getByRole('button', { name: l.back, exact: true }));
      expect(misplaced).toEqual({});
      // Nothing needs scrolling: the page and the kiosk's own scroll box fit.
      expect(
        await page.evaluate(() => {
          const main = document.querySelector('main.kiosk') as HTMLElement;
          return {
            page: document.documentElement.scrollHeight <= window.innerHeight,
            main: main.scrollHeight <= main.clientHeight,
          };
        }),
      ).toEqual({ page: true, main: true });

      await suite.checkAxe(`appointment-landscape-large-${l.lang}`);

      // A refused code adds its reason under the field: still nothing leaves the screen.
      await keypad.getByRole('button', { name: l.keys[11], exact: true }).click();
      await page.locator('[data-error-code]').waitFor();
      await screenshot(page, `kiosk-landscape-large-${l.lang}-refused`, { fullPage: false });
      await check('refusal', page.locator('[data-error-code]'));
      for (const k of l.keys) await check(`key ${k} (refused)`, keypad.getByRole('button', { name: k, exact: true }));
      await check('back (refused)', page.getByRole('button', { name: l.back, exact: true }));
      expect(misplaced).toEqual({});
      await suite.checkAxe(`appointment-landscape-large-${l.lang}-refused`);
      expect(suite.axeFindings).toEqual({});
      expect(problems).toEqual([]);
    }, 60_000);
  }
});
