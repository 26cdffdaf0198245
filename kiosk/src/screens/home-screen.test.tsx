// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import type { CounterDto, ServiceWaitDto } from '../../../server/contracts/queue.ts';
import { createI18n } from '../../../shared-web/i18n.ts';
import type { KioskSetup } from '../api.ts';
import { en, nl } from '../messages.ts';
import { HomeScreen } from './home-screen.tsx';

afterEach(cleanup);

const setup: KioskSetup = {
  locationId: 'haarlem-zijlsingel',
  locationName: 'Stadskantoor Zijlsingel',
  timeZone: 'Europe/Amsterdam',
  services: [
    { code: 'passport', name: { nl: 'Paspoort aanvragen', en: 'Apply for a passport' }, maxPersons: 5 },
    { code: 'pickup', name: { nl: 'Document ophalen', en: 'Collect a document' }, maxPersons: 1 },
  ],
};

const noCounter = (code: string, opensAt: string | null = null): ServiceWaitDto => ({
  code,
  waiting: 0,
  status: 'no-counter-open',
  estimatedWait: null,
  opensAt,
});

function renderHome(waits: ServiceWaitDto[], counters: CounterDto[] | null) {
  render(
    <I18nextProvider i18n={createI18n({ nl, en }, { remember: false, language: 'nl' })}>
      <HomeScreen
        setup={setup}
        setupError={null}
        waits={waits}
        counters={counters}
        offline={false}
        lang="nl"
        onTake={() => undefined}
        onAppointment={() => undefined}
      />
    </I18nextProvider>,
  );
}

const meta = (name: string) =>
  screen.getByRole('button', { name: new RegExp(name) }).querySelector('.kiosk-button__meta')?.textContent;

describe('HomeScreen wait text', () => {
  it('says "no counter open" as the server judged it, also before the counters are known — never "no wait"', () => {
    renderHome([noCounter('passport', '2026-12-08T09:00:00+01:00'), noCounter('pickup')], null);
    expect(meta('Paspoort aanvragen')).toBe('Nu geen balie open, inloop vanaf 09:00 · 0 wachtenden');
    expect(meta('Document ophalen')).toBe('Nu geen balie open · 0 wachtenden');
  });

  it('"no wait" only when the server says so; a busy counter gives its band', () => {
    renderHome(
      [
        {
          code: 'passport',
          waiting: 0,
          status: 'wait',
          estimatedWait: { minutes: 7, low: 4, high: 10, band: '5-10' },
          opensAt: null,
        },
        {
          code: 'pickup',
          waiting: 0,
          status: 'no-wait',
          estimatedWait: { minutes: 0, low: 0, high: 0, band: 'none' },
          opensAt: null,
        },
      ],
      [
        {
          id: 1,
          locationId: 'haarlem-zijlsingel',
          name: 'Balie 1',
          state: 'open',
          agentName: 'Demo',
          skills: ['passport', 'pickup'],
          currentTicketId: 9,
        },
      ],
    );
    expect(meta('Paspoort aanvragen')).toBe('Wachttijd nu: 5–10 minuten · 0 wachtenden');
    expect(meta('Document ophalen')).toBe('Nu geen wachttijd · 0 wachtenden');
  });
});
