// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createI18n } from '../../shared-web/i18n.ts';
import { makeTicketDto } from '../../shared-web/ticket-fixture.ts';
import { en, nl } from './messages.ts';
import { TicketPage } from './ticket-page.tsx';

// The hub cannot be reached: the page must fall back to polling the API.
vi.mock('../../shared-web/hub.ts', () => ({
  useHub: () => ({ socket: null, connected: false }),
  emitCommand: vi.fn(),
  onCommandFacts: () => () => undefined,
}));

const ticket = (status: 'waiting' | 'called', position: number | null) =>
  makeTicketDto({
    publicId: 'abcdefghijklmnopqrst',
    number: 'P012',
    status,
    counterId: status === 'called' ? 4 : null,
    counterName: status === 'called' ? 'Balie 4' : null,
    callCount: status === 'called' ? 1 : 0,
    position,
    estimatedWait: status === 'waiting' ? { minutes: 7, low: 5, high: 10, band: '5-10' } : null,
  });

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('ticket page without the hub', () => {
  it('polls the API and shows the call when it comes', async () => {
    const answers = [ticket('waiting', 3), ticket('waiting', 1), ticket('called', null)];
    const urls: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        urls.push(url);
        const body = answers.length > 1 ? answers.shift() : answers[0];
        return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
      }),
    );
    const i18n = createI18n({ nl, en } as unknown as Parameters<typeof createI18n>[0], { remember: false });
    render(
      <I18nextProvider i18n={i18n}>
        <TicketPage publicId="abcdefghijklmnopqrst" pollMs={30} />
      </I18nextProvider>,
    );
    expect(await screen.findByText('Er zijn nog 2 personen voor u.')).toBeTruthy();
    expect(screen.getByText('Verwachte wachttijd: 5–10 minuten')).toBeTruthy();
    expect(screen.getByText(/Live bijwerken lukt niet/)).toBeTruthy();
    expect(await screen.findByText('U bent de volgende.')).toBeTruthy();
    expect(await screen.findByText('U bent aan de beurt! Ga naar Balie 4.')).toBeTruthy();
    expect(urls.every((u) => u === '/api/v1/tickets/abcdefghijklmnopqrst')).toBe(true);
  });
});
