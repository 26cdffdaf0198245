import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, newContext, screenshot, watchPageProblems } from './helpers/browser.ts';
import { bookTwoPersonPassport } from './helpers/flows.ts';
import { tabTo } from './helpers/keyboard.ts';
import type { E2eServer } from './helpers/server.ts';
import { type BrowserSession, openBrowserSession } from './helpers/session.ts';

const now = '2026-11-23T08:30:00Z';

describe.skipIf(!hasChromium)('booking in real Chromium', () => {
  let suite: BrowserSession;
  let server: E2eServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const checkAxe = (name: string) => suite.checkAxe(name);

  beforeAll(async () => {
    suite = await openBrowserSession({
      server: {
        now,
        apps: ['booking'],
        config: { RATE_LIMIT_LOOKUPS_PER_MINUTE: 10_000, RATE_LIMIT_BOOKINGS_PER_MINUTE: 1000 },
      },
      fixedTime: true,
    });
    ({ server, browser, context, page } = suite);
  });

  afterAll(() => suite?.close());

  it('a resident books with the keyboard alone, and every step passes axe (WCAG 2.1 AA)', async () => {
    const problems = watchPageProblems(page);
    await page.goto(server.url);
    await page.getByRole('heading', { level: 1, name: 'Afspraak maken' }).waitFor();
    await checkAxe('services');
    await screenshot(page, 'booking-1-services');

    // Next without a choice: the step says what is missing.
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');
    await page.getByText('Kies minstens één product.').waitFor();
    await checkAxe('services-error');

    // The error summary at the top has the focus (given on the next animation frame).
    await page.waitForFunction(() => document.activeElement?.id === 'step-error');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('step-error');
    await tabTo(page, 'button[aria-label="Eén persoon meer voor Paspoort aanvragen"]');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.getByText('Neem voor elk van de 2 personen mee:').waitFor();
    await page.getByTestId('fee-total').getByText('€ 167,74').waitFor();
    await checkAxe('services-chosen');
    await screenshot(page, 'booking-2-services-chosen');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { level: 2, name: 'Welk stadskantoor?' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H2');
    await tabTo(page, 'input[name=location]');
    await page.keyboard.press('Space');
    // This week's hours and the route, per office.
    await page.getByText('Openingstijden en route: Stadsdeelkantoor Schalkwijk').click();
    await page.getByRole('table', { name: /Openingstijden deze week van Stadsdeelkantoor Schalkwijk/ }).waitFor();
    await checkAxe('location');
    await screenshot(page, 'booking-3-location');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { level: 2, name: 'Welke dag?' }).waitFor();
    await page.getByText(/^Eerste vrije tijd: /).waitFor();
    await page.locator('.calendar__button').first().waitFor();
    await tabTo(page, '.calendar__button');
    await page.keyboard.press('Enter');
    await page.getByText(/^Gekozen: /).waitFor();
    await checkAxe('day');
    await screenshot(page, 'booking-4-day');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { level: 2, name: 'Hoe laat?' }).waitFor();
    await page.locator('input[name=time]').first().waitFor();
    await tabTo(page, 'input[name=time]');
    await page.keyboard.press('ArrowRight');
    await checkAxe('time');
    await screenshot(page, 'booking-5-time');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');

    // The first office takes passport pickups by appointment: that step is optional, Next skips it.
    await page.getByRole('heading', { level: 2, name: 'Afspraak voor het ophalen' }).waitFor();
    await page.locator('.calendar__button').first().waitFor();
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { level: 2, name: 'Uw gegevens' }).waitFor();
    await tabTo(page, '#customer-name');
    await page.keyboard.type('Jan Jansen');
    await tabTo(page, '#customer-email');
    await page.keyboard.type('jan@example');
    await page.keyboard.press('Enter');
    await page.getByText('Vul een geldig e-mailadres in').first().waitFor();
    // The summary takes the focus (on the next animation frame after it renders) and links to the field.
    await page.waitForFunction(() => document.activeElement?.id === 'step-error');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('step-error');
    await checkAxe('details-error');
    await screenshot(page, 'booking-6-details-error');
    await tabTo(page, '#step-error a');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('customer-email');
    await page.keyboard.type('.nl');
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { level: 2, name: 'Controleren en bevestigen' }).waitFor();
    await page.getByTestId('fee-total').getByText('€ 167,74').waitFor();
    await checkAxe('confirm');
    await screenshot(page, 'booking-7-confirm');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');

    const reference = page.getByTestId('reference');
    await reference.waitFor();
    const ref = (await reference.textContent())?.trim() ?? '';
    expect(ref).toMatch(/^[A-Z0-9-]{4,}$/);
    await page.locator('img[alt^="QR-code"]').waitFor();
    await page.getByText('We hebben een bevestiging gestuurd naar jan@example.nl.').waitFor();
    await checkAxe('done');
    await screenshot(page, 'booking-8-done');

    // The calendar file, fetched with the manage token.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Zet in mijn agenda (.ics)' }).click(),
    ]);
    const ics = await new Response((await download.createReadStream()) as unknown as ReadableStream).text();
    expect(ics).toContain('BEGIN:VCALENDAR');
    expect(ics).toContain(ref);

    // The booking is really there, with the reference shown.
    const link = await page.locator('a.manage-link').getAttribute('href');
    expect(link).toContain(`/manage/${ref}#token=`);

    // Manage: move and cancel with the link from the confirmation.
    await page.goto(link ?? '');
    await page.getByRole('heading', { level: 1, name: 'Uw afspraak' }).waitFor();
    await page.getByText('Gepland').waitFor();
    await checkAxe('manage');
    await screenshot(page, 'booking-9-manage');
    await page.getByRole('button', { name: 'Afspraak verplaatsen' }).click();
    await page.locator('.calendar__button').nth(1).click();
    await page.locator('input[name=time]').first().check();
    await checkAxe('manage-move');
    await screenshot(page, 'booking-10-manage-move');
    await page.getByRole('button', { name: 'Verplaats naar deze tijd' }).click();
    await page.getByText('Uw afspraak is verplaatst.').waitFor();
    await page.getByRole('button', { name: 'Afspraak annuleren' }).click();
    await checkAxe('manage-cancel-confirm');
    await page.getByRole('button', { name: 'Ja, annuleer de afspraak' }).click();
    await page.locator('.manage .utrecht-alert--ok, .manage [data-error-code]').first().waitFor();
    expect(
      await page.locator('.manage [data-error-code]').count(),
      (await page.locator('main').textContent()) ?? '',
    ).toBe(0);
    await page.getByText('Uw afspraak is geannuleerd.').waitFor();
    await checkAxe('manage-cancelled');
    await screenshot(page, 'booking-11-cancelled');

    expect(suite.axeFindings).toEqual({});
    expect(problems).toEqual([]);
  }, 180_000);

  it('offers the nearest free times when the chosen one was just taken', async () => {
    const p = await context.newPage();
    await p.clock.setFixedTime(new Date(now));
    let taken = false;
    // The first booking attempt meets a 409 as if someone else took the time a moment earlier.
    await p.route('**/api/v1/appointments', async (route) => {
      if (route.request().method() === 'POST' && !taken) {
        taken = true;
        await route.fulfill({
          status: 409,
          contentType: 'application/problem+json',
          body: JSON.stringify({ type: 'x', title: 'taken', status: 409, code: 'slot-unavailable' }),
        });
      } else await route.fallback();
    });
    await p.goto(server.url);
    await p.getByRole('button', { name: 'Eén persoon meer voor ID-kaart aanvragen' }).click();
    await p.getByRole('button', { name: 'Volgende', exact: true }).click();
    await p.locator('input[name=location]').first().check();
    await p.getByRole('button', { name: 'Volgende', exact: true }).click();
    await p.locator('.calendar__button').first().click();
    await p.getByRole('button', { name: 'Volgende', exact: true }).click();
    await p.locator('input[name=time]').nth(3).check();
    await p.getByRole('button', { name: 'Volgende', exact: true }).click();
    await p.getByRole('button', { name: 'Overslaan, ik maak later een afspraak om op te halen' }).click();
    await p.locator('#customer-name').fill('Piet Pieters');
    await p.locator('#customer-email').fill('piet@example.nl');
    await p.getByRole('button', { name: 'Volgende', exact: true }).click();
    await p.getByRole('button', { name: 'Afspraak maken' }).click();
    const alert = p.locator('[data-error-code="slot-unavailable"]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Deze tijd is net door iemand anders gekozen');
    const alternatives = alert.locator('button');
    expect(await alternatives.count()).toBeGreaterThan(0);
    expect(await alternatives.count()).toBeLessThanOrEqual(3);
    page = p;
    await checkAxe('slot-taken');
    await screenshot(p, 'booking-12-slot-taken');
    await alternatives.first().click();
    await p.getByRole('button', { name: 'Volgende', exact: true }).click();
    await p.getByRole('heading', { level: 2, name: 'Afspraak voor het ophalen' }).waitFor();
    await p.getByRole('button', { name: 'Volgende', exact: true }).click();
    await p.getByRole('button', { name: 'Volgende', exact: true }).click();
    await p.getByRole('button', { name: 'Afspraak maken' }).click();
    await p.getByTestId('reference').waitFor();
    expect(suite.axeFindings).toEqual({});
    await p.close();
  }, 180_000);

  it('books the passport pickup with the application at Schalkwijk; Zijlsingel says it is walk-in', async () => {
    const p = await context.newPage();
    await p.clock.setFixedTime(new Date(now));
    page = p;
    const problems = watchPageProblems(p);
    const next = () => p.getByRole('button', { name: 'Volgende', exact: true }).click();
    const toTime = async (locationId: string) => {
      await p.goto(server.url);
      await p.getByRole('button', { name: 'Eén persoon meer voor Paspoort aanvragen' }).click();
      await next();
      await p.locator(`#location-${locationId}`).check();
      await next();
      const day = p.locator('.calendar__button').first();
      await day.click();
      const date = (await day.getAttribute('data-date')) ?? '';
      await next();
      await p.locator('input[name=time]').first().check();
      await next();
      return date;
    };

    const applicationDate = await toTime('haarlem-schalkwijk');
    await p.getByRole('heading', { level: 2, name: 'Afspraak voor het ophalen' }).waitFor();
    await p.getByText('Dit stadskantoor geeft documenten alleen op afspraak mee').waitFor();
    // Five working days after the application's day at the earliest.
    const pickupDay = p.locator('.calendar__button').first();
    await pickupDay.waitFor();
    const pickupDate = (await pickupDay.getAttribute('data-date')) ?? '';
    expect(pickupDate >= weekdaysAfter(applicationDate, 5), `${applicationDate} → ${pickupDate}`).toBe(true);
    // A day without a time is not enough; the error is announced and the time group marked invalid.
    await pickupDay.click();
    await p.locator('input[name=pickup-time]').first().waitFor();
    await next();
    await p.getByText('Kies een tijd om op te halen, of sla deze stap over.').waitFor();
    await checkAxe('pickup-error');
    await p.locator('input[name=pickup-time]').first().focus();
    await p.keyboard.press('Space');
    await checkAxe('pickup');
    await screenshot(p, 'booking-15-pickup');
    await next();
    await p.locator('#customer-name').fill('Pia Paspoort');
    await p.locator('#customer-email').fill('pia@example.nl');
    await next();
    await p.getByRole('heading', { level: 2, name: 'Controleren en bevestigen' }).waitFor();
    await p.locator('.summary dt', { hasText: 'Ophalen' }).waitFor();
    await p.getByRole('button', { name: 'Afspraak maken' }).click();

    const ref = ((await p.getByTestId('reference').textContent()) ?? '').trim();
    const pickupRow = p.getByTestId('pickup');
    await pickupRow.waitFor();
    const pickupText = (await pickupRow.textContent()) ?? '';
    expect(pickupText).toContain('Afspraak voor het ophalen');
    const pickupRef = /afspraaknummer ([A-Z0-9-]+)/.exec(pickupText)?.[1] ?? '';
    expect(pickupRef).toMatch(/^[A-Z0-9-]{4,}$/);
    expect(pickupRef).not.toBe(ref);
    await checkAxe('pickup-done');
    await screenshot(p, 'booking-16-pickup-done');

    // Both are really booked, the pickup as the application's follow-up.
    const link = (await p.locator('a.manage-link').getAttribute('href')) ?? '';
    const token = decodeURIComponent(link.split('#token=')[1] ?? '');
    const res = await fetch(`${server.url}/api/v1/appointments/${ref}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      status: string;
      location: { id: string };
      followUps: { reference: string; start: string; status: string }[];
    };
    expect(body.status).toBe('booked');
    expect(body.location.id).toBe('haarlem-schalkwijk');
    expect(body.followUps).toHaveLength(1);
    expect(body.followUps[0]).toMatchObject({ reference: pickupRef, status: 'booked' });
    expect(body.followUps[0]?.start.slice(0, 10)).toBe(pickupDate);

    // Zijlsingel hands documents out without an appointment: no pickup step, and the confirmation says so.
    await toTime('haarlem-zijlsingel');
    await p.getByRole('heading', { level: 2, name: 'Uw gegevens' }).waitFor();
    await p.locator('#customer-name').fill('Zeger Zijlsingel');
    await p.locator('#customer-email').fill('zeger@example.nl');
    await next();
    await p.getByRole('button', { name: 'Afspraak maken' }).click();
    const note = p.getByTestId('pickup-note');
    await note.waitFor();
    expect(await note.textContent()).toMatch(/^U kunt uw document zonder afspraak ophalen vanaf .+2026\.$/);
    expect(await p.getByTestId('pickup').count()).toBe(0);
    await checkAxe('walk-in-done');

    expect(suite.axeFindings).toEqual({});
    expect(problems).toEqual([]);
    await p.close();
  }, 180_000);

  it('English, the accessibility statement and unknown pages pass axe too', async () => {
    const p = await context.newPage();
    page = p;
    await p.goto(server.url);
    await p.getByRole('button', { name: 'Switch to English' }).click();
    await p.getByRole('heading', { level: 1, name: 'Make an appointment' }).waitFor();
    expect(await p.evaluate(() => document.documentElement.lang)).toBe('en');
    await checkAxe('services-en');
    await screenshot(p, 'booking-13-english');
    await p.getByRole('button', { name: 'Schakel naar Nederlands' }).click();
    await p.goto(`${server.url}/toegankelijkheid`);
    await p.getByRole('heading', { level: 1, name: 'Toegankelijkheidsverklaring' }).waitFor();
    await checkAxe('accessibility');
    await screenshot(p, 'booking-14-accessibility');
    await p.goto(`${server.url}/manage/ABC123`);
    await p.getByText('Deze link is niet compleet').waitFor();
    await checkAxe('manage-no-token');
    await p.goto(`${server.url}/manage/XYZ789#token=wrong-token`);
    await p.locator('[data-error-code]').waitFor();
    await checkAxe('manage-wrong-token');
    await p.goto(`${server.url}/nergens`);
    await p.getByRole('heading', { level: 1, name: 'Pagina niet gevonden' }).waitFor();
    await checkAxe('not-found');
    expect(suite.axeFindings).toEqual({});
    await p.close();
  }, 180_000);

  it('reflows at 320 CSS pixels (WCAG 1.4.10): no sideways scrolling on any step', async () => {
    const small = await newContext(browser, { viewport: { width: 320, height: 640 }, isMobile: true });
    small.setDefaultTimeout(20_000);
    const p = await small.newPage();
    await p.clock.setFixedTime(new Date(now));
    page = p;
    const overflow = () => p.evaluate(() => document.documentElement.scrollWidth - 320);
    await p.goto(server.url);
    await p.getByRole('button', { name: 'Eén persoon meer voor Paspoort aanvragen' }).click();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await checkAxe('mobile-services');
    await screenshot(p, 'booking-17-mobile-services');
    await p.getByRole('button', { name: 'Volgende', exact: true }).click();
    await p.locator('input[name=location]').first().check();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await p.getByRole('button', { name: 'Volgende', exact: true }).click();
    await p.locator('.calendar__button').first().click();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await checkAxe('mobile-calendar');
    await screenshot(p, 'booking-17b-mobile-calendar');
    await p.getByRole('button', { name: 'Volgende', exact: true }).click();
    await p.locator('input[name=time]').first().check();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await checkAxe('mobile-time');
    await screenshot(p, 'booking-18-mobile-time', { fullPage: true });
    await p.getByRole('button', { name: 'Volgende', exact: true }).click();
    await p.locator('.calendar__button').first().click();
    await p.locator('input[name=pickup-time]').first().check();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await p.getByRole('button', { name: 'Volgende', exact: true }).click();
    await p.locator('#customer-name').fill('Mobiel Test');
    await p.locator('#customer-email').fill('mobiel@example.nl');
    await p.getByRole('button', { name: 'Volgende', exact: true }).click();
    await p.getByRole('heading', { level: 2, name: 'Controleren en bevestigen' }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await checkAxe('mobile-confirm');
    await screenshot(p, 'booking-19-mobile-confirm');
    expect(suite.axeFindings).toEqual({});
    await small.close();
  }, 180_000);

  it('books a two-person passport appointment on a phone in 10 taps with the first free time', async () => {
    const phone = await newContext(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    phone.setDefaultTimeout(20_000);
    const p = await phone.newPage();
    await p.clock.setFixedTime(new Date(now));
    page = p;
    const problems = watchPageProblems(p);
    const counted = await bookTwoPersonPassport(p, server.url, 'Zijlsingel');
    // Before: about 14 taps (selects, 28 day rows, 57 time rows). Now: stepper, office, first free time.
    expect(counted.taps).toBe(10);
    expect(counted.typed).toBe('Anna de Vries'.length + 'anna@example.nl'.length);
    await p.getByTestId('check-in-code').waitFor();
    await checkAxe('phone-done');
    await screenshot(p, 'booking-20-phone-done', { fullPage: true });
    expect(suite.axeFindings).toEqual({});
    expect(problems).toEqual([]);
    await phone.close();
  }, 180_000);
});

/** `days` weekdays after `date`: a lower bound (the server also skips holidays and closures). */
function weekdaysAfter(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  for (let left = days; left > 0; ) {
    d.setUTCDate(d.getUTCDate() + 1);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) left--;
  }
  return d.toISOString().slice(0, 10);
}
