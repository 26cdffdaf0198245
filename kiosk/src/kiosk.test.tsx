// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createI18n } from '../../shared-web/i18n.ts';
import { makeTicketDto } from '../../shared-web/ticket-fixture.ts';
import { KioskApp } from './app.tsx';
import { en, nl } from './messages.ts';
import type { KioskTimings } from './timings.ts';

// The hub is replaced by a connected fake: these tests are about the kiosk's own logic.
vi.mock('../../shared-web/hub.ts', () => ({
  useHub: () => ({ socket: { on: () => undefined, off: () => undefined }, connected: true }),
  emitCommand: () => Promise.resolve({ ok: false, error: { code: 'internal', message: 'no hub in this test' } }),
  onCommandFacts: () => () => undefined,
}));

const timings: KioskTimings = { idleMs: 300, ticketIdleMs: 300, warningMs: 300, offlineGraceMs: 10 };

const ticketBody = (n: number) =>
  makeTicketDto({ id: n, position: 3, estimatedWait: { minutes: 12, low: 8, high: 16, band: '10-20' } });

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

type TicketHandler = () => Promise<Response>;

function mockApi(onTicket: TicketHandler) {
  const calls: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      calls.push(`${init?.method ?? 'GET'} ${url}`);
      if (url.endsWith('/devices/current')) return json({ id: 1, locationId: 'haarlem-zijlsingel', kind: 'kiosk' });
      if (url.endsWith('/services'))
        return json({
          services: [
            { code: 'passport', name: { nl: 'Paspoort aanvragen', en: 'Apply for a passport' } },
            { code: 'id-card', name: { nl: 'ID-kaart aanvragen', en: 'Apply for an ID card' } },
          ],
        });
      if (url.endsWith('/locations'))
        return json({
          locations: [
            {
              id: 'haarlem-zijlsingel',
              name: 'Stadskantoor Zijlsingel',
              timeZone: 'Europe/Amsterdam',
              services: [
                { code: 'passport', walkIn: true, bookableOnline: true },
                { code: 'id-card', walkIn: true, bookableOnline: true },
              ],
            },
          ],
        });
      if (url.endsWith('/tickets')) return onTicket();
      return json({ code: 'not-found', status: 404 }, 404);
    }),
  );
  return calls;
}

/** For tests that do not test the idle return: a busy machine must not send the kiosk back to its start mid-test. */
const patient: KioskTimings = { idleMs: 60_000, ticketIdleMs: 60_000, warningMs: 10_000, offlineGraceMs: 10 };

function renderKiosk(print: () => void, kioskTimings: KioskTimings = timings) {
  const i18n = createI18n({ nl, en }, { remember: false, language: 'nl' });
  render(
    <I18nextProvider i18n={i18n}>
      <KioskApp timings={kioskTimings} print={print} />
    </I18nextProvider>,
  );
  return i18n;
}

beforeEach(() => {
  localStorage.setItem('loket.kiosk.token', 'device-token');
  vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => setTimeout(() => cb(0), 0));
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  localStorage.clear();
});

describe('kiosk', () => {
  it('warns before an idle reset, and goes back to the Dutch start screen', async () => {
    mockApi(async () => json(ticketBody(1), 201));
    const i18n = renderKiosk(() => undefined);
    await screen.findByRole('button', { name: /Paspoort aanvragen/ });
    fireEvent.click(screen.getByRole('button', { name: 'English' }));
    await screen.findByRole('button', { name: /Apply for a passport/ });
    expect(i18n.language).toBe('en');

    // Idle: the warning comes first; answering it keeps the English screen.
    await screen.findByRole('alertdialog', {}, { timeout: 2000 });
    expect(screen.getByText(/Are you still there\?/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Yes, I am still here' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(i18n.language).toBe('en');

    // Idle again without an answer: back to the start, in Dutch.
    await screen.findByRole('alertdialog', {}, { timeout: 2000 });
    await waitFor(() => expect(i18n.language).toBe('nl'), { timeout: 2000 });
    await screen.findByRole('button', { name: /Paspoort aanvragen/ });
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('never prints twice: a double tap sends one request, a lost answer is retried once, one print', async () => {
    let attempt = 0;
    let release: (() => void) | undefined;
    const calls = mockApi(() => {
      attempt += 1;
      if (attempt === 1) return Promise.reject(new TypeError('Failed to fetch'));
      return new Promise<Response>((resolve) => {
        release = () => resolve(json(ticketBody(7), 201));
      });
    });
    const print = vi.fn();
    renderKiosk(print, patient);
    const button = await screen.findByRole('button', { name: /Paspoort aanvragen/ });
    fireEvent.click(button);
    fireEvent.click(button);
    const retry = await screen.findByRole('button', { name: 'Probeer opnieuw' });
    expect(print).not.toHaveBeenCalled();
    expect(screen.getByText(/Er is nog geen bon geprint/)).toBeTruthy();
    fireEvent.click(retry);
    fireEvent.click(retry);
    await waitFor(() => expect(release).toBeDefined());
    await act(async () => release?.());
    await screen.findByTestId('kiosk-ticket-number');
    await waitFor(() => expect(print).toHaveBeenCalledTimes(1));
    await new Promise((r) => setTimeout(r, 50));
    expect(print).toHaveBeenCalledTimes(1);
    expect(calls.filter((c) => c.startsWith('POST')).length).toBe(2);
    expect(screen.getByTestId('print-ticket').textContent).toContain('P007');
    expect(screen.getByTestId('print-ticket').textContent).toContain('10–20 minuten');
  });

  it('reads the ticket aloud when the resident turned read-out on', async () => {
    mockApi(async () => json(ticketBody(3), 201));
    const spoken: { text: string; lang: string }[] = [];
    vi.stubGlobal(
      'SpeechSynthesisUtterance',
      class {
        lang = '';
        rate = 1;
        voice: unknown = null;
        constructor(public text: string) {}
      },
    );
    vi.stubGlobal('speechSynthesis', {
      cancel: () => undefined,
      getVoices: () => [],
      speak: (u: { text: string; lang: string }) => spoken.push({ text: u.text, lang: u.lang }),
    });
    renderKiosk(() => undefined);
    await screen.findByRole('button', { name: /Paspoort aanvragen/ });
    fireEvent.click(screen.getByRole('button', { name: 'Voorlezen' }));
    await waitFor(() => expect(spoken.at(-1)?.text).toContain('Welkom bij het stadskantoor'));
    fireEvent.click(screen.getByRole('button', { name: /Paspoort aanvragen/ }));
    await screen.findByTestId('kiosk-ticket-number');
    await waitFor(() => expect(spoken.at(-1)?.text).toContain('P 0 0 3'));
    expect(spoken.at(-1)?.lang).toBe('nl-NL');
    expect(spoken.at(-1)?.text).toContain('10–20 minuten');
  });

  it('shows the offline banner and disables the buttons when the browser goes offline', async () => {
    mockApi(async () => json(ticketBody(1), 201));
    renderKiosk(() => undefined);
    const button = await screen.findByRole('button', { name: /Paspoort aanvragen/ });
    expect((button as HTMLButtonElement).disabled).toBe(false);
    act(() => {
      window.dispatchEvent(new Event('offline'));
    });
    expect(await screen.findByTestId('offline-banner')).toBeTruthy();
    expect((screen.getByRole('button', { name: /Paspoort aanvragen/ }) as HTMLButtonElement).disabled).toBe(true);
    act(() => {
      window.dispatchEvent(new Event('online'));
    });
    await waitFor(() => expect(screen.queryByTestId('offline-banner')).toBeNull());
  });
});
