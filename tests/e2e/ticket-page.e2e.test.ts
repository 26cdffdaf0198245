import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CounterDto, QueueSnapshot, TicketDto } from '../../server/contracts/queue.ts';
import { type ApiInit, apiCall } from './helpers/api.ts';
import { axeViolations, hasChromium, launchBrowser, newContext, screenshot } from './helpers/browser.ts';
import { type E2eServer, startE2eServer } from './helpers/server.ts';

const now = '2026-11-23T08:30:00Z';
const deviceToken = 'demo-device-token-0123456789';

describe.skipIf(!hasChromium)("resident's ticket page /t/<publicId>", () => {
  let server: E2eServer;
  let browser: Browser;

  const api = <T>(path: string, init?: ApiInit) => apiCall<T>(server, path, init);

  beforeAll(async () => {
    server = await startE2eServer({ now, apps: ['booking'] });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the position and wait, then the call live over the hub', async () => {
    const ticket = await api<TicketDto>('/locations/haarlem-zijlsingel/tickets', {
      method: 'POST',
      token: deviceToken,
      body: { services: [{ code: 'passport', persons: 1 }] },
    });
    const context = await newContext(browser, { viewport: { width: 390, height: 844 }, isMobile: true });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await page.goto(`${server.url}/t/${ticket.publicId}`);
    await page.getByTestId('ticket-number').getByText(ticket.number).waitFor();
    await page.getByText('U bent de volgende.').waitFor();
    await page.getByText('Deze pagina werkt zichzelf bij.').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'booking-15-ticket-waiting');

    // An agent calls it; the page changes without a reload.
    const session = await api<{ token: string }>('/sessions', {
      method: 'POST',
      body: { username: 'demo-agent', password: server.deps.config.LOKET_DEMO_PASSWORD },
    });
    const snapshot = await api<QueueSnapshot>('/locations/haarlem-zijlsingel/queue', { token: session.token });
    const counter = snapshot.counters.find((c: CounterDto) => c.skills.includes('passport'));
    expect(counter).toBeDefined();
    await api(`/counters/${counter?.id}/sign-in`, { method: 'POST', token: session.token });
    const called = await api<{ ticket: TicketDto | null }>(`/counters/${counter?.id}/call-next`, {
      method: 'POST',
      token: session.token,
    });
    expect(called.ticket?.publicId).toBe(ticket.publicId);
    await page.getByText(`U bent aan de beurt! Ga naar ${counter?.name}.`).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'booking-16-ticket-called');

    // An unknown ticket says so plainly.
    await page.goto(`${server.url}/t/doesnotexist0000000000`);
    await page.locator('[data-error-code="not-found"]').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  }, 120_000);
});
