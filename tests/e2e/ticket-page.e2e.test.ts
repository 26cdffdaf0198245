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

  it('says "almost your turn" with sound, vibration and a notification once it is close, while the page is open', async () => {
    const take = () =>
      api<TicketDto>('/locations/haarlem-zijlsingel/tickets', {
        method: 'POST',
        token: deviceToken,
        body: { services: [{ code: 'id-card', persons: 1 }] },
      });
    const first = await take();
    const second = await take();
    const mine = await take();
    const context = await newContext(browser, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    context.setDefaultTimeout(20_000);
    await context.grantPermissions(['notifications'], { origin: server.url });
    // Count vibrations and notifications instead of feeling and seeing them.
    await context.addInitScript(() => {
      const w = window as unknown as { __vibrations: number; __notes: string[] };
      w.__vibrations = 0;
      w.__notes = [];
      navigator.vibrate = () => {
        w.__vibrations += 1;
        return true;
      };
      const Real = window.Notification;
      class Counting extends Real {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          w.__notes.push(options?.body ?? '');
        }
      }
      window.Notification = Counting as unknown as typeof Notification;
      Object.defineProperty(document, 'hidden', { get: () => true });
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/t/${mine.publicId}`);
    await page.getByText(/Er zijn nog \d+ personen voor u/).waitFor();
    expect(await page.getByTestId('almost-your-turn').count()).toBe(0);
    await page.getByRole('button', { name: 'Waarschuw mij als ik bijna aan de beurt ben' }).click();
    await page.getByTestId('alerts-on').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'booking-16b-ticket-alerts-on');

    // Another member of staff opens another ID-card counter and calls the first one waiting.
    const session = await api<{ token: string }>('/sessions', {
      method: 'POST',
      body: { username: 'demo-supervisor', password: server.deps.config.LOKET_DEMO_PASSWORD },
    });
    const snapshot = await api<QueueSnapshot>('/locations/haarlem-zijlsingel/queue', { token: session.token });
    const counter = snapshot.counters
      .filter((c: CounterDto) => c.skills.includes('id-card') && c.state === 'closed')
      .at(-1);
    await api(`/counters/${counter?.id}/sign-in`, { method: 'POST', token: session.token });
    const called = await api<{ ticket: TicketDto | null }>(`/counters/${counter?.id}/call-next`, {
      method: 'POST',
      token: session.token,
    });
    expect(called.ticket?.id).toBe(first.id);
    expect(second.id).toBeLessThan(mine.id);
    await page.getByTestId('almost-your-turn').waitFor();
    await page.waitForFunction(() => (window as unknown as { __vibrations: number }).__vibrations >= 1);
    expect(await page.evaluate(() => (window as unknown as { __notes: string[] }).__notes)).toEqual([
      'U bent bijna aan de beurt. Blijf in de buurt van de wachtruimte.',
    ]);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'booking-16c-ticket-almost');
    await context.close();
  }, 120_000);
});
