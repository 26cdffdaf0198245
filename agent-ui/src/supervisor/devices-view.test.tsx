// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import type { PairingCode } from '../../../server/contracts/auth.ts';
import type { ApiClient } from '../../../shared-web/api.ts';
import { createAgentI18n } from '../i18n.ts';
import { DevicesView } from './devices-view.tsx';

afterEach(cleanup);

/** A client whose pairing codes come only when the test lets them (`answer`), one per request. */
function slowClient() {
  const pending: ((code: PairingCode) => void)[] = [];
  const client: Pick<ApiClient, 'get' | 'post' | 'del'> = {
    get: async <T,>() => ({ devices: [] }) as T,
    post: <T,>() => new Promise<T>((resolve) => pending.push(resolve as (code: PairingCode) => void)),
    del: async <T,>() => undefined as T,
  };
  const answer = (code: string) => {
    const resolve = pending.shift();
    if (!resolve) throw new Error('no pairing code asked for');
    resolve({ code, expiresAt: '2026-12-07T19:15:00+01:00' } as PairingCode);
  };
  return { client, answer, asked: () => pending.length };
}

describe('DevicesView', () => {
  it('takes the old pairing code off the screen at once and says a new one is being made until it comes', async () => {
    const { client, answer, asked } = slowClient();
    render(
      <I18nextProvider i18n={createAgentI18n('nl')}>
        <DevicesView
          location={{ id: 'haarlem-zijlsingel', name: 'Stadskantoor Zijlsingel', timeZone: 'Europe/Amsterdam' }}
          token="t"
          client={client}
        />
      </I18nextProvider>,
    );
    await userEvent.type(screen.getByLabelText('Naam'), 'Scherm hal');
    const button = screen.getByRole('button', { name: 'Nieuwe koppelcode' });
    await userEvent.click(button);
    expect(screen.getByTestId('pairing-code').textContent).toBe('Nieuwe koppelcode wordt gemaakt…');
    answer('111111');
    expect((await screen.findByText('111111')).closest('[data-testid="pairing-code"]')).not.toBeNull();

    // The next one: 111111 is gone while it is made, and a second press meanwhile asks for no third code.
    await userEvent.click(button);
    expect(screen.queryByText('111111')).toBeNull();
    expect(screen.getByTestId('pairing-code').textContent).toBe('Nieuwe koppelcode wordt gemaakt…');
    expect(button).toHaveProperty('disabled', true);
    await userEvent.click(button);
    expect(asked()).toBe(1);
    answer('222222');
    await screen.findByText('222222');
    expect(screen.getAllByTestId('pairing-code')).toHaveLength(1);
    expect(screen.queryByText('111111')).toBeNull();
    expect(button).toHaveProperty('disabled', false);
  });
});
