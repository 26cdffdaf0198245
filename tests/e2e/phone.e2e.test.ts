import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nl as kioskText } from '../../kiosk/src/messages.ts';
import { hasChromium, screenshot, watchPageProblems } from './helpers/browser.ts';
import type { E2eServer } from './helpers/server.ts';
import { type BrowserSession, openBrowserSession } from './helpers/session.ts';

// Monday 23 November 2026, 09:30 in Haarlem.
const now = '2026-11-23T08:30:00Z';

/** What runs off a phone's screen: the page's own width beyond the viewport, and the elements sticking out. */
async function overflow(page: Page): Promise<{ scrollWidth: number; width: number; outside: string[] }> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const outside: string[] = [];
    for (const el of Array.from(document.querySelectorAll('main *'))) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > width + 0.5) outside.push(`${el.tagName.toLowerCase()} "${el.textContent}"`);
    }
    return { scrollWidth: document.documentElement.scrollWidth, width, outside: outside.slice(0, 5) };
  });
}

async function box(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const b = await locator.boundingBox();
  if (!b) throw new Error('not visible');
  return b;
}

/** The parts of an alert read top to bottom: each starts below the one before and takes the alert's width. */
async function expectStacked(alert: Locator, parts: Locator[]): Promise<void> {
  const outer = await box(alert);
  let bottom = -Infinity;
  for (const part of parts) {
    const b = await box(part);
    expect(b.y, `${await part.textContent()} starts below the part before`).toBeGreaterThanOrEqual(bottom - 0.5);
    expect(b.x + b.width, `${await part.textContent()} stays inside the alert`).toBeLessThanOrEqual(
      outer.x + outer.width + 0.5,
    );
    bottom = b.y + b.height;
  }
}

describe.skipIf(!hasChromium)('booking on a phone (390 px) in real Chromium', () => {
  let suite: BrowserSession;
  let server: E2eServer;
  let page: Page;

  beforeAll(async () => {
    suite = await openBrowserSession({
      server: {
        now,
        apps: ['booking'],
        config: { RATE_LIMIT_LOOKUPS_PER_MINUTE: 10_000, RATE_LIMIT_BOOKINGS_PER_MINUTE: 1000 },
      },
      context: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
      fixedTime: true,
    });
    ({ server, page } = suite);
  });

  afterAll(() => suite?.close());

  it('error summaries and the cancel question read top to bottom and stay on the screen', async () => {
    const problems = watchPageProblems(page);
    const next = () => page.getByRole('button', { name: 'Volgende', exact: true }).click();
    await page.goto(server.url);
    await page.getByRole('heading', { level: 1, name: 'Afspraak maken' }).waitFor();

    // Next without a choice: title, then what is missing — not two columns.
    await next();
    const summary = page.locator('#step-error');
    await summary.getByText('Kies minstens één product.').waitFor();
    await expectStacked(summary, [summary.locator('h3'), summary.locator('p')]);
    expect(await overflow(page)).toMatchObject({ outside: [] });

    await page.getByRole('button', { name: 'Eén persoon meer voor Paspoort aanvragen' }).click();
    await next();
    // The wait for an appointment per office, before choosing one: its first free day.
    for (const office of ['haarlem-schalkwijk', 'haarlem-zijlsingel']) {
      expect(await page.getByTestId(`first-free-${office}`).textContent()).toMatch(
        /^Eerste vrije dag voor een afspraak: (maan|dins|woens|donder|vrij|zater|zon)dag \d{1,2} [a-z]+ 2026$/,
      );
    }
    expect(await overflow(page)).toMatchObject({ outside: [] });
    const named = (await page.getByTestId('first-free-haarlem-zijlsingel').textContent()) ?? '';
    await page.locator('#location-haarlem-zijlsingel').check();
    await next();
    // The calendar's first free day is the one the office step named.
    const firstDay = page.locator('.calendar__button').first();
    const firstDate = new Date(`${await firstDay.getAttribute('data-date')}T12:00:00Z`);
    expect(named).toContain(
      new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'long', timeZone: 'UTC' }).format(firstDate),
    );
    await page.locator('.calendar__button').first().click();
    await next();
    await page.locator('input[name=time]').first().check();
    await next();
    await page.locator('#customer-name').fill('Jan Jansen');
    await page.locator('#customer-email').fill('jan@example');
    await next();

    // A wrong e-mail address: the summary's link to the field is the widest part; it wraps inside the screen.
    await summary.getByRole('link', { name: /E-mailadres: Vul een geldig e-mailadres in/ }).waitFor();
    await expectStacked(summary, [summary.locator('h3'), summary.locator('p'), summary.locator('ul')]);
    const details = await overflow(page);
    expect(details.outside).toEqual([]);
    expect(details.scrollWidth).toBeLessThanOrEqual(details.width);
    await screenshot(page, 'phone-details-error');

    await page.locator('#customer-email').fill('jan@example.nl');
    await next();
    await page.getByRole('button', { name: 'Afspraak maken' }).click();
    await page.getByTestId('reference').waitFor();
    expect(await overflow(page)).toMatchObject({ outside: [] });
    // The QR code's caption sends the resident to what the kiosk's keypad takes: the check-in code, not the
    // appointment number of letters and digits.
    const caption = (await page.locator('.done__qr figcaption').textContent()) ?? '';
    expect(caption.toLowerCase()).toContain(kioskText.kiosk.codeLabel.toLowerCase());
    expect(caption).not.toContain('afspraaknummer');
    const link = (await page.locator('a.manage-link').getAttribute('href')) ?? '';

    // Cancelling from the manage link: the question, then the two answers below it.
    await page.goto(link);
    await page.getByRole('button', { name: 'Afspraak annuleren' }).click();
    const question = page.getByRole('alertdialog');
    await question.getByRole('button', { name: 'Ja, annuleer de afspraak' }).waitFor();
    await expectStacked(question, [question.locator('#cancel-q'), question.locator('.button-row')]);
    expect(await overflow(page)).toMatchObject({ outside: [] });
    await screenshot(page, 'phone-cancel-question');
    await suite.checkAxe('phone-cancel-question');

    expect(suite.axeFindings).toEqual({});
    expect(problems).toEqual([]);
  }, 180_000);
});
