import { describe, expect, it } from 'vitest';
import { createRandom } from '../random.ts';
import { learnPatience, type PatienceEvent } from './patience.ts';

const start = new Date('2026-03-02T08:00:00Z').getTime();
const at = (minutes: number) => new Date(start + minutes * 60_000);

/**
 * Walk-ins with exponential patience (mean `patience`) and an exponential wait until the call (mean `wait`).
 * `silent`: the share of those who give up without telling anyone — the counter finds out when it calls them
 * (called, recalled, no-show).
 */
function syntheticLog(n: number, patience: number, wait: number, seed: number, silent = 0): PatienceEvent[] {
  const rng = createRandom(seed);
  const events: PatienceEvent[] = [];
  for (let id = 1; id <= n; id++) {
    const issued = rng.next() * 400;
    const givesUp = rng.exponential(1 / patience);
    const called = rng.exponential(1 / wait);
    events.push({ ticketId: id, type: 'issued', at: at(issued), data: { source: 'kiosk' } });
    if (givesUp < called && rng.next() < silent) {
      events.push({ ticketId: id, type: 'called', at: at(issued + called), data: null });
      events.push({ ticketId: id, type: 'recalled', at: at(issued + called + 1), data: null });
      events.push({ ticketId: id, type: 'no-show', at: at(issued + called + 2), data: { calls: 2 } });
    } else if (givesUp < called)
      events.push({ ticketId: id, type: 'cancelled', at: at(issued + givesUp), data: { reason: 'abandoned' } });
    else {
      events.push({ ticketId: id, type: 'called', at: at(issued + called), data: null });
      events.push({ ticketId: id, type: 'started', at: at(issued + called + 0.5), data: null });
    }
  }
  // The log is read in time order, not per ticket.
  return events.sort((a, b) => a.at.getTime() - b.at.getTime());
}

describe('learnPatience', () => {
  it('recovers the generating mean patience although most residents are called before they give up', () => {
    for (const [patience, wait, seed] of [
      [30, 15, 1],
      [45, 20, 2],
      [20, 40, 3],
    ] as const) {
      const learned = learnPatience(syntheticLog(4000, patience, wait, seed));
      expect(learned.observed).toBe(4000);
      expect(learned.abandoned).toBeGreaterThan(0);
      // Censored at the call: the naive mean of the observed abandonment times would be far too short.
      expect(Math.abs((learned.meanMinutes ?? 0) / patience - 1)).toBeLessThan(0.1);
    }
  });

  it('does not take a busy morning for impatience: those still waiting count as patient so far', () => {
    // A snapshot at 10:00 of a log of residents issued from 08:00: long waits are still open.
    const now = 120;
    const events = syntheticLog(4000, 40, 60, 5).filter((e) => e.at.getTime() <= at(now).getTime());
    const told = learnPatience(events, at(now)).meanMinutes ?? 0;
    const blind = learnPatience(events).meanMinutes ?? 0;
    expect(blind).toBeLessThan(told);
    expect(Math.abs(told / 40 - 1)).toBeLessThan(0.15);
  });

  it('says nobody gives up when nobody did', () => {
    const events = syntheticLog(500, 1e9, 10, 4);
    expect(learnPatience(events).meanMinutes).toBeNull();
    expect(learnPatience([]).meanMinutes).toBeNull();
  });

  it('counts only walk-ins, and only cancellations as abandoned as giving up', () => {
    const events: PatienceEvent[] = [
      { ticketId: 1, type: 'issued', at: at(0), data: { source: 'kiosk' } },
      { ticketId: 1, type: 'cancelled', at: at(10), data: { reason: 'abandoned' } },
      // An appointment checked in and cancelled: not a walk-in's patience.
      { ticketId: 2, type: 'issued', at: at(0), data: { source: 'check-in' } },
      { ticketId: 2, type: 'cancelled', at: at(5), data: { reason: 'abandoned' } },
      // Cancelled by staff for another reason: censored (waited 20 minutes without giving up).
      { ticketId: 3, type: 'issued', at: at(0), data: { source: 'kiosk' } },
      { ticketId: 3, type: 'cancelled', at: at(20), data: null },
      // Called after 30 minutes, later recalled and cancelled: only the first call ends the wait.
      { ticketId: 4, type: 'issued', at: at(0), data: { source: 'kiosk' } },
      { ticketId: 4, type: 'called', at: at(30), data: null },
      { ticketId: 4, type: 'cancelled', at: at(40), data: { reason: 'abandoned' } },
      // Still waiting: nothing known yet.
      { ticketId: 5, type: 'issued', at: at(0), data: { source: 'kiosk' } },
    ];
    const learned = learnPatience(events);
    expect(learned.abandoned).toBe(1);
    expect(learned.observed).toBe(3);
    expect(learned.minutesAtRisk).toBe(60);
    expect(learned.noShows).toBe(0);
    // (60 minutes at risk + the prior's 2 × 120) ÷ (1 + 2).
    expect(learned.meanMinutes).toBeCloseTo(100, 9);
    // Told the time, the one still waiting counts as patient so far (30 minutes); a day-old leftover does not.
    expect(learnPatience(events, at(30)).minutesAtRisk).toBe(90);
    expect(learnPatience(events, at(24 * 60)).minutesAtRisk).toBe(60);
  });
});

describe('learnPatience with residents who leave without a word', () => {
  it('counts a no-show at the first call as having given up before it, and recovers the patience', () => {
    for (const [patience, wait, seed, silent] of [
      [30, 15, 11, 1],
      [45, 20, 12, 1],
      [25, 30, 13, 0.6],
    ] as const) {
      const events = syntheticLog(4000, patience, wait, seed, silent);
      const learned = learnPatience(events);
      expect(learned.noShows).toBeGreaterThan(0);
      expect(Math.abs((learned.meanMinutes ?? 0) / patience - 1)).toBeLessThan(0.1);
      // Read as "called, so still there", the same log makes the office look far more patient than it is (or,
      // with every leaver silent, as if nobody ever gave up).
      const blind = learnPatience(events.filter((e) => e.type !== 'no-show')).meanMinutes;
      expect(blind === null || blind > 1.3 * patience).toBe(true);
    }
  });

  it('takes a no-show who came back and was returned to the line, or one served before, as patient', () => {
    const events: PatienceEvent[] = [
      // Gave up before the call: interval-censored at 20 minutes.
      { ticketId: 1, type: 'issued', at: at(0), data: { source: 'kiosk' } },
      { ticketId: 1, type: 'called', at: at(20), data: null },
      { ticketId: 1, type: 'no-show', at: at(22), data: { calls: 2 } },
      // A no-show who turned up and was returned: waited 30 minutes, still there.
      { ticketId: 2, type: 'issued', at: at(0), data: { source: 'kiosk' } },
      { ticketId: 2, type: 'called', at: at(30), data: null },
      { ticketId: 2, type: 'no-show', at: at(32), data: { calls: 2 } },
      { ticketId: 2, type: 'returned', at: at(40), data: null },
      // Served, parked to fetch a paper, called again and gone: was there at the first call.
      { ticketId: 3, type: 'issued', at: at(0), data: { source: 'kiosk' } },
      { ticketId: 3, type: 'called', at: at(10), data: null },
      { ticketId: 3, type: 'started', at: at(11), data: null },
      { ticketId: 3, type: 'called', at: at(50), data: null },
      { ticketId: 3, type: 'no-show', at: at(52), data: { calls: 1 } },
      // An appointment's no-show is no walk-in's patience.
      { ticketId: 4, type: 'issued', at: at(0), data: { source: 'check-in' } },
      { ticketId: 4, type: 'called', at: at(5), data: null },
      { ticketId: 4, type: 'no-show', at: at(7), data: { calls: 2 } },
    ];
    const learned = learnPatience(events);
    expect(learned.noShows).toBe(1);
    expect(learned.abandoned).toBe(0);
    expect(learned.observed).toBe(3);
    expect(learned.minutesAtRisk).toBe(40);
    // The maximum of 2·ln λ − λ·(40 + 240) + ln(1 − e^(−20λ)): its derivative vanishes there.
    const rate = 1 / (learned.meanMinutes ?? 0);
    expect(Math.abs(2 / rate - 280 + 20 / Math.expm1(20 * rate))).toBeLessThan(1e-6);
    expect(learned.meanMinutes).toBeGreaterThan(0);
  });
});
