import type { Page } from 'playwright-core';
import type { E2eServer } from './server.ts';

/**
 * The flows the issue measures, driven as a user would and counted: taps (clicks on the screen), key
 * presses, characters typed, and wall-clock seconds. Used by the e2e tests (which assert the counts) and by
 * `npm run bench:web` (which prints them beside the counts before this work).
 */
export interface FlowCount {
  taps: number;
  keys: number;
  typed: number;
  seconds: number;
}

/** Books a two-person passport appointment at the Zijlsingel on `date` through the API (the first free time). */
export async function bookForKiosk(
  server: E2eServer,
  date: string,
): Promise<{ start: string; checkInCode: string; reference: string }> {
  const times = (await (
    await fetch(`${server.url}/api/v1/locations/haarlem-zijlsingel/available-times?services=passport:2&date=${date}`)
  ).json()) as { times: string[] };
  const start = times.times[0] ?? '';
  const res = await fetch(`${server.url}/api/v1/appointments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      locationId: 'haarlem-zijlsingel',
      services: [{ code: 'passport', persons: 2 }],
      start,
      customer: { name: 'Keypad Test', email: `keypad-${date}@example.nl` },
    }),
  });
  if (res.status !== 201) throw new Error(`booking failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { checkInCode: string; reference: string };
  return { start, checkInCode: body.checkInCode, reference: body.reference };
}

/** At the kiosk's start screen: "I have an appointment", the code on the keypad, "Check in" — until the ticket shows. */
export async function checkInByKeypad(page: Page, code: string): Promise<FlowCount> {
  const count: FlowCount = { taps: 0, keys: 0, typed: 0, seconds: 0 };
  const keypad = page.getByRole('group', { name: /^(Cijfers|Digits)$/ });
  const started = Date.now();
  count.taps += 1;
  await page.getByRole('button', { name: /Ik heb een afspraak|I have an appointment/ }).click();
  for (const digit of code) {
    count.taps += 1;
    await keypad.getByRole('button', { name: digit, exact: true }).click();
  }
  count.taps += 1;
  await keypad.getByRole('button', { name: /^(Aanmelden|Check in)$/ }).click();
  await page.getByTestId('kiosk-ticket-number').waitFor();
  count.seconds = (Date.now() - started) / 1000;
  return count;
}

/** The number of the ticket the console has in hand, or null. */
async function currentNumber(page: Page): Promise<string | null> {
  const details = page.getByTestId('current-ticket');
  if ((await details.count()) === 0) return null;
  return ((await details.locator('.ticket-number').textContent()) ?? '').trim().split(/\s+/)[0] ?? null;
}

/**
 * Serves `visitors` waiting visitors at a signed-in counter console with the keyboard only, and counts
 * the key presses: without "call and start" N (call) and S (start) per visitor — N also finishes the one
 * served — and F after the last; with it N per visitor and F after the last.
 */
export async function serveVisitors(page: Page, visitors: number, oneKey: boolean): Promise<FlowCount> {
  const count: FlowCount = { taps: 0, keys: 0, typed: 0, seconds: 0 };
  const press = async (key: string) => {
    count.keys += 1;
    await page.keyboard.press(key);
  };
  const status = () => page.getByTestId('current-ticket').locator('.status');
  const started = Date.now();
  for (let i = 0; i < visitors; i++) {
    const before = await currentNumber(page);
    await press('n');
    await page.waitForFunction((previous) => {
      const el = document.querySelector('[data-testid="current-ticket"] .ticket-number');
      const shown = el?.textContent?.trim().split(/\s+/)[0] ?? null;
      return shown !== null && shown !== previous;
    }, before);
    if (!oneKey) {
      await press('s');
      await status()
        .getByText(/in behandeling|serving/)
        .waitFor();
    }
  }
  await press('f');
  await page.getByTestId('current-ticket').waitFor({ state: 'detached' });
  count.seconds = (Date.now() - started) / 1000;
  return count;
}

/**
 * On the booking page (already at its start): two persons for a passport, the office whose name contains
 * `office`, the first free time, name and e-mail, confirm — until the confirmation shows its reference.
 * Taps are clicks; typed counts the characters of name and e-mail (the least any booking needs).
 */
export async function bookTwoPersonPassport(page: Page, baseUrl: string, office: string): Promise<FlowCount> {
  const count: FlowCount = { taps: 0, keys: 0, typed: 0, seconds: 0 };
  const tap = async (locator: ReturnType<Page['locator']>) => {
    count.taps += 1;
    await locator.click();
  };
  const type = async (selector: string, text: string) => {
    count.taps += 1;
    await page.locator(selector).click();
    count.typed += text.length;
    await page.keyboard.type(text);
  };
  await page.goto(baseUrl);
  const more = page.getByRole('button', { name: /Eén persoon meer voor Paspoort|One person more for Passport/ });
  await more.waitFor();
  const started = Date.now();
  await tap(more);
  await tap(more);
  const next = page.getByRole('button', { name: /^(Volgende|Next)$/ });
  await tap(next);
  await tap(page.getByLabel(new RegExp(office)));
  await tap(next);
  await tap(page.getByRole('button', { name: /Kies de eerste vrije tijd|Choose the first free time/ }));
  // Offices that hand documents out by appointment ask for the pickup next: this flow takes it later.
  const skip = page.getByRole('button', { name: /^Overslaan|^Skip/ });
  const details = page.locator('#customer-name');
  await Promise.race([skip.waitFor(), details.waitFor()]);
  if (await skip.isVisible()) await tap(skip);
  await type('#customer-name', 'Anna de Vries');
  await type('#customer-email', 'anna@example.nl');
  await tap(next);
  await tap(page.getByRole('button', { name: /^(Afspraak maken|Book appointment)$/ }));
  await page.getByTestId('reference').waitFor();
  count.seconds = (Date.now() - started) / 1000;
  return count;
}
