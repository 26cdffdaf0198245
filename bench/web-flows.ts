/**
 * Taps, key presses, typed characters and seconds for the three flows of issue 13, driven in headless
 * Chromium against a real server (the same drivers the e2e tests assert, tests/e2e/helpers/flows.ts):
 *  - booking a two-person passport appointment on a phone (390 × 844, touch);
 *  - checking in at the kiosk without a scanner (portrait 1080 × 1920, keypad);
 *  - serving ten visitors at the counter with the keyboard, without and with "call and start".
 * Printed beside the counts before this work (the figures). Seconds are wall-clock on a shared
 * machine and include the server's answers; the counts do not depend on the machine.
 */
import { loadavg } from 'node:os';
import { apiCall } from '../tests/e2e/helpers/api.ts';
import { hasChromium, launchBrowser } from '../tests/e2e/helpers/browser.ts';
import {
  bookForKiosk,
  bookTwoPersonPassport,
  checkInByKeypad,
  type FlowCount,
  serveVisitors,
} from '../tests/e2e/helpers/flows.ts';
import { startE2eServer } from '../tests/e2e/helpers/server.ts';

const now = '2026-11-23T08:30:00Z';
const deviceToken = 'demo-device-token-0123456789';
const password = 'demo-password-123';
const location = 'haarlem-zijlsingel';

/** The counts before this work, as the issue states and the earlier screens required. */
export const before = {
  booking: { taps: 14, typed: 28, note: 'selects, 28 day rows, 57 time rows; name and e-mail typed' },
  kiosk: { taps: 2, typed: 12, note: 'the 12-character reference typed on a keyboard the kiosk lacks' },
  counter: { keysPerVisitor: 3, note: 'next, start, finish (the console finished on the next call: 2 + 1 at the end)' },
};

export interface FlowResults {
  loadavg: number[];
  booking: FlowCount | null;
  kiosk: FlowCount | null;
  counterClassic: FlowCount | null;
  counterOneKey: FlowCount | null;
}

export async function measureFlows(): Promise<FlowResults | null> {
  if (!hasChromium) return null;
  const server = await startE2eServer({
    now,
    apps: ['booking', 'kiosk', 'agent-ui'],
    config: { RATE_LIMIT_LOOKUPS_PER_MINUTE: 1_000_000, RATE_LIMIT_BOOKINGS_PER_MINUTE: 1_000_000 },
  });
  const browser = await launchBrowser();
  const results: FlowResults = {
    loadavg: loadavg(),
    booking: null,
    kiosk: null,
    counterClassic: null,
    counterOneKey: null,
  };
  try {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'nl-NL',
      timezoneId: 'Europe/Amsterdam',
    });
    const p = await phone.newPage();
    await p.clock.setFixedTime(new Date(now));
    results.booking = await bookTwoPersonPassport(p, server.url, 'Zijlsingel');
    await phone.close();

    const { start, checkInCode } = await bookForKiosk(server, '2026-11-24');
    server.clock.set(new Date(new Date(start).getTime() - 10 * 60_000));
    const kioskContext = await browser.newContext({ viewport: { width: 1080, height: 1920 }, locale: 'nl-NL' });
    await kioskContext.addInitScript(() => {
      window.print = () => undefined;
    });
    const k = await kioskContext.newPage();
    await k.goto(`${server.url}/kiosk#token=${deviceToken}`);
    await k.getByRole('button', { name: /Ik heb een afspraak/ }).waitFor();
    results.kiosk = await checkInByKeypad(k, checkInCode);
    await kioskContext.close();
    server.clock.set(now);

    const staff = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'nl-NL' });
    const a = await staff.newPage();
    await a.goto(`${server.url}/agent/`);
    await a.locator('#username').fill('demo-agent');
    await a.locator('#password').fill(password);
    await a.getByRole('button', { name: 'Aanmelden' }).click();
    await a.locator('#counter-select').selectOption({ label: 'Balie 1' });
    await a.getByTestId('counter-state').getByText('Open').waitFor();
    const take = async (n: number) => {
      for (let i = 0; i < n; i++)
        await apiCall(server, `/locations/${location}/tickets`, {
          method: 'POST',
          token: deviceToken,
          body: { services: [{ code: 'passport', persons: 1 }] },
        });
    };
    await take(10);
    await a.getByTestId('queue-table').getByText('P010').waitFor();
    results.counterClassic = await serveVisitors(a, 10, false);
    const supervisor = await apiCall<{ token: string }>(server, '/sessions', {
      method: 'POST',
      body: { username: 'demo-supervisor', password },
    });
    await apiCall(server, `/locations/${location}/settings`, {
      method: 'PATCH',
      token: supervisor.token,
      body: { callAndStart: true },
    });
    await a.getByText('Oproepen is beginnen').waitFor();
    await take(10);
    await a.getByTestId('queue-table').getByText('P020').waitFor();
    results.counterOneKey = await serveVisitors(a, 10, true);
    await staff.close();
  } finally {
    await browser.close();
    await server.close();
  }
  return results;
}

export function printFlows(r: FlowResults): void {
  const s = (c: FlowCount | null) => (c ? `${c.seconds.toFixed(1)} s` : '–');
  console.log(`flows (load average ${r.loadavg.map((x) => x.toFixed(1)).join(' ')}):`);
  if (r.booking)
    console.log(
      `  booking, two-person passport on a phone: ${r.booking.taps} taps + ${r.booking.typed} typed characters, ${s(r.booking)}` +
        `   (before: about ${before.booking.taps} taps + ${before.booking.typed} typed)`,
    );
  if (r.kiosk)
    console.log(
      `  kiosk check-in without a scanner: ${r.kiosk.taps} taps, ${r.kiosk.typed} typed characters, ${s(r.kiosk)}` +
        `   (before: ${before.kiosk.typed} characters typed on a keyboard the kiosk does not have)`,
    );
  if (r.counterClassic && r.counterOneKey)
    console.log(
      `  counter, ten visitors: ${r.counterOneKey.keys} keys with "call and start" (${(r.counterOneKey.keys / 10).toFixed(1)} per visitor), ${s(r.counterOneKey)}; ` +
        `${r.counterClassic.keys} keys without (${(r.counterClassic.keys / 10).toFixed(1)} per visitor), ${s(r.counterClassic)}` +
        `   (before: ${before.counter.keysPerVisitor} keys per visitor as stated; measured without the setting: ${(r.counterClassic.keys / 10).toFixed(1)})`,
    );
}
