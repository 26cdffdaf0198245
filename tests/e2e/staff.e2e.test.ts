import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillDemoHistory } from '../../server/forecast/demo-history.ts';
import { apiCall as api } from './helpers/api.ts';
import { axeViolations, hasChromium, launchBrowser, newContext, screenshot } from './helpers/browser.ts';
import { type RestartableServer, startRestartableServer } from './helpers/restartable-server.ts';

type E2eServer = RestartableServer;

const now = '2026-11-23T08:30:00Z'; // Monday 09:30 in Amsterdam
const password = 'demo-password-123'; // testConfig's LOKET_DEMO_PASSWORD
const deviceToken = 'demo-device-token-0123456789'; // testConfig's LOKET_DEMO_DEVICE_TOKEN (Zijlsingel)
const location = 'haarlem-zijlsingel';

async function signInAgent(page: Page, server: E2eServer, username: string) {
  await page.goto(`${server.url}/agent/`);
  await page.locator('#username').waitFor();
  expect(await axeViolations(page)).toEqual([]);
  await screenshot(page, 'agent-sign-in');
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.getByRole('button', { name: 'Aanmelden' }).click();
  await page.getByRole('navigation', { name: 'Hoofdmenu' }).waitFor();
}

describe.skipIf(!hasChromium)('staff apps in real Chromium: book → check in → call → display → finish', () => {
  let server: E2eServer;
  let browser: Browser;
  let agentContext: BrowserContext;
  let displayContext: BrowserContext;
  let agent: Page;
  let display: Page;

  beforeAll(async () => {
    server = await startRestartableServer({
      now,
      apps: ['display', 'agent-ui'],
      config: { RATE_LIMIT_LOOKUPS_PER_MINUTE: 10_000, RATE_LIMIT_BOOKINGS_PER_MINUTE: 1000 },
    });
    browser = await launchBrowser();
    agentContext = await newContext(browser, { viewport: { width: 1366, height: 900 } });
    displayContext = await newContext(browser, { viewport: { width: 1920, height: 1080 } });
    agent = await agentContext.newPage();
    display = await displayContext.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('runs the whole visit and the display shows the call', async () => {
    // 1. A resident books a passport appointment (public API, as booking/ does).
    const services = 'passport:1';
    const { days } = await api<{ days: string[] }>(
      server,
      `/locations/${location}/available-days?services=${services}&from=2026-11-23&to=2026-12-31`,
    );
    const day = days[0] as string;
    const { times } = await api<{ times: string[] }>(
      server,
      `/locations/${location}/available-times?services=${services}&date=${day}`,
    );
    const start = times[0] as string;
    const booked = await api<{ reference: string }>(server, '/appointments', {
      method: 'POST',
      body: {
        locationId: location,
        services: [{ code: 'passport', persons: 1 }],
        start,
        customer: { name: 'Test Inwoner', email: 'inwoner@example.org' },
      },
    });

    // 2. The waiting-room display is paired by its URL token and shows the empty room.
    await display.goto(`${server.url}/display/#token=${deviceToken}`);
    await display.getByRole('heading', { name: 'Nu aan de beurt' }).waitFor();
    expect(display.url()).not.toContain('token='); // the token moved to localStorage
    await display.getByText('Nog geen oproepen').waitFor();

    // 3. Five minutes before the appointment the resident checks in at the kiosk (device API).
    server.clock.set(new Date(Date.parse(start) - 5 * 60_000));
    const ticket = await api<{ number: string; publicId: string }>(server, `/locations/${location}/check-ins`, {
      method: 'POST',
      token: deviceToken,
      body: { reference: booked.reference },
    });

    // 4. The agent signs in, takes Balie 1 and sees the ticket in the queue.
    await signInAgent(agent, server, 'demo-agent');
    await screenshot(agent, 'agent-console-empty');
    await agent.locator('#counter-select').selectOption({ label: 'Balie 1' });
    await agent.getByTestId('counter-state').getByText('Open').waitFor();
    await agent.getByTestId('queue-table').getByText(ticket.number).waitFor();
    await screenshot(agent, 'agent-console-queue');

    // 5. Call next with the keyboard shortcut.
    await agent.keyboard.press('n');
    await agent.getByTestId('current-ticket').getByText(ticket.number).waitFor();
    await agent.getByTestId('current-ticket').getByText('opgeroepen', { exact: true }).waitFor();
    await screenshot(agent, 'agent-console-called');
    const consoleViolations = await axeViolations(agent);
    expect(consoleViolations, JSON.stringify(consoleViolations, null, 2)).toEqual([]);

    // 6. The display shows the call large: number → counter.
    const latest = display.getByTestId('latest-call');
    await latest.getByText(ticket.number).waitFor();
    await expect(latest.textContent()).resolves.toContain('Balie 1');
    await screenshot(display, 'display-landscape-called', { fullPage: false });
    const violations = await axeViolations(display);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);

    await display.setViewportSize({ width: 1080, height: 1920 });
    await latest.getByText(ticket.number).waitFor();
    await screenshot(display, 'display-portrait-called', { fullPage: false });
    expect(await axeViolations(display)).toEqual([]);

    // 7. Start and finish, by shortcut; the resident's ticket is done.
    await agent.keyboard.press('s');
    await agent.getByTestId('current-ticket').getByText('in behandeling', { exact: true }).waitFor();
    await screenshot(agent, 'agent-console-serving');
    await agent.keyboard.press('f');
    await agent.getByText('Geen bezoeker. Roep de volgende op.').waitFor();
    const after = await api<{ status: string }>(server, `/tickets/${ticket.publicId}`);
    expect(after.status).toBe('done');
  }, 120_000);

  it('a supervisor sees the live view, pairs a display, books by phone, and opens statistics, planning and e-mail', async () => {
    // Eight weeks of simulated office days, as `npm start` fills a year: statistics and forecasts have data.
    await fillDemoHistory(server.deps(), { days: 56, predictedDays: 5 });
    await agent.getByRole('button', { name: 'Afmelden' }).click();
    await signInAgent(agent, server, 'demo-supervisor');
    // The supervisor starts at their own office (assigned first), not Schalkwijk, which sorts first.
    expect(await agent.getByRole('combobox', { name: 'Locatie' }).inputValue()).toBe(location);

    await agent.getByRole('link', { name: 'Live overzicht' }).click();
    await agent.getByTestId(`live-${location}`).getByText('Balie 1').waitFor();
    await screenshot(agent, 'agent-supervisor-live');
    expect(await axeViolations(agent)).toEqual([]);

    // The ticker text typed here runs on the waiting-room display.
    const live = agent.getByTestId(`live-${location}`);
    await live.getByLabel('Tekst op het wachtkamerscherm').fill('Balie 5 is vandaag gesloten');
    await live.getByRole('button', { name: 'Tekst opslaan' }).click();
    await live.getByText('De tekst staat op de schermen.').waitFor();
    await display.getByTestId('ticker').getByText('Balie 5 is vandaag gesloten').waitFor();
    await display.setViewportSize({ width: 1920, height: 1080 });
    await screenshot(display, 'display-landscape-ticker', { fullPage: false });
    expect(await axeViolations(display)).toEqual([]);

    // Pair a second display with a one-time code typed on the screen.
    await agent.getByRole('link', { name: 'Apparaten' }).click();
    await agent.getByLabel('Soort').selectOption('display');
    await agent.getByLabel('Naam').fill('Scherm hal');
    await agent.getByRole('button', { name: 'Nieuwe koppelcode' }).click();
    const code = (await agent.getByTestId('pairing-code').locator('strong').textContent()) ?? '';
    expect(code.length).toBeGreaterThanOrEqual(4);
    await screenshot(agent, 'agent-supervisor-devices');
    const fresh = await newContext(browser, { viewport: { width: 1280, height: 720 } });
    const second = await fresh.newPage();
    await second.goto(`${server.url}/display/`);
    await second.getByLabel('Koppelcode').fill(code);
    expect(await axeViolations(second)).toEqual([]);
    await screenshot(second, 'display-pairing', { fullPage: false });
    await second.getByRole('button', { name: 'Koppelen' }).click();
    await second.getByRole('heading', { name: 'Nu aan de beurt' }).waitFor();
    await fresh.close();

    // Book for a resident on the phone.
    await agent.getByRole('link', { name: 'Afspraken' }).click();
    await agent.getByLabel('Dienst').first().selectOption('id-card');
    await agent.getByRole('button', { name: 'Vrije tijden zoeken' }).click();
    await agent.locator('.slot-picker .chip').first().click();
    await agent.locator('input[name=book-time]').first().check({ force: true });
    await agent.getByLabel('Naam', { exact: true }).fill('Bellende Inwoner');
    await agent.getByLabel('E-mailadres', { exact: true }).fill('beller@example.org');
    await agent.getByRole('button', { name: 'Afspraak vastleggen' }).click();
    await agent.getByTestId('booked').waitFor();
    await screenshot(agent, 'agent-desk-booked');
    expect(await axeViolations(agent)).toEqual([]);
    const reference =
      /Afspraak (\S+) is gemaakt/.exec((await agent.getByTestId('booked').textContent()) ?? '')?.[1] ?? '';
    expect(reference).not.toBe('');

    // Search it by the resident's name; opening the result shows it in the find-by-reference view.
    await agent.getByLabel('Naam, e-mailadres of afspraaknummer').fill('bellende');
    await agent.getByRole('button', { name: 'Afspraken zoeken' }).click();
    const results = agent.getByTestId('desk-search-results');
    await results.getByText('1 afspraak gevonden.').waitFor();
    await results.getByRole('button', { name: new RegExp(`${reference} · Bellende Inwoner`) }).click();
    await agent.getByTestId('found-appointment').getByText(`Afspraak ${reference}`).waitFor();
    await screenshot(agent, 'agent-desk-search');
    expect(await axeViolations(agent)).toEqual([]);

    // Find it again by reference, move it to another time, then cancel it.
    await agent.getByLabel('Afspraaknummer', { exact: true }).fill(reference);
    await agent.getByRole('button', { name: 'Zoeken', exact: true }).click();
    const found = agent.getByTestId('found-appointment');
    await found.getByText('Bellende Inwoner').waitFor();
    await found.getByRole('button', { name: 'Verplaatsen' }).click();
    await found.locator('.slot-picker .chip').first().click();
    await found.locator('input[name=move-time]').nth(1).check({ force: true });
    await found.getByRole('button', { name: /^Nieuwe tijd/ }).click();
    await agent.getByText('Afspraak verplaatst naar').waitFor();
    agent.once('dialog', (dialog) => void dialog.accept());
    await found.getByRole('button', { name: 'Annuleren' }).click();
    await agent.getByText(`Afspraak ${reference} is geannuleerd.`).waitFor();
    await screenshot(agent, 'agent-desk-moved-cancelled');
    expect(await axeViolations(agent)).toEqual([]);

    for (const [link, name] of [
      ['Statistiek', 'agent-supervisor-statistics'],
      ['Planning', 'agent-supervisor-planner'],
      ['E-mail', 'agent-supervisor-outbox'],
      ['Inrichting', 'agent-supervisor-admin'],
    ] as const) {
      await agent.getByRole('link', { name: link }).click();
      await agent.waitForLoadState('networkidle');
      await agent.waitForTimeout(300);
      await screenshot(agent, name);
      const violations = await axeViolations(agent);
      expect(violations, `${name}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
    }
    await agent.getByRole('link', { name: 'Statistiek' }).click();
    await agent.getByTestId('stats-chart').locator('svg').first().waitFor();
    await agent.getByRole('link', { name: 'Planning' }).click();
    // The first forecast of a fresh server learns from the whole history (seconds of CPU; more on a loaded CI
    // machine running the other suites beside it), as the outlook below does.
    await agent.getByTestId('heatmap').waitFor({ timeout: 90_000 });
    await agent.getByTestId('forecast-chart').locator('svg').first().waitFor();
    // The months-ahead outlook (52 weeks, both channels) and its peak-week advice, axe-clean once loaded.
    await agent.getByTestId('outlook-chart').locator('svg').first().waitFor({ timeout: 90_000 });
    await screenshot(agent, 'agent-supervisor-planner-outlook');
    expect(await axeViolations(agent)).toEqual([]);
    await agent.getByRole('link', { name: 'E-mail' }).click();
    await agent.getByTestId('outbox-table').getByText('beller@example.org').first().waitFor();

    // Set-up: a local closure added through the admin endpoints is listed afterwards.
    await agent.getByRole('link', { name: 'Inrichting' }).click();
    const closureForm = agent.getByRole('form', { name: 'Sluitingsdag toevoegen' });
    await closureForm.getByLabel('Datum').fill('2027-02-15');
    await closureForm.getByLabel('Reden').fill('Verhuizing archief');
    await closureForm.getByRole('button', { name: 'Toevoegen' }).click();
    await agent.getByRole('cell', { name: 'Verhuizing archief' }).waitFor();

    // English is complete: the console in English.
    await agent.getByRole('button', { name: 'Switch to English' }).click();
    await agent.getByRole('link', { name: 'Counter' }).click();
    await agent.getByRole('button', { name: /Call next/ }).waitFor();
    await screenshot(agent, 'agent-console-en');
    await agent.getByRole('link', { name: 'Planning' }).click();
    await agent
      .getByRole('heading', { name: 'Short in the roster (next 8 weeks, largest first)', exact: true })
      .waitFor();
    await screenshot(agent, 'agent-supervisor-planner-en');
    await agent.getByRole('button', { name: 'Schakel naar Nederlands' }).click();
  }, 300_000);
});
