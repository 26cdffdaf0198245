// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgentI18n } from '../../i18n.ts';
import type { Setup } from '../setup-model.ts';
import type { Send } from './send.ts';
import { SettingsSection } from './settings-section.tsx';

const setup: Setup = {
  location: {
    id: 'haarlem-zijlsingel',
    name: 'Stadhuis Zijlsingel',
    timeZone: 'Europe/Amsterdam',
    slotGridMinutes: 10,
    walkInShare: 0.2,
    minNoticeMinutes: 60,
    maxDaysAhead: 90,
    closedOnGoodFriday: true,
    closedOnLiberationDay: false,
    callAndStart: false,
  },
  services: [],
  counters: [],
  scheduleRules: [],
  rosterRules: [],
  closures: [],
  holidays: [],
};

afterEach(cleanup);

function renderSection(language: 'nl' | 'en', current: Setup = setup) {
  const sent: { method: string; path: string; body: unknown }[] = [];
  const send: Send = async (method, path, body) => {
    sent.push({ method, path, body });
    return true;
  };
  render(
    <I18nextProvider i18n={createAgentI18n(language)}>
      <SettingsSection setup={current} base="/locations/haarlem-zijlsingel" send={send} />
    </I18nextProvider>,
  );
  return sent;
}

describe('SettingsSection', () => {
  it('switches call and start on for the office through PATCH settings', async () => {
    const sent = renderSection('nl');
    const toggle = screen.getByRole<HTMLInputElement>('checkbox', { name: 'Oproepen en beginnen met één toets' });
    expect(toggle.checked).toBe(false);
    const hint = document.getElementById(toggle.getAttribute('aria-describedby') ?? '');
    expect(hint?.textContent).toMatch(/Volgende \(N\) roept de volgende bezoeker op/);
    await userEvent.click(toggle);
    await userEvent.click(screen.getByRole('button', { name: 'Opslaan' }));
    expect(sent).toHaveLength(1);
    expect(sent[0]?.method).toBe('PATCH');
    expect(sent[0]?.path).toBe('/locations/haarlem-zijlsingel/settings');
    expect(sent[0]?.body).toMatchObject({ callAndStart: true, slotGridMinutes: 10 });
  });

  it('shows the stored setting and switches it off again, in English too', async () => {
    const sent = renderSection('en', { ...setup, location: { ...setup.location, callAndStart: true } });
    const toggle = screen.getByRole<HTMLInputElement>('checkbox', { name: 'Call and start with one key' });
    expect(toggle.checked).toBe(true);
    await userEvent.click(toggle);
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(sent[0]?.body).toMatchObject({ callAndStart: false });
  });
});
