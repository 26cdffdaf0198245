import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, screenshot, watchPageProblems } from './helpers/browser.ts';
import { tabTo } from './helpers/keyboard.ts';
import type { E2eServer } from './helpers/server.ts';
import { type BrowserSession, openBrowserSession } from './helpers/session.ts';

const now = '2026-11-23T08:30:00Z';

/**
 * Fair booking in Chromium (rule 8): an office that asks for the proof-of-work, holds until the resident
 * confirms by mail and releases its capacity day by day. Keyboard only; axe-core on every state.
 */
describe.skipIf(!hasChromium)('fair booking in real Chromium', () => {
  let suite: BrowserSession;
  let server: E2eServer;
  let page: Page;
  const checkAxe = (name: string) => suite.checkAxe(name);

  beforeAll(async () => {
    suite = await openBrowserSession({
      server: {
        now,
        apps: ['booking'],
        config: {
          RATE_LIMIT_LOOKUPS_PER_MINUTE: 10_000,
          RATE_LIMIT_BOOKINGS_PER_MINUTE: 1000,
          CHALLENGE_MAX_NUMBER: 5_000,
        },
      },
      fixedTime: true,
      prepare: (s) =>
        s.db.$client
          .prepare(
            `UPDATE locations SET challenge_mode = 'always', confirmation_required = 1, hold_minutes = 15,
               release_mode = 'daily', release_time = '08:00', release_weekdays = '1,2,3,4,5', release_days_ahead = 21`,
          )
          .run(),
    });
    ({ server, page } = suite);
  });

  afterAll(() => suite?.close());

  it('solves the challenge in the background, holds the time, and confirms by the mailed link', async () => {
    const problems = watchPageProblems(page);
    await page.goto(server.url);
    await page.getByRole('heading', { level: 1, name: 'Afspraak maken' }).waitFor();
    await tabTo(page, 'button[aria-label="Eén persoon meer voor ID-kaart aanvragen"]');
    await page.keyboard.press('Enter');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: 'Welk stadskantoor?' }).waitFor();
    await tabTo(page, 'input[name=location]');
    await page.keyboard.press('Space');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { level: 2, name: 'Welke dag?' }).waitFor();
    await page.getByText(/Nieuwe tijden komen vrij op maandag, dinsdag/).waitFor();
    await page.locator('.calendar__button').first().waitFor();
    await checkAxe('day-with-release-note');
    await screenshot(page, 'fairness-1-release-note');
    await tabTo(page, '.calendar__button');
    await page.keyboard.press('Enter');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { level: 2, name: 'Hoe laat?' }).waitFor();
    await page.locator('input[name=time]').first().waitFor();
    await tabTo(page, 'input[name=time]');
    await page.keyboard.press('ArrowRight');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');
    const pickupStep = page.getByRole('heading', { level: 2, name: 'Afspraak voor het ophalen' });
    const details = page.getByRole('heading', { level: 2, name: 'Uw gegevens' });
    await Promise.race([pickupStep.waitFor(), details.waitFor()]);
    if (await pickupStep.isVisible()) {
      await tabTo(page, 'button[type=submit]');
      await page.keyboard.press('Enter');
    }
    await details.waitFor();
    await tabTo(page, '#customer-name');
    await page.keyboard.type('Fatma Yilmaz');
    await tabTo(page, '#customer-email');
    await page.keyboard.type('fatma+loket@gmail.com');
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { level: 2, name: 'Controleren en bevestigen' }).waitFor();
    // The widget ticks itself once the browser has solved the puzzle; no click needed.
    const widget = page.locator('altcha-widget');
    await widget.waitFor();
    await expect
      .poll(async () => widget.evaluate((el) => (el as unknown as { getState(): string }).getState()), {
        timeout: 30_000,
      })
      .toBe('verified');
    await checkAxe('confirm-with-challenge');
    await screenshot(page, 'fairness-2-confirm-with-challenge');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');

    const notice = page.getByTestId('hold-notice');
    await notice.waitFor();
    await page.getByRole('heading', { level: 1, name: 'Uw tijd is gereserveerd' }).waitFor();
    expect(await notice.textContent()).toMatch(/Nog 1[5-9] minuten om te bevestigen\./);
    expect(await notice.textContent()).toContain('fatma+loket@gmail.com');
    await checkAxe('held');
    await screenshot(page, 'fairness-3-held');
    const reference = ((await page.getByTestId('reference').textContent()) ?? '').trim();

    // The resident opens the link from the mail (rendered when sent; its link is kept in the row until then).
    const mail = server.db.$client
      .prepare("SELECT render FROM outbox WHERE kind = 'hold' ORDER BY id DESC LIMIT 1")
      .get() as { render: string };
    const link = (JSON.parse(mail.render) as { hold: { confirmUrl: string } }).hold.confirmUrl;
    expect(link).toContain(`/confirm/${reference}#code=`);
    await page.goto(link);
    await page.getByTestId('confirmed').waitFor();
    await checkAxe('confirmed');
    await screenshot(page, 'fairness-4-confirmed');
    const status = server.db.$client.prepare('SELECT status FROM appointments WHERE reference = ?').get(reference) as {
      status: string;
    };
    expect(status.status).toBe('booked');

    expect(suite.axeFindings).toEqual({});
    expect(problems).toEqual([]);
  }, 240_000);
});
