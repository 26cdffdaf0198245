import { describe, expect, it } from 'vitest';
import { createAnnouncer, spokenNumber } from './announcer.ts';
import { initialDisplayState, MAX_RECENT, missedCalls, reduceDisplay } from './display-state.ts';
import { makeCall, makeSnapshot } from './test-helpers.ts';

const call = (id: number, second: number, recall = false) => {
  const { ticket: _t, ...c } = makeCall(
    id,
    `P${id}`,
    'Balie 1',
    new Date(Date.UTC(2026, 10, 23, 9, 0, second)).toISOString(),
    recall,
  );
  return c;
};

describe('display state', () => {
  it('keeps at most MAX_RECENT calls, one per ticket, newest first', () => {
    let state = reduceDisplay(initialDisplayState, { type: 'snapshot', snapshot: makeSnapshot() });
    for (let i = 1; i <= 50; i++) state = reduceDisplay(state, { type: 'called', call: call(i, i) });
    state = reduceDisplay(state, { type: 'called', call: call(48, 55, true) });
    expect(state.recent).toHaveLength(MAX_RECENT);
    expect(state.recent.map((c) => c.ticketId)).toEqual([48, 50, 49, 47, 46, 45]);
    expect(state.latest?.ticketId).toBe(48);
  });

  it('ignores estimates and ticker texts of another location', () => {
    const state = reduceDisplay(initialDisplayState, { type: 'snapshot', snapshot: makeSnapshot() });
    const next = reduceDisplay(state, { type: 'ticker', locationId: 'elsewhere', text: 'x' });
    expect(next.ticker).toBe('Welkom');
  });

  it('finds calls missed while offline, but not old ones or ones already shown', () => {
    const before = reduceDisplay(initialDisplayState, {
      type: 'snapshot',
      snapshot: makeSnapshot({ recentCalls: [call(1, 0)], at: '2026-11-23T09:00:00.000Z' }),
    });
    const snapshot = makeSnapshot({
      at: '2026-11-23T09:03:00.000Z',
      recentCalls: [call(1, 0), call(2, 30), { ...call(3, 0), calledAt: '2026-11-23T09:02:30.000Z' }],
    });
    expect(missedCalls(before, snapshot).map((c) => c.ticketId)).toEqual([3]);
    expect(missedCalls(initialDisplayState, snapshot)).toEqual([]);
  });
});

describe('announcer memory', () => {
  it('holds at most maxPending announcements during a burst', () => {
    const never = new Promise<void>(() => {});
    const announcer = createAnnouncer({
      output: { chime: () => never, speak: () => never },
      sentence: () => '',
      maxPending: 5,
      wait: () => never,
    });
    for (let i = 1; i <= 1000; i++) announcer.announce(call(i, i % 60));
    expect(announcer.pending()).toBe(5);
    expect(announcer.active()?.ticketId).toBe(1);
    announcer.dispose();
  });
});

describe('spoken ticket numbers', () => {
  it('read every sign the screen shows, in order', () => {
    expect(spokenNumber('P001')).toBe('P, nul, nul, één');
    expect(spokenNumber('A120')).toBe('A, één, twee, nul');
    expect(spokenNumber('Balie')).toBe('Balie');
    // The spoken signs map back onto the shown number, sign for sign.
    const digits = ['nul', 'één', 'twee', 'drie', 'vier', 'vijf', 'zes', 'zeven', 'acht', 'negen'];
    for (const shown of ['P001', 'R042', 'G999', 'I100']) {
      const back = spokenNumber(shown)
        .split(', ')
        .map((w) => (digits.includes(w) ? String(digits.indexOf(w)) : w))
        .join('');
      expect(back).toBe(shown);
    }
  });
});
