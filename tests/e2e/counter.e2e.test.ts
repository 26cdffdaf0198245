import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueSnapshot } from '../../server/contracts/queue.ts';
import { apiCall } from './helpers/api.ts';
import { axeViolations, hasChromium, launchBrowser, newContext, screenshot } from './helpers/browser.ts';
import { bookForKiosk, serveVisitors } from './helpers/flows.ts';
import { type E2eServer, startE2eServer } from './helpers/server.ts';

const now = '2026-11-23T08:30:00Z'; // Monday 09:30 in Haarlem: walk-in hours
const password = 'demo-password-123';
const deviceToken = 'demo-device-token-0123456789';
const location = 'haarlem-zijlsingel';

async function takeTickets(server: E2eServer, n: number) {
  for (let i = 0; i < n; i++) {
    await apiCall(server, `/locations/${location}/tickets`, {
      method: 'POST',
      token: deviceToken,
      body: { services: [{ code: 'passport', persons: 1 }] },
    });
  }
}

describe.skipIf(!hasChromium)('counter console in real Chromium: one key per visitor', () => {
  let server: E2eServer;
  let browser: Browser;
  let page: Page;
  let supervisor: string;

  beforeAll(async () => {
    server = await startE2eServer({ now, apps: ['agent-ui'], config: { RATE_LIMIT_BOOKINGS_PER_MINUTE: 1000 } });
    browser = await launchBrowser();
    const context = await newContext(browser, { viewport: { width: 1366, height: 900 } });
    context.setDefaultTimeout(20_000);
    page = await context.newPage();
    supervisor = (
      await apiCall<{ token: string }>(server, '/sessions', {
        method: 'POST',
        body: { username: 'demo-supervisor', password },
      })
    ).token;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('says "wrong password" for a wrong password, then serves ten visitors with 21 keys, and with "call and start" with 11', async () => {
    await page.goto(`${server.url}/agent/`);
    await page.locator('#username').fill('demo-agent');
    await page.locator('#password').fill('not-the-password');
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.getByText('Gebruikersnaam of wachtwoord klopt niet').waitFor();
    await page.locator('#password').fill(password);
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).waitFor();
    await page.locator('#counter-select').selectOption({ label: 'Balie 1' });
    await page.getByTestId('counter-state').getByText('Open').waitFor();

    await takeTickets(server, 10);
    await page.getByTestId('queue-table').getByText('P010').waitFor();
    const classic = await serveVisitors(page, 10, false);
    expect(classic.keys).toBe(21);

    // The supervisor turns on "call and start" for the office; the console follows at once.
    await apiCall(server, `/locations/${location}/settings`, {
      method: 'PATCH',
      token: supervisor,
      body: { callAndStart: true },
    });
    await page.getByText('Oproepen is beginnen').waitFor();
    await takeTickets(server, 10);
    await page.getByTestId('queue-table').getByText('P020').waitFor();
    const oneKey = await serveVisitors(page, 10, true);
    expect(oneKey.keys).toBe(11);
    expect(await axeViolations(page)).toEqual([]);

    // Every visitor was served from the call: called → started → finished in the log.
    const snapshot = await apiCall<QueueSnapshot>(server, `/locations/${location}/queue`, { token: supervisor });
    expect(snapshot.tickets.filter((t) => t.status === 'waiting')).toHaveLength(0);
  }, 180_000);

  it("shows the resident's name and services for an appointment", async () => {
    // Today (the staff session lasts 12 hours): the first free time, from 11:00.
    const { start, checkInCode } = await bookForKiosk(server, '2026-11-23');
    server.clock.set(new Date(new Date(start).getTime() - 5 * 60_000));
    await apiCall(server, `/locations/${location}/check-ins`, {
      method: 'POST',
      token: deviceToken,
      body: { reference: checkInCode },
    });
    await page
      .getByTestId('queue-table')
      .getByText(/Afspraak/)
      .waitFor();
    await page.keyboard.press('n');
    await page.getByTestId('resident-name').getByText('Keypad Test').waitFor();
    expect(await page.getByTestId('current-ticket').textContent()).toContain('2 personen');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'agent-console-appointment');
    server.clock.set(now);
  }, 120_000);
});
