import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointments } from '../../db/schema/index.ts';
import { hasChromium, launchBrowser, newContext, screenshot, watchPageProblems } from './helpers/browser.ts';
import { type E2eServer, startE2eServer } from './helpers/server.ts';

/** A municipality's own site on another origin (loopback, port 0), embedding Loket's widget. */
async function startSite(loketUrl: () => string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><html lang="nl"><head><title>Gemeentesite</title>
<script type="module" src="${loketUrl()}/widget/loket-booking.js"></script></head>
<body><main><h1>Paspoort aanvragen</h1>
<loket-booking location="haarlem-zijlsingel" service="passport"></loket-booking></main></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.skipIf(!hasChromium)('the booking widget on a second origin, in real Chromium', () => {
  let loket: E2eServer;
  let site: Awaited<ReturnType<typeof startSite>>;
  let stranger: Awaited<ReturnType<typeof startSite>>;
  let browser: Browser;

  beforeAll(async () => {
    site = await startSite(() => loket.url);
    stranger = await startSite(() => loket.url);
    // Only the municipality's site may book; any site may read.
    loket = await startE2eServer({ apps: [], config: { ALLOWED_ORIGINS: [site.url] as never } });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await loket?.close();
    await site?.close();
    await stranger?.close();
  });

  async function fillAndBook(page: Page, email: string) {
    const day = page.locator('loket-booking select[name=day]');
    await expect.poll(() => day.isEnabled()).toBe(true);
    await day.selectOption({ index: 1 });
    const time = page.locator('loket-booking select[name=time]');
    await expect.poll(() => time.isEnabled()).toBe(true);
    await time.selectOption({ index: 1 });
    await page.locator('loket-booking input[name=name]').fill('Anna de Vries');
    await page.locator('loket-booking input[name=email]').fill(email);
    await page.locator('loket-booking button[type=submit]').click();
  }

  it('books from the municipality’s site through CORS', async () => {
    const page = await (await newContext(browser)).newPage();
    const problems = watchPageProblems(page);
    await page.goto(site.url);
    await page.locator('loket-booking h2').waitFor();
    await fillAndBook(page, 'widget@example.nl');
    const reference = await page.locator('loket-booking [data-reference]').textContent({ timeout: 15_000 });
    expect(reference).toMatch(/^[2-9A-Z]{12}$/);
    await screenshot(page, 'widget-booked');
    const row = loket.db
      .select()
      .from(appointments)
      .all()
      .find((a) => a.reference === reference);
    expect(row?.customerEmail).toBe('widget@example.nl');
    expect(row?.channel).toBe('online');
    expect(problems).toEqual([]);
  });

  it('lets another site read availability but not book', async () => {
    const page = await (await newContext(browser)).newPage();
    await page.goto(stranger.url);
    await page.locator('loket-booking h2').waitFor();
    const before = loket.db.select().from(appointments).all().length;
    await fillAndBook(page, 'stranger@example.nl');
    await page
      .locator('loket-booking [role=alert]')
      // The browser withholds Loket's refusal from a site it does not allow (CORS): to the widget, no answer.
      .filter({ hasText: /^(Vanaf deze website kunt u geen afspraak maken|Geen verbinding met de server)\./ })
      .waitFor({ timeout: 15_000 });
    expect(loket.db.select().from(appointments).all().length).toBe(before);
  });

  it('speaks in words: days and the booked time in Dutch, a wrong e-mail address and a taken time by their code', async () => {
    const page = await (await newContext(browser)).newPage();
    const problems = watchPageProblems(page);
    await page.goto(site.url);
    const day = page.locator('loket-booking select[name=day]');
    await expect.poll(() => day.isEnabled()).toBe(true);
    // "dinsdag 24 november", not "2026-11-24".
    expect(await day.locator('option').nth(1).textContent()).toMatch(
      /^(maan|dins|woens|donder|vrij|zater|zon)dag \d{1,2} [a-z]+$/,
    );
    await day.selectOption({ index: 1 });
    const time = page.locator('loket-booking select[name=time]');
    await expect.poll(() => time.isEnabled()).toBe(true);
    await time.selectOption({ index: 1 });
    await page.locator('loket-booking input[name=name]').fill('Anna de Vries');

    // The browser's own check passes "anna@example"; the widget says what it wants, in Dutch, and sends nothing.
    const alert = page.locator('loket-booking [role=alert]');
    await page.locator('loket-booking input[name=email]').fill('anna@example');
    const before = loket.db.select().from(appointments).all().length;
    await page.locator('loket-booking button[type=submit]').click();
    await alert.filter({ hasText: 'Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.' }).waitFor();
    expect(loket.db.select().from(appointments).all().length).toBe(before);

    // Others take every counter at the chosen time first: the resident reads why, and chooses again.
    const start = await time.inputValue();
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${loket.url}/api/v1/appointments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          locationId: 'haarlem-zijlsingel',
          services: [{ code: 'passport', persons: 1 }],
          start,
          customer: { name: 'Eerder', email: `eerder-${i}@example.nl` },
        }),
      });
      if (res.status === 409) break;
      expect(res.status).toBe(201);
    }
    await page.locator('loket-booking input[name=email]').fill('anna@example.nl');
    await page.locator('loket-booking button[type=submit]').click();
    await alert.filter({ hasText: 'Deze tijd is net door iemand anders gekozen. Kies een andere tijd.' }).waitFor();
    expect(await time.inputValue()).toBe('');
    expect(await time.locator(`option[value="${start}"]`).count()).toBe(0);

    await time.selectOption({ index: 1 });
    await page.locator('loket-booking button[type=submit]').click();
    await page.locator('loket-booking [data-reference]').waitFor({ timeout: 15_000 });
    expect(await page.locator('loket-booking [data-start]').textContent()).toMatch(
      /^Op (maan|dins|woens|donder|vrij|zater|zon)dag \d{1,2} [a-z]+ 20\d\d om \d\d:\d\d$/,
    );
    expect(await page.locator('loket-booking [data-check-in-code]').textContent()).toMatch(/^\d{6}$/);
    await screenshot(page, 'widget-booked-in-words');
    expect(problems).toEqual([]);
  });
});
