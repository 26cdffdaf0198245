// @vitest-environment jsdom
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import type { Ack } from '../../../server/contracts/hub.ts';
import type { CounterDto, QueueSnapshot, TicketDto } from '../../../server/contracts/queue.ts';
import { FakeHub } from '../../../shared-web/fake-hub.ts';
import { makeTicketDto } from '../../../shared-web/ticket-fixture.ts';
import { createAgentI18n } from '../i18n.ts';
import { CounterConsole } from './counter-console.tsx';

const counter: CounterDto = {
  id: 1,
  locationId: 'haarlem-zijlsingel',
  name: 'Balie 1',
  state: 'closed',
  agentName: null,
  skills: ['passport', 'id-card'],
  currentTicketId: null,
};

function ticket(id: number, number: string, code: string, overrides: Partial<TicketDto> = {}): TicketDto {
  return makeTicketDto({
    id,
    publicId: `p${id}`,
    number,
    services: [{ code, persons: 1 }],
    issuedAt: '2026-11-23T08:00:00.000Z',
    position: id,
    ...overrides,
  });
}

const snapshot: QueueSnapshot = {
  locationId: 'haarlem-zijlsingel',
  serviceDate: '2026-11-23',
  at: '2026-11-23T08:10:00.000Z',
  tickets: [ticket(11, 'P1', 'passport'), ticket(12, 'A1', 'pickup')],
  counters: [counter, { ...counter, id: 2, name: 'Balie 7', skills: ['pickup'] }],
  recentCalls: [],
  waits: [],
  tickerText: '',
  callAndStart: false,
};

/** Plays the hub: counter sign-in opens the counter, call-next calls P1, start/finish move it on. */
function server(options: { callAndStart?: boolean } = {}): FakeHub {
  const ok = (data: unknown): Ack => ({ ok: true, data });
  const p1 = snapshot.tickets[0] as TicketDto;
  return new FakeHub((event) => {
    switch (event) {
      case 'queue:subscribe':
        return ok({ ...snapshot, callAndStart: options.callAndStart ?? false });
      case 'counter:sign-in':
        return ok({ ...counter, state: 'open', agentName: 'Demo' });
      case 'queue:call-next':
        return ok({
          ticket: {
            ...p1,
            status: 'called',
            counterId: 1,
            counterName: 'Balie 1',
            callCount: 1,
            calledAt: '2026-11-23T08:11:00.000Z',
          },
        });
      case 'ticket:start':
        return ok({
          ...p1,
          status: 'serving',
          counterId: 1,
          calledAt: '2026-11-23T08:11:00.000Z',
          startedAt: '2026-11-23T08:12:00.000Z',
        });
      case 'ticket:finish':
        return ok({ ...p1, status: 'done', counterId: 1 });
      case 'ticket:transfer':
        return ok({ ...p1, status: 'waiting', counterId: null });
      default:
        return { ok: false, error: { code: 'invalid-state', message: 'no' } };
    }
  });
}

function renderConsole(hub: FakeHub) {
  return render(
    <I18nextProvider i18n={createAgentI18n('nl')}>
      <input aria-label="notes" />
      <CounterConsole
        socket={hub.asSocket()}
        locationId="haarlem-zijlsingel"
        initialCounterId={1}
        services={[
          { code: 'passport', name: 'Paspoort', minutesPerPerson: 10, maxPersons: 4, necessities: ['Pasfoto'] },
          { code: 'pickup', name: 'Ophalen', minutesPerPerson: 5, maxPersons: 4, necessities: [] },
        ]}
      />
    </I18nextProvider>,
  );
}

afterEach(cleanup);

describe('counter console keyboard shortcuts', () => {
  it('N calls next, S starts, F finishes — each only when it makes sense, never from a text field', async () => {
    const user = userEvent.setup();
    const hub = server();
    renderConsole(hub);
    await waitFor(() => expect(screen.getByTestId('counter-state').textContent).toBe('Open'));
    // Only the ticket this counter is skilled for is in its queue.
    expect(screen.getByTestId('queue-table').textContent).toContain('P1');
    expect(screen.getByTestId('queue-table').textContent).not.toContain('A1');

    // Finish and start mean nothing without a ticket: nothing is sent.
    await user.keyboard('fs');
    expect(hub.sent('ticket:finish')).toHaveLength(0);
    expect(hub.sent('ticket:start')).toHaveLength(0);

    // A modifier or a text field is not a shortcut.
    await user.keyboard('{Control>}n{/Control}');
    await user.click(screen.getByLabelText('notes'));
    await user.keyboard('n');
    expect(hub.sent('queue:call-next')).toHaveLength(0);
    (document.activeElement as HTMLElement).blur();

    await user.keyboard('n');
    await waitFor(() => expect(screen.getByTestId('current-ticket').textContent).toContain('P1'));
    expect(hub.sent('queue:call-next')).toHaveLength(1);
    expect(screen.getByTestId('current-ticket').textContent).toContain('Pasfoto');

    // With a visitor at the counter, N does not call another one.
    await user.keyboard('n');
    expect(hub.sent('queue:call-next')).toHaveLength(1);

    await user.keyboard('s');
    await waitFor(() => expect(screen.getByTestId('current-ticket').textContent).toContain('in behandeling'));
    expect(hub.sent('ticket:start')).toEqual([{ ticketId: 11 }]);

    await user.keyboard('f');
    await waitFor(() => expect(screen.queryByTestId('current-ticket')).toBeNull());
    expect(hub.sent('ticket:finish')).toEqual([{ ticketId: 11 }]);
  });

  it('shows the error when the hub refuses, and T transfers the ticket to another counter', async () => {
    const user = userEvent.setup();
    const hub = server();
    renderConsole(hub);
    await waitFor(() => expect(screen.getByTestId('counter-state').textContent).toBe('Open'));
    await user.keyboard('n');
    await waitFor(() => expect(screen.getByTestId('current-ticket')).toBeTruthy());
    await user.keyboard('k'); // park → the fake hub refuses with invalid-state
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/al verder in behandeling/));
    await user.keyboard('t');
    const dialog = await screen.findByRole('dialog');
    // Keys typed while the dialog is open belong to the dialog.
    await user.keyboard('x');
    expect(hub.sent('ticket:no-show')).toHaveLength(0);
    await user.selectOptions(screen.getByLabelText('Naar'), 'Balie 7');
    await user.click(within(dialog).getByRole('button', { name: /Doorsturen/ }));
    expect(hub.sent('ticket:transfer')).toEqual([{ ticketId: 11, counterId: 2 }]);
    act(() => hub.serverEmit('ticket:updated', { ...(snapshot.tickets[0] as TicketDto), status: 'cancelled' }));
  });

  it('with "call and start" one key per visitor: N again while the visitor is called, no Start button', async () => {
    const user = userEvent.setup();
    const hub = server({ callAndStart: true });
    renderConsole(hub);
    await waitFor(() => expect(screen.getByTestId('counter-state').textContent).toBe('Open'));
    expect(screen.queryByRole('button', { name: /^Start/ })).toBeNull();
    await user.keyboard('n');
    await waitFor(() => expect(screen.getByTestId('current-ticket').textContent).toContain('P1'));
    // S means nothing here; N calls the next one (the hub finishes P1, served from its call).
    await user.keyboard('s');
    expect(hub.sent('ticket:start')).toHaveLength(0);
    await user.keyboard('n');
    await waitFor(() => expect(hub.sent('queue:call-next')).toHaveLength(2));
    expect(screen.getByText(/Oproepen is beginnen/)).toBeTruthy();
  });
});
