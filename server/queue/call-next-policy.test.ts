import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bestRanked,
  canCounterServe,
  type PolicyTicket,
  pickNextTicket,
  queuedAtAfterTransfer,
  rankForCounter,
} from './call-next-policy.ts';

const now = new Date('2026-11-23T09:30:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const t = (id: number, over: Partial<PolicyTicket> = {}): PolicyTicket => ({
  id,
  services: [{ code: 'passport', persons: 1 }],
  queuedAt: minutesAgo(5),
  dueAt: null,
  priority: 0,
  targetCounterId: null,
  ...over,
});
const counter = { id: 1, skills: ['passport', 'id-card'] };

describe('call-next policy', () => {
  it('only offers tickets whose every service the counter has, and targeted tickets to their counter only', () => {
    const tickets = [
      t(1, {
        services: [
          { code: 'passport', persons: 1 },
          { code: 'pickup', persons: 1 },
        ],
        queuedAt: minutesAgo(20),
      }),
      t(2, { targetCounterId: 2, queuedAt: minutesAgo(19) }),
      t(3, { queuedAt: minutesAgo(1) }),
    ];
    expect(rankForCounter(tickets, counter, now).map((r) => r.ticket.id)).toEqual([3]);
    expect(pickNextTicket(tickets, { id: 2, skills: ['passport'] }, now)?.id).toBe(2);
    expect(pickNextTicket([t(9, { services: [{ code: 'birth', persons: 1 }] })], counter, now)).toBeNull();
  });

  it('calls a due appointment before walk-ins that waited longer', () => {
    const tickets = [t(1, { queuedAt: minutesAgo(15) }), t(2, { queuedAt: minutesAgo(2), dueAt: minutesAgo(-3) })];
    expect(pickNextTicket(tickets, counter, now)?.id).toBe(2);
  });

  it('treats an appointment late beyond grace as a walk-in and an early one as last', () => {
    const late = t(2, { queuedAt: minutesAgo(1), dueAt: minutesAgo(11) });
    const walkIn = t(1, { queuedAt: minutesAgo(5) });
    expect(pickNextTicket([late, walkIn], counter, now)?.id).toBe(1);
    const early = t(3, { queuedAt: minutesAgo(30), dueAt: minutesAgo(-20) });
    expect(rankForCounter([early, walkIn], counter, now).map((r) => r.ticket.id)).toEqual([1, 3]);
    expect(pickNextTicket([early], counter, now)?.id).toBe(3);
  });

  it('weighs waits against each service target', () => {
    const tickets = [
      t(1, { queuedAt: minutesAgo(12) }),
      t(2, { services: [{ code: 'id-card', persons: 1 }], queuedAt: minutesAgo(8) }),
    ];
    expect(pickNextTicket(tickets, counter, now, { targetWaitMinutes: { passport: 20, 'id-card': 5 } })?.id).toBe(2);
    expect(pickNextTicket(tickets, counter, now)?.id).toBe(1);
  });

  it('gives manual priority a bounded head start', () => {
    const prio = t(1, { queuedAt: minutesAgo(0), priority: 1 });
    expect(pickNextTicket([t(2, { queuedAt: minutesAgo(9) }), prio], counter, now)?.id).toBe(1);
    expect(pickNextTicket([t(2, { queuedAt: minutesAgo(11) }), prio], counter, now)?.id).toBe(2);
  });

  it('lets a starving walk-in go before due appointments', () => {
    const starving = t(1, { queuedAt: minutesAgo(31) });
    const due = t(2, { queuedAt: minutesAgo(1), dueAt: now });
    expect(pickNextTicket([starving, due], counter, now)?.id).toBe(1);
  });

  it('keeps waited time across a transfer but not the time at the counter', () => {
    const queuedAt = minutesAgo(30);
    const calledAt = minutesAgo(18); // waited 12 minutes, then 18 at the counter
    expect(queuedAtAfterTransfer(queuedAt, calledAt, now)).toEqual(minutesAgo(12));
  });

  it('never starves a ticket: under any arrival stream it is called within a bounded number of calls', () => {
    // One counter serving one call per minute; new arrivals every step, some with priority or due
    // appointments. The watched ticket must be called before it has waited starvationFactor × target
    // plus the appointments due in one grace window.
    fc.assert(
      fc.property(
        fc.array(fc.record({ priority: fc.integer({ min: 0, max: 3 }), appt: fc.boolean() }), {
          minLength: 60,
          maxLength: 60,
        }),
        (arrivals) => {
          let clock = now.getTime();
          const waiting: PolicyTicket[] = [t(0, { queuedAt: new Date(clock) })];
          let nextId = 1;
          for (let step = 0; step < 60; step++) {
            for (let k = 0; k < 2; k++) {
              const a = arrivals[(step + k) % arrivals.length];
              waiting.push(
                t(nextId++, {
                  queuedAt: new Date(clock),
                  priority: a?.priority ?? 0,
                  dueAt: a?.appt ? new Date(clock) : null,
                }),
              );
            }
            const picked = pickNextTicket(waiting, counter, new Date(clock));
            if (picked?.id === 0) return (clock - now.getTime()) / 60_000 <= 31;
            waiting.splice(waiting.indexOf(picked as PolicyTicket), 1);
            clock += 60_000;
          }
          return false;
        },
      ),
    );
  });

  it('does not mutate its inputs', () => {
    const tickets = Object.freeze([t(2, { queuedAt: minutesAgo(1) }), t(1, { queuedAt: minutesAgo(9) })]);
    const ranked = rankForCounter(tickets, counter, now);
    expect(ranked.map((r) => r.ticket.id)).toEqual([1, 2]);
    expect(tickets.map((x) => x.id)).toEqual([2, 1]);
  });
});

describe('the call order without an object per ticket (CallOrder)', () => {
  it('picks what ranking every ticket with classify and compareRanked picks', () => {
    const codes = ['passport', 'id-card', 'pickup'];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            codes: fc.subarray(codes, { minLength: 1, maxLength: 2 }),
            queued: fc.integer({ min: 0, max: 120 }),
            sameInstant: fc.boolean(),
            due: fc.option(fc.integer({ min: -30, max: 30 }), { nil: null }),
            priority: fc.integer({ min: 0, max: 2 }),
            target: fc.option(fc.constantFrom(1, 2), { nil: null, freq: 5 }),
          }),
          { maxLength: 40 },
        ),
        fc.subarray(codes, { minLength: 1 }),
        fc.record({
          targetWaitMinutes: fc.option(fc.constantFrom({ passport: 20, 'id-card': 5 }, { pickup: 0 }), {
            nil: undefined,
          }),
          lateGraceMinutes: fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }),
          priorityWeight: fc.option(fc.constantFrom(0.5, 1, 2), { nil: undefined }),
        }),
        (rows, skills, options) => {
          const tickets = rows.map((r, k) =>
            t(k + 1, {
              services: r.codes.map((code) => ({ code, persons: 1 })),
              queuedAt: r.sameInstant ? minutesAgo(10) : minutesAgo(r.queued),
              dueAt: r.due === null ? null : new Date(now.getTime() + r.due * 60_000),
              priority: r.priority,
              targetCounterId: r.target,
            }),
          );
          const opts = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
          const counterOf = { id: 1, skills };
          const ranked = rankForCounter(tickets, counterOf, now, opts);
          expect(pickNextTicket(tickets, counterOf, now, opts)).toBe(ranked[0]?.ticket ?? null);
          const servable = tickets.filter((x) => canCounterServe(counterOf, x));
          expect(bestRanked(servable, now, opts)).toEqual(ranked[0] ?? null);
        },
      ),
      { numRuns: 500 },
    );
  });
});
