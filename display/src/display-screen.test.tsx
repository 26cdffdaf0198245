// @vitest-environment jsdom
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OFFLINE_NOTICE_MS } from '../../shared-web/use-online.ts';
import type { AnnouncerOutput } from './announcer.ts';
import { DisplayScreen, dutchSentence } from './display-screen.tsx';
import { createDisplayI18n } from './i18n.ts';
import { FakeSocket, makeCall, makeSnapshot } from './test-helpers.ts';

/** Records every sound with its start and end, and how many played at once. */
function recordingOutput(stepMs: number) {
  const log: string[] = [];
  let playing = 0;
  let maxConcurrent = 0;
  const play = (label: string) => {
    playing += 1;
    maxConcurrent = Math.max(maxConcurrent, playing);
    log.push(`start ${label}`);
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        playing -= 1;
        log.push(`end ${label}`);
        resolve();
      }, stepMs),
    );
  };
  const output: AnnouncerOutput = { chime: () => play('chime'), speak: (text) => play(text) };
  return { output, log, maxConcurrent: () => maxConcurrent };
}

function renderDisplay(socket: FakeSocket, output: AnnouncerOutput, offlineAfterMs = 0) {
  const i18n = createDisplayI18n('nl');
  return render(
    <I18nextProvider i18n={i18n}>
      <DisplayScreen
        socket={socket.asSocket()}
        output={output}
        locationId="haarlem-zijlsingel"
        serviceName={(code) => (code === 'passport' ? 'Paspoort' : code)}
        sentence={dutchSentence}
        gapMs={5}
        offlineAfterMs={offlineAfterMs}
      />
    </I18nextProvider>,
  );
}

afterEach(cleanup);

describe('display announcement queue', () => {
  it('announces calls one after another, never two sounds at once', async () => {
    const socket = new FakeSocket();
    socket.snapshot = makeSnapshot();
    const rec = recordingOutput(15);
    renderDisplay(socket, rec.output);
    act(() => {
      socket.serverEmit('ticket:called', makeCall(1, 'P1', 'Balie 1', '2026-11-23T09:00:01Z'));
      socket.serverEmit('ticket:called', makeCall(2, 'A1', 'Balie 7', '2026-11-23T09:00:02Z'));
      socket.serverEmit('ticket:called', makeCall(3, 'R1', 'Balie 3', '2026-11-23T09:00:03Z'));
    });
    await waitFor(() => expect(rec.log.filter((l) => l.startsWith('end')).length).toBe(6), { timeout: 3000 });
    expect(rec.maxConcurrent()).toBe(1);
    expect(rec.log).toEqual([
      'start chime',
      'end chime',
      'start Nummer P, één, naar Balie 1.',
      'end Nummer P, één, naar Balie 1.',
      'start chime',
      'end chime',
      'start Nummer A, één, naar Balie 7.',
      'end Nummer A, één, naar Balie 7.',
      'start chime',
      'end chime',
      'start Nummer R, één, naar Balie 3.',
      'end Nummer R, één, naar Balie 3.',
    ]);
    expect(screen.getByTestId('latest-call').textContent).toContain('R1');
    expect(screen.getByTestId('recent-calls').textContent).toContain('A1');
  });

  it('announces a recall again but a repeated event only once', async () => {
    const socket = new FakeSocket();
    socket.snapshot = makeSnapshot();
    const rec = recordingOutput(5);
    renderDisplay(socket, rec.output);
    const first = makeCall(7, 'P7', 'Balie 2', '2026-11-23T09:01:00Z');
    act(() => {
      socket.serverEmit('ticket:called', first);
      socket.serverEmit('ticket:called', first); // delivered twice (e.g. after a reconnect)
      socket.serverEmit('ticket:called', makeCall(7, 'P7', 'Balie 2', '2026-11-23T09:02:00Z', true));
    });
    await waitFor(() => expect(rec.log.filter((l) => l.startsWith('end')).length).toBe(4), { timeout: 3000 });
    await new Promise((r) => setTimeout(r, 50));
    const spoken = rec.log.filter((l) => l.startsWith('start N'));
    expect(spoken).toEqual(['start Nummer P, zeven, naar Balie 2.', 'start Nogmaals: nummer P, zeven, naar Balie 2.']);
    expect(rec.maxConcurrent()).toBe(1);
    // The recall moves the ticket to the top; it is listed once.
    expect(screen.getByTestId('latest-call').textContent).toContain('P7');
    expect(screen.getByTestId('recent-calls').textContent).not.toContain('P7');
  });

  it('keeps going when the speech engine never reports the end', async () => {
    const started: string[] = [];
    const output: AnnouncerOutput = {
      chime: async () => {},
      speak: (text) => {
        started.push(text);
        return new Promise<void>(() => {}); // a stuck engine
      },
    };
    const { createAnnouncer } = await import('./announcer.ts');
    const announcer = createAnnouncer({ output, sentence: dutchSentence, gapMs: 1, stepTimeoutMs: 20 });
    announcer.announce(makeCall(1, 'P1', 'Balie 1', '2026-11-23T09:00:01Z'));
    announcer.announce(makeCall(2, 'P2', 'Balie 1', '2026-11-23T09:00:02Z'));
    await waitFor(() => expect(started).toHaveLength(2), { timeout: 1000 });
    announcer.dispose();
  });

  it("says it is offline only after two seconds away: a drained node's screens are back sooner", () => {
    vi.useFakeTimers();
    try {
      const socket = new FakeSocket();
      socket.snapshot = makeSnapshot();
      renderDisplay(socket, recordingOutput(2).output, OFFLINE_NOTICE_MS);
      const drop = () =>
        act(() => {
          socket.connected = false;
          socket.serverEmit('disconnect', 'transport close');
        });
      drop();
      act(() => vi.advanceTimersByTime(OFFLINE_NOTICE_MS - 1));
      expect(screen.queryByRole('alert')).toBeNull();
      act(() => {
        socket.connected = true;
        socket.serverEmit('connect');
      });
      act(() => vi.advanceTimersByTime(OFFLINE_NOTICE_MS * 2));
      expect(screen.queryByRole('alert')).toBeNull();

      drop();
      act(() => vi.advanceTimersByTime(OFFLINE_NOTICE_MS));
      expect(screen.getByRole('alert').textContent).toContain('Verbinding verbroken');
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows the offline banner, then resyncs from the snapshot on reconnect and announces a missed call', async () => {
    const socket = new FakeSocket();
    socket.snapshot = makeSnapshot();
    const rec = recordingOutput(2);
    renderDisplay(socket, rec.output);
    expect(screen.getByTestId('waiting-total').textContent).toBe('4 personen wachten');
    expect(screen.getByTestId('ticker').textContent).toBe('Welkom');
    expect(screen.queryByRole('alert')).toBeNull();

    act(() => {
      socket.connected = false;
      socket.serverEmit('disconnect', 'transport close');
    });
    expect(screen.getByRole('alert').textContent).toContain('Verbinding verbroken');

    // While offline one call happened and the queue changed; the snapshot after reconnect carries both.
    socket.snapshot = makeSnapshot({
      at: '2026-11-23T09:05:00.000Z',
      recentCalls: [
        {
          ticketId: 9,
          number: 'I9',
          counterId: 4,
          counterName: 'Balie 4',
          calledAt: '2026-11-23T09:04:30.000Z',
          recall: false,
        },
      ],
      waits: [
        {
          code: 'passport',
          waiting: 1,
          status: 'wait',
          estimatedWait: { minutes: 1, low: 0, high: 5, band: 'lt5' },
          opensAt: null,
        },
      ],
      tickerText: 'Balie 5 is gesloten',
    });
    act(() => {
      socket.connected = true;
      socket.serverEmit('connect');
    });
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByTestId('latest-call').textContent).toContain('I9');
    expect(screen.getByTestId('waiting-total').textContent).toBe('1 persoon wacht');
    expect(screen.getByTestId('ticker').textContent).toBe('Balie 5 is gesloten');
    expect(screen.getByTestId('wait-passport').textContent).toContain('minder dan 5 minuten');
    await waitFor(() => expect(rec.log).toContain('start Nummer I, negen, naar Balie 4.'));
    expect(socket.emitted.filter((e) => e.event === 'queue:subscribe')).toHaveLength(2);
  });
});
