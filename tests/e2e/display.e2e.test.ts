import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueSnapshot, TicketDto } from '../../server/contracts/queue.ts';
import { apiCall as call } from './helpers/api.ts';
import { axeViolations, hasChromium, launchBrowser, newContext, screenshot } from './helpers/browser.ts';
import { type RestartableServer, startRestartableServer } from './helpers/restartable-server.ts';

const now = '2026-11-23T08:30:00Z'; // Monday 09:30 in Amsterdam: walk-in hours
const deviceToken = 'demo-device-token-0123456789';
const location = 'haarlem-zijlsingel';

/** A walk-in takes a ticket at the kiosk and Balie 2 calls it, over the HTTP twins of the hub commands. */
async function issueAndCall(server: RestartableServer, staffToken: string, counterId: number, code = 'pickup') {
  const ticket = await call<TicketDto>(server, `/locations/${location}/tickets`, {
    method: 'POST',
    token: deviceToken,
    body: { services: [{ code, persons: 1 }] },
  });
  const called = await call<{ ticket: TicketDto | null }>(server, `/counters/${counterId}/call-next`, {
    method: 'POST',
    token: staffToken,
  });
  // Start serving it, so the counter's next call-next finishes it (a called ticket blocks the counter).
  if (called.ticket) await call(server, `/tickets/${called.ticket.id}/start`, { method: 'POST', token: staffToken });
  return { ticket, called: called.ticket };
}

describe.skipIf(!hasChromium)('waiting-room display in real Chromium', () => {
  let server: RestartableServer;
  let browser: Browser;
  let page: Page;
  let staffToken: string;
  let counterId: number;

  beforeAll(async () => {
    server = await startRestartableServer({ now, apps: ['display'] });
    browser = await launchBrowser();
    const context = await newContext(browser, { viewport: { width: 1920, height: 1080 } });
    page = await context.newPage();
    const session = await call<{ token: string }>(server, '/sessions', {
      method: 'POST',
      body: { username: 'demo-agent', password: 'demo-password-123' },
    });
    staffToken = session.token;
    const snapshot = await call<QueueSnapshot>(server, `/locations/${location}/queue`, { token: staffToken });
    counterId = (snapshot.counters.find((c) => c.name === 'Balie 7') ?? snapshot.counters[0])?.id as number;
    await call(server, `/counters/${counterId}/sign-in`, { method: 'POST', token: staffToken });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows waiting counts, then a call; after a server restart it says offline, reconnects and resyncs', async () => {
    await page.goto(`${server.url}/display/#token=${deviceToken}`);
    await page.getByText('Nog geen oproepen').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'display-landscape-empty', { fullPage: false });

    const first = await issueAndCall(server, staffToken, counterId);
    expect(first.called?.number).toBe(first.ticket.number);
    await page.getByTestId('latest-call').getByText(first.ticket.number).waitFor();

    // Restart: the screen says it is offline (and stays accessible while it does)…
    await server.stop();
    await page.getByRole('alert').getByText('Verbinding verbroken').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'display-offline', { fullPage: false });

    // …the server comes back, and a call made before the screen is back must show after the resync.
    await server.start();
    const second = await issueAndCall(server, staffToken, counterId);
    await page.getByTestId('latest-call').getByText(second.ticket.number).waitFor({ timeout: 15_000 });
    await page.getByRole('alert').waitFor({ state: 'detached' });
    await expect(page.getByTestId('recent-calls').textContent()).resolves.toContain(first.ticket.number);

    // Live again: the next call arrives as an event.
    const third = await issueAndCall(server, staffToken, counterId);
    await page.getByTestId('latest-call').getByText(third.ticket.number).waitFor();
    await screenshot(page, 'display-after-reconnect', { fullPage: false });

    // A busy morning: people waiting per service and a ticker text from the supervisor.
    for (const code of ['passport', 'passport', 'id-card', 'driving-licence', 'pickup']) {
      await call(server, `/locations/${location}/tickets`, {
        method: 'POST',
        token: deviceToken,
        body: { services: [{ code, persons: 1 }] },
      });
    }
    const supervisor = await call<{ token: string }>(server, '/sessions', {
      method: 'POST',
      body: { username: 'demo-supervisor', password: 'demo-password-123' },
    });
    await call(server, `/locations/${location}/ticker`, {
      method: 'PUT',
      token: supervisor.token,
      body: { text: 'Donderdag open tot 20:00 · Paspoort ophalen kan zonder afspraak' },
    });
    await page.getByTestId('waiting-total').getByText('5 personen wachten').waitFor();
    await page.getByTestId('ticker').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'display-landscape-busy', { fullPage: false });
    await page.setViewportSize({ width: 1080, height: 1920 });
    await screenshot(page, 'display-portrait-busy', { fullPage: false });
    expect(await axeViolations(page)).toEqual([]);
  }, 120_000);
});
