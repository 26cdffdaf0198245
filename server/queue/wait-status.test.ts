import { describe, expect, it } from 'vitest';
import { nextWalkInStart, type StatusCounter, serviceWaitStatus } from './wait-status.ts';

const now = new Date('2026-12-07T07:55:00Z'); // 08:55 in Amsterdam
const nine = Date.parse('2026-12-07T08:00:00Z');
const eleven = Date.parse('2026-12-07T10:00:00Z');
const band = { minutes: 75, low: 60, high: 120, band: 'gt60' as const };
const counter = (over: Partial<StatusCounter> = {}): StatusCounter => ({
  id: 1,
  state: 'open',
  skills: ['passport'],
  busy: false,
  ...over,
});

describe('serviceWaitStatus', () => {
  it('says "no counter open" with the start of walk-in hours, never a band, before opening', () => {
    const s = serviceWaitStatus({
      code: 'passport',
      now,
      counters: [counter({ state: 'closed' })],
      waiting: [],
      band,
      walkInHours: [{ start: nine, end: eleven }],
    });
    expect(s).toEqual({ status: 'no-counter-open', estimatedWait: null, opensAt: new Date(nine) });
  });

  it('has no opening time once walk-in hours have started or passed', () => {
    const later = new Date(nine + 60_000);
    const s = serviceWaitStatus({
      code: 'passport',
      now: later,
      counters: [counter({ state: 'paused' })],
      waiting: [{ id: 1, codes: ['passport'], targetCounterId: null }],
      band,
      walkInHours: [{ start: nine, end: eleven }],
    });
    expect(s.status).toBe('no-counter-open');
    expect(s.opensAt).toBeNull();
  });

  it('says "walk-in closed" while its counters are open but the service takes no walk-ins now', () => {
    const open = { code: 'passport', counters: [counter()], waiting: [], band, walkInHours: [] };
    const before = serviceWaitStatus({ ...open, now, serviceWalkInHours: [{ start: nine, end: eleven }] });
    expect(before).toEqual({ status: 'walk-in-closed', estimatedWait: null, opensAt: new Date(nine) });
    const after = serviceWaitStatus({
      ...open,
      now: new Date(eleven),
      serviceWalkInHours: [{ start: nine, end: eleven }],
    });
    expect(after).toEqual({ status: 'walk-in-closed', estimatedWait: null, opensAt: null });
    const during = serviceWaitStatus({
      ...open,
      now: new Date(nine),
      serviceWalkInHours: [{ start: nine, end: eleven }],
    });
    expect(during.status).toBe('no-wait');
    // Unknown hours: as before.
    expect(serviceWaitStatus({ ...open, now }).status).toBe('no-wait');
    // Nobody serving it says so first, with the service's own next start.
    const closed = serviceWaitStatus({
      ...open,
      now,
      counters: [counter({ state: 'closed' })],
      serviceWalkInHours: [{ start: nine + 3_600_000, end: eleven }],
    });
    expect(closed).toEqual({ status: 'no-counter-open', estimatedWait: null, opensAt: new Date(nine + 3_600_000) });
  });

  it('an open counter without the skill does not count', () => {
    const s = serviceWaitStatus({
      code: 'passport',
      now,
      counters: [counter({ skills: ['pickup'] })],
      waiting: [],
      band,
      walkInHours: [],
    });
    expect(s.status).toBe('no-counter-open');
  });

  it('nobody ahead and a free counter: no wait', () => {
    const s = serviceWaitStatus({ code: 'passport', now, counters: [counter()], waiting: [], band, walkInHours: [] });
    expect(s).toEqual({
      status: 'no-wait',
      estimatedWait: { minutes: 0, low: 0, high: 0, band: 'none' },
      opensAt: null,
    });
  });

  it('a waiting ticket the counter could call first, or a busy counter: the band', () => {
    const withTicket = serviceWaitStatus({
      code: 'passport',
      now,
      counters: [counter({ skills: ['passport', 'pickup'] })],
      waiting: [{ id: 1, codes: ['pickup'], targetCounterId: null }],
      band,
      walkInHours: [],
    });
    expect(withTicket).toMatchObject({ status: 'wait', estimatedWait: band });
    const busy = serviceWaitStatus({
      code: 'passport',
      now,
      counters: [counter({ busy: true })],
      waiting: [],
      band,
      walkInHours: [],
    });
    expect(busy.status).toBe('wait');
  });

  it('a ticket transferred to another counter is not ahead', () => {
    const s = serviceWaitStatus({
      code: 'passport',
      now,
      counters: [counter()],
      waiting: [{ id: 1, codes: ['passport'], targetCounterId: 2 }],
      band,
      walkInHours: [],
    });
    expect(s.status).toBe('no-wait');
  });
});

describe('nextWalkInStart', () => {
  it('picks the earliest start after now', () => {
    const two = Date.parse('2026-12-07T13:00:00Z');
    expect(
      nextWalkInStart(now, [
        { start: two, end: two + 1 },
        { start: nine, end: eleven },
      ]),
    ).toEqual(new Date(nine));
    expect(nextWalkInStart(new Date(two + 1), [{ start: nine, end: eleven }])).toBeNull();
  });
});
