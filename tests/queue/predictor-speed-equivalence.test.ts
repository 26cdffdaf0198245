import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type PredictorCounter,
  type PredictorInput,
  type PredictorTicket,
  predictWaits,
} from '../../server/queue/predictor.ts';
import { predictWaits as predictWaitsBefore } from './predictor-reference.ts';

// The replay takes each counter's pick from the first uncalled ticket of each line of walk-ins that call-next ranks
// alike (same serving counters and priority), keeps its state in typed arrays and counts the waiting per service
// once (#9 item 7): a rewrite for speed only. Its outputs must be those of the predictor it replaced
// (predictor-reference.ts) bit for bit (+0 and −0 told apart), for any office: long lines of few services
// with ties in queuedAt, priorities, transfers, appointments early, due and late, walk-ins starving past their
// target, paused and busy counters, breaks, shift ends, speeds, patience, plain lines in closed form, both modes.

const now = new Date('2026-11-23T09:30:00Z');
const CODES = ['passport', 'id-card', 'pickup', 'birth'] as const;
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);

/** The reference gives a mean-value replay's call time; the predictor gives it with `meanValuePoint: 'mean'`. */
function same(input: PredictorInput): void {
  const after = predictWaits({ ...input, meanValuePoint: 'mean' });
  const before = predictWaitsBefore(input);
  expect(after).toStrictEqual(before);
  expect(isDeepStrictEqual(after, before)).toBe(true);
}

/** Few services and coarse times, so that lines hold many tickets and tie in queuedAt. */
const ticketArb = (counterIds: number[], plain: boolean) =>
  fc.record({
    codes: plain
      ? fc.constant<string[]>(['passport'])
      : fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom<string[]>(['passport'], ['id-card'], ['pickup']) },
          { weight: 1, arbitrary: fc.subarray([...CODES], { minLength: 1, maxLength: 2 }) },
        ),
    persons: plain ? fc.constant(1) : fc.integer({ min: 1, max: 3 }),
    // Mostly within the targets (priority counts), some starving, a few a minute ahead of now (clocks).
    queued: fc.oneof(fc.integer({ min: -25, max: 1 }), fc.integer({ min: -120, max: 0 })),
    seconds: fc.constantFrom(0, 0, 30),
    // Mostly walk-ins (lines of many), some appointments; mostly untargeted, some transferred.
    due: plain
      ? fc.constant(null)
      : fc.oneof(
          { weight: 4, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: fc.integer({ min: -40, max: 60 }) },
        ),
    priority: plain ? fc.constant(0) : fc.constantFrom(0, 0, 0, 1, 2),
    target: plain
      ? fc.constant(null)
      : fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...counterIds) }),
  });

const counterArb = (id: number, plain: boolean) =>
  fc
    .record({
      skills: plain
        ? fc.constant<string[]>(['passport', 'id-card'])
        : fc.subarray([...CODES], { minLength: 0, maxLength: 4 }),
      state: plain ? fc.constant('open') : fc.constantFrom('open', 'open', 'open', 'paused', 'closed'),
      current: fc.option(
        fc.record({
          started: fc.option(fc.integer({ min: -30, max: 0 }), { nil: null }),
          expected: plain ? fc.constant(10) : fc.integer({ min: 2, max: 20 }),
          cv: plain ? fc.constantFrom(undefined, 1) : fc.option(fc.constantFrom(0, 0.3, 0.5, 1), { nil: undefined }),
        }),
        { nil: null },
      ),
      pausedUntil: fc.option(fc.integer({ min: -5, max: 30 }), { nil: null }),
      breakAt: plain ? fc.constant(null) : fc.option(fc.integer({ min: -10, max: 90 }), { nil: null }),
      until: plain ? fc.constant(null) : fc.option(fc.integer({ min: 20, max: 300 }), { nil: null }),
    })
    .map(
      (r): PredictorCounter => ({
        id,
        skills: r.skills,
        state: r.state as PredictorCounter['state'],
        current: r.current
          ? {
              startedAt: r.current.started === null ? null : at(r.current.started),
              expectedMinutes: r.current.expected,
              ...(r.current.cv === undefined ? {} : { cv: r.current.cv }),
            }
          : null,
        pausedUntil: r.pausedUntil === null ? null : at(r.pausedUntil),
        breaks: r.breakAt === null ? [] : [{ from: at(r.breakAt), to: at(r.breakAt + 15) }],
        until: r.until === null ? null : at(r.until),
      }),
    );

/** An office; `plain`: one line of passport walk-ins before counters that all serve it (the closed form's case). */
const inputArb = (maxTickets: number, plain = false) =>
  fc.integer({ min: 1, max: 4 }).chain((nCounters) => {
    const ids = Array.from({ length: nCounters }, (_, k) => k + 1);
    return fc.record({
      tickets: fc.array(ticketArb(ids, plain), { maxLength: maxTickets }),
      firstId: fc.integer({ min: 1, max: 1000 }),
      counters: fc.tuple(...ids.map((id) => counterArb(id, plain))),
      speeds: fc.array(fc.constantFrom(0.8, 1, 1.25), { minLength: nCounters, maxLength: nCounters }),
      patience: plain ? fc.constant(null) : fc.option(fc.constantFrom(10, 30, 90), { nil: null }),
      cv: plain ? fc.constantFrom(0.9, 1) : fc.option(fc.constantFrom(0.5, 1), { nil: undefined }),
      targets: fc.option(fc.constantFrom(2, 5, 10, 20), { nil: undefined }),
    });
  });

function toInput(r: {
  tickets: {
    codes: string[];
    persons: number;
    queued: number;
    seconds: number;
    due: number | null;
    priority: number;
    target: number | null;
  }[];
  firstId: number;
  counters: PredictorCounter[];
  speeds: number[];
  patience: number | null;
  cv: number | undefined;
  targets: number | undefined;
}): PredictorInput {
  // Ids out of queuedAt order, as after transfers: the line's order must come from queuedAt, then id.
  const tickets = r.tickets.map(
    (t, k): PredictorTicket => ({
      id: r.firstId + ((k * 7) % (r.tickets.length + 3)) + k * (r.tickets.length + 3),
      services: t.codes.map((code) => ({ code, persons: t.persons })),
      queuedAt: new Date(at(t.queued).getTime() - t.seconds * 1000),
      dueAt: t.due === null ? null : at(t.due),
      priority: t.priority,
      targetCounterId: t.target,
    }),
  );
  return {
    now,
    tickets,
    counters: r.counters,
    meanMinutesPerPerson: { passport: 10, 'id-card': 6, pickup: 3, birth: 15 },
    counterSpeed: Object.fromEntries(r.speeds.map((s, k) => [k + 1, s])),
    ...(r.targets === undefined ? {} : { targetWaitMinutes: { passport: r.targets, pickup: 5 } }),
    ...(r.cv === undefined ? {} : { serviceCv: { passport: r.cv, 'id-card': r.cv, pickup: r.cv, birth: r.cv } }),
    patienceMinutes: r.patience,
    serviceCodes: [...CODES],
  };
}

describe('the predictor with lines of alike tickets', () => {
  it('gives the mean-value estimates of the predictor it replaced', () => {
    fc.assert(
      fc.property(inputArb(80), (r) => same({ ...toInput(r), replications: 0 })),
      { numRuns: 300 },
    );
  });

  it('gives the stochastic estimates of the predictor it replaced', () => {
    fc.assert(
      fc.property(inputArb(30), fc.constantFrom(1, 3, undefined), (r, replications) =>
        same({ ...toInput(r), ...(replications === undefined ? {} : { replications }) }),
      ),
      { numRuns: 60 },
    );
  });

  it('gives the estimates of the predictor it replaced for plain lines (closed form, pooled speeds)', () => {
    fc.assert(
      fc.property(inputArb(30, true), fc.constantFrom(0, 2, undefined), (r, replications) =>
        same({ ...toInput(r), ...(replications === undefined ? {} : { replications }) }),
      ),
      { numRuns: 60 },
    );
  });

  it('gives the same waits per service with perServiceOnly, and no ticket bands', () => {
    fc.assert(
      fc.property(inputArb(40), fc.constantFrom(0, 2, undefined), (r, replications) => {
        const input = { ...toInput(r), ...(replications === undefined ? {} : { replications }) };
        const only = predictWaits({ ...input, perServiceOnly: true, meanValuePoint: 'mean' });
        const before = predictWaitsBefore(input);
        expect(only.perTicket.size).toBe(0);
        expect(only.perService).toStrictEqual(before.perService);
        expect(isDeepStrictEqual(only.perService, before.perService)).toBe(true);
      }),
      { numRuns: 80 },
    );
  });

  it('gives the same for the call-next bench office: one passport counter, 200 walk-ins a second apart', () => {
    const tickets: PredictorTicket[] = Array.from({ length: 200 }, (_, k) => ({
      id: 1000 + k,
      services: [{ code: 'passport', persons: 1 }],
      queuedAt: new Date(now.getTime() - (200 - k) * 1000),
      dueAt: null,
      priority: 0,
      targetCounterId: null,
    }));
    for (const replications of [0, undefined]) {
      same({
        now,
        tickets,
        counters: [{ id: 1, skills: ['passport'], state: 'open', current: { startedAt: at(-1), expectedMinutes: 10 } }],
        meanMinutesPerPerson: { passport: 10, 'id-card': 6, pickup: 3 },
        serviceCodes: ['passport', 'id-card', 'pickup'],
        ...(replications === undefined ? {} : { replications }),
      });
    }
  });

  it('gives the same when walk-ins start to starve during the replay (a long line, short targets)', () => {
    const tickets: PredictorTicket[] = Array.from({ length: 150 }, (_, k) => ({
      id: 150 - k,
      services: [{ code: k % 3 === 0 ? 'pickup' : 'passport', persons: 1 }],
      queuedAt: at(-90 + Math.floor(k / 2)),
      dueAt: k % 17 === 0 ? at(k - 40) : null,
      priority: k % 23 === 0 ? 1 : 0,
      targetCounterId: null,
    }));
    same({
      now,
      tickets,
      counters: [
        { id: 1, skills: ['passport', 'pickup'], state: 'open' },
        { id: 2, skills: ['passport'], state: 'open', current: { startedAt: at(-3), expectedMinutes: 10 } },
      ],
      meanMinutesPerPerson: { passport: 10, pickup: 3 },
      targetWaitMinutes: { passport: 20, pickup: 2 },
      replications: 0,
    });
  });
});
