import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueSnapshot } from '../../server/contracts/queue.ts';
import { type ApiInit, apiCall } from './helpers/api.ts';
import { hasChromium, screenshot, watchPageProblems } from './helpers/browser.ts';
import { bookForKiosk, checkInByKeypad } from './helpers/flows.ts';
import type { E2eServer } from './helpers/server.ts';
import { type BrowserSession, openBrowserSession } from './helpers/session.ts';

// Monday 23 November 2026, 09:30 in Haarlem: walk-in hours.
const now = '2026-11-23T08:30:00Z';
const deviceToken = 'demo-device-token-0123456789';

async function prints(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __prints: number }).__prints);
}

describe.skipIf(!hasChromium)('kiosk in real Chromium', () => {
  let suite: BrowserSession;
  let server: E2eServer;
  let context: BrowserContext;
  let page: Page;
  const checkAxe = (name: string) => suite.checkAxe(name);

  /** Every test starts from a freshly loaded start screen, whatever the test before it left behind. */
  async function openKiosk() {
    await page.goto(`${server.url}/kiosk#token=${deviceToken}`);
    await page.getByRole('button', { name: /Paspoort aanvragen/ }).waitFor();
  }

  beforeAll(async () => {
    suite = await openBrowserSession({
      server: {
        now,
        apps: ['kiosk'],
        config: { RATE_LIMIT_LOOKUPS_PER_MINUTE: 10_000, RATE_LIMIT_BOOKINGS_PER_MINUTE: 1000 },
      },
      context: { viewport: { width: 1080, height: 1920 } },
      // Count print calls instead of opening a print dialog.
      prepare: (_s, c) =>
        c.addInitScript(() => {
          const w = window as unknown as { __prints: number };
          w.__prints = 0;
          window.print = () => {
            w.__prints += 1;
          };
        }),
    });
    ({ server, context, page } = suite);
  });

  afterAll(() => suite?.close());

  it('without an open counter the start screen says so instead of a wait', async () => {
    await page.goto(`${server.url}/kiosk#token=${deviceToken}`);
    await page.getByRole('button', { name: /Paspoort aanvragen.*Nu geen balie open/ }).waitFor();
  });

  it('takes a walk-in ticket, prints it once on an 80 mm layout, and passes axe', async () => {
    // An agent opens a passport counter, so there is a real wait estimate to show.
    const json = <T>(path: string, init?: ApiInit) => apiCall<T>(server, path, init);
    const session = await json<{ token: string }>('/sessions', {
      method: 'POST',
      body: { username: 'demo-agent', password: server.deps.config.LOKET_DEMO_PASSWORD },
    });
    const queue = await json<QueueSnapshot>('/locations/haarlem-zijlsingel/queue', { token: session.token });
    const counter = queue.counters.find((c) => c.skills.includes('passport'));
    await json(`/counters/${counter?.id}/sign-in`, { method: 'POST', token: session.token });

    const problems = watchPageProblems(page);
    // The address the server prints on first start: /kiosk#token=… (redirected to /kiosk/, fragment kept).
    await page.goto(`${server.url}/kiosk#token=${deviceToken}`);
    // The token moves to localStorage and leaves the address bar.
    await page.getByRole('button', { name: /Paspoort aanvragen.*wachttijd/i }).waitFor();
    expect(new URL(page.url()).hash).toBe('');
    expect(await page.evaluate(() => localStorage.getItem('loket.kiosk.token'))).toBe(deviceToken);
    await checkAxe('home');
    await screenshot(page, 'kiosk-1-home');

    await page.getByRole('button', { name: /Paspoort aanvragen/ }).click();
    await page.getByRole('heading', { name: 'Voor hoeveel personen?' }).waitFor();
    await checkAxe('persons');
    await screenshot(page, 'kiosk-1b-persons');
    await page.getByRole('button', { name: '2 personen' }).click();
    const number = page.getByTestId('kiosk-ticket-number');
    await number.waitFor();
    expect(await number.textContent()).toMatch(/^[A-Z]\d+$/);
    await page.waitForFunction(() => (window as unknown as { __prints: number }).__prints === 1);
    await checkAxe('ticket');
    await screenshot(page, 'kiosk-2-ticket');

    // The paper: only the receipt, 80 mm wide.
    await page.setViewportSize({ width: 302, height: 560 });
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByTestId('print-ticket').isVisible()).toBe(true);
    expect(await page.locator('main.kiosk').isVisible()).toBe(false);
    expect(await page.getByTestId('print-ticket').textContent()).toContain(await number.textContent());
    await screenshot(page, 'kiosk-3-print-80mm');
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 1080, height: 1920 });

    await page.getByRole('button', { name: 'Klaar' }).click();
    await page.getByRole('button', { name: /Paspoort aanvragen/ }).waitFor();
    expect(await prints(page)).toBe(1);
    expect(suite.axeFindings).toEqual({});
    expect(problems).toEqual([]);
  }, 120_000);

  it('checks in by reference typed like a wedge scanner, and explains an unknown reference', async () => {
    // An appointment today at 11:00 or later, and the clock 10 minutes before it.
    const times = (await (
      await fetch(
        `${server.url}/api/v1/locations/haarlem-zijlsingel/available-times?services=passport:1&date=2026-11-23`,
      )
    ).json()) as { times: string[] };
    const start = times.times[0];
    expect(start).toBeTruthy();
    const booked = await fetch(`${server.url}/api/v1/appointments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        locationId: 'haarlem-zijlsingel',
        services: [{ code: 'passport', persons: 1 }],
        start,
        customer: { name: 'Kiosk Test', email: 'kiosk@example.nl' },
      }),
    });
    expect(booked.status).toBe(201);
    const { reference } = (await booked.json()) as { reference: string };
    server.clock.set(new Date(new Date(start ?? '').getTime() - 10 * 60_000));

    await openKiosk();
    const before = await prints(page);
    await page.getByRole('button', { name: /Ik heb een afspraak/ }).click();
    await page.getByLabel('Incheckcode').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('reference');
    await checkAxe('appointment');
    await screenshot(page, 'kiosk-4-appointment');
    await page.keyboard.type('NOPE1234', { delay: 5 });
    await page.keyboard.press('Enter');
    await page.locator('[data-error-code="not-found"]').waitFor();
    // The entry stays, with what to check.
    expect(await page.getByLabel('Incheckcode').inputValue()).toBe('NOPE1234');
    await checkAxe('error-not-found');
    await screenshot(page, 'kiosk-5-not-found');
    await page.getByRole('button', { name: 'Terug' }).click();

    // A wedge scanner on the start screen: a burst of key presses ending in Enter, far faster than a
    // person types. Sent in one go inside the page, so a loaded CI machine cannot stretch the gaps.
    await page.getByRole('button', { name: /Ik heb een afspraak/ }).waitFor();
    await page.evaluate((code) => {
      for (const key of [...code, 'Enter']) {
        document.body.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      }
    }, reference);
    await page.getByTestId('kiosk-ticket-number').waitFor();
    await page.getByText('U bent aangemeld voor uw afspraak').waitFor();
    await page.waitForFunction((n) => (window as unknown as { __prints: number }).__prints === n, before + 1);
    await screenshot(page, 'kiosk-6-checked-in');
    await page.getByRole('button', { name: 'Klaar' }).click();
    server.clock.set(now);
    expect(suite.axeFindings).toEqual({});
  }, 120_000);

  it('checks in with the 6-digit code on the keypad, without typing: a wrong digit keeps the entry', async () => {
    const { start, checkInCode } = await bookForKiosk(server, '2026-11-24');
    // Too early: 40 minutes before, the kiosk says from what time.
    server.clock.set(new Date(new Date(start).getTime() - 40 * 60_000));
    await openKiosk();
    const before = await prints(page);
    const key = (k: string) =>
      page.getByRole('group', { name: 'Cijfers' }).getByRole('button', { name: k, exact: true });
    await page.getByRole('button', { name: /Ik heb een afspraak/ }).click();
    for (const d of checkInCode) await key(d).click();
    await key('Aanmelden').click();
    await page
      .locator('[data-error-code="check-in-too-early"]')
      .getByText(/vanaf .*\d\d:\d\d/)
      .waitFor();
    await checkAxe('check-in-too-early');
    await screenshot(page, 'kiosk-5b-too-early');

    // On time, one wrong digit: the entry stays; erase it and press the right one.
    server.clock.set(new Date(new Date(start).getTime() - 10 * 60_000));
    await openKiosk();
    const counted = await checkInByKeypad(page, checkInCode);
    await page.getByText('U bent aangemeld voor uw afspraak').waitFor();
    await page.waitForFunction((n) => (window as unknown as { __prints: number }).__prints === n, before + 1);
    await checkAxe('checked-in-keypad');
    await screenshot(page, 'kiosk-6b-checked-in-keypad');
    // Before: the 12-character reference typed on a keyboard the kiosk does not have. Now: 8 taps, nothing typed.
    expect(counted).toMatchObject({ taps: 8, typed: 0 });

    await page.getByRole('button', { name: 'Klaar' }).click();
    await page.getByRole('button', { name: /Ik heb een afspraak/ }).click();
    const wrong = checkInCode.startsWith('9') ? `1${checkInCode.slice(1)}` : `9${checkInCode.slice(1)}`;
    for (const d of wrong) await key(d).click();
    await key('Aanmelden').click();
    await page.locator('[data-error-code="not-found"]').waitFor();
    expect(await page.getByLabel('Incheckcode').inputValue()).toBe(wrong);
    await checkAxe('keypad-wrong-code');
    await screenshot(page, 'kiosk-5c-wrong-code');
    server.clock.set(now);
    expect(suite.axeFindings).toEqual({});
  }, 120_000);

  it('refuses tickets outside walk-in hours and says when walk-in opens', async () => {
    // Monday 22:00.
    server.clock.set('2026-11-23T21:00:00Z');
    await openKiosk();
    await page.getByRole('button', { name: /ID-kaart aanvragen/ }).click();
    await page.getByRole('button', { name: '1 persoon' }).click();
    await page
      .locator('[data-error-code="outside-walk-in-hours"]')
      .getByText(/weer terecht vanaf .*09:00/)
      .waitFor();
    await checkAxe('outside-walk-in-hours');
    await screenshot(page, 'kiosk-5d-walk-in-closed');
    server.clock.set(now);
    expect(suite.axeFindings).toEqual({});
  }, 120_000);

  it('English and large text pass axe', async () => {
    await openKiosk();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Large text' }).click();
    await page.getByRole('heading', { name: 'Welcome to the city office' }).waitFor();
    await checkAxe('english-large');
    await screenshot(page, 'kiosk-7-english-large');
    await page.getByRole('button', { name: 'Nederlands' }).click();
    await page.getByRole('button', { name: 'Grote letters' }).click();
    expect(suite.axeFindings).toEqual({});
  });

  it('says so when the connection is lost, and a failed request is retried without a second ticket', async () => {
    await openKiosk();
    const before = await prints(page);
    await context.setOffline(true);
    try {
      await page.getByTestId('offline-banner').waitFor();
      expect(await page.getByRole('button', { name: /Paspoort aanvragen/ }).isDisabled()).toBe(true);
      await checkAxe('offline');
      await screenshot(page, 'kiosk-8-offline');
    } finally {
      await context.setOffline(false);
    }
    await page.getByTestId('offline-banner').waitFor({ state: 'detached', timeout: 15_000 });

    // The answer to the first try is lost on the way: the kiosk offers to retry and prints nothing yet.
    let aborted = false;
    await page.route('**/api/v1/locations/*/tickets', async (route) => {
      if (!aborted) {
        aborted = true;
        await route.abort('connectionreset');
      } else await route.fallback();
    });
    await page.getByRole('button', { name: /ID-kaart aanvragen/ }).click();
    await page.getByRole('button', { name: '1 persoon' }).click();
    await page.getByRole('button', { name: 'Probeer opnieuw' }).waitFor();
    expect(await prints(page)).toBe(before);
    await checkAxe('retry');
    await screenshot(page, 'kiosk-9-retry');
    await page.getByRole('button', { name: 'Probeer opnieuw' }).click();
    await page.getByTestId('kiosk-ticket-number').waitFor();
    await page.waitForFunction((n) => (window as unknown as { __prints: number }).__prints === n, before + 1);
    // Give a duplicate print every chance to happen, then check there was none.
    await page.waitForTimeout(500);
    expect(await prints(page)).toBe(before + 1);
    await page.unrouteAll();
    expect(suite.axeFindings).toEqual({});
  }, 120_000);

  it('warns after a minute without touches and then starts over in Dutch', async () => {
    const p = await context.newPage();
    await p.clock.install({ time: new Date(now) });
    await p.goto(`${server.url}/kiosk/`);
    await p.getByRole('button', { name: 'English' }).click();
    await p.getByRole('button', { name: /I have an appointment/ }).click();
    await p.getByLabel('Check-in code').waitFor();
    await p.clock.fastForward('00:46');
    await p.getByRole('alertdialog').waitFor();
    await p.getByText('Are you still there?').waitFor();
    page = p;
    await checkAxe('idle-warning');
    await screenshot(p, 'kiosk-10-idle-warning');
    await p.clock.fastForward('00:11');
    await p.getByRole('heading', { name: 'Welkom bij het stadskantoor' }).waitFor();
    expect(await p.getByRole('alertdialog').count()).toBe(0);
    expect(suite.axeFindings).toEqual({});
    await p.close();
  }, 120_000);

  it('a kiosk with a revoked or wrong token says it is not paired, forgets the token and shows its pairing form', async () => {
    const p = await context.newPage();
    await p.goto(`${server.url}/kiosk#token=not-a-real-device-token-000000`);
    await p.getByRole('alert').getByText('Deze zuil is niet (meer) gekoppeld. Vraag het aan een medewerker.').waitFor();
    await p.getByLabel('Koppelcode').waitFor();
    expect(await p.getByRole('button', { name: /Ik heb een afspraak/ }).count()).toBe(0);
    expect(await p.evaluate(() => localStorage.getItem('loket.kiosk.token'))).toBeNull();
    page = p;
    await checkAxe('unpaired');
    await screenshot(p, 'kiosk-11-unpaired');
    expect(suite.axeFindings).toEqual({});
    await p.close();
  });
});
