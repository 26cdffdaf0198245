import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type PredictorCounter,
  type PredictorInput,
  type PredictorTicket,
  predictWaits,
} from '../../server/queue/predictor.ts';
import { predictWaits as predictWaitsBefore } from './predictor-reference.ts';

// The replay ranks tickets in place (call-next-policy.ts's CallOrder) and computes each set of serving counters once
// per distinct set of services (#9 item 7): rewrites for speed only. Its outputs must be those of the reference
// predictor (predictor-reference.ts, as of ecac829; until 2026-12-07 a copy as of ef6df74, which gave the same outputs
// here) for any office: skills, transfers, appointments early, due and late, priorities, paused and busy counters,
// breaks, shift ends, speeds, patience, both replay modes.

const now = new Date('2026-11-23T09:30:00Z');
const CODES = ['passport', 'id-card', 'pickup', 'birth'] as const;
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);

const ticketArb = (id: number, counterIds: number[]) =>
  fc
    .record({
      codes: fc.subarray([...CODES], { minLength: 1, maxLength: 2 }),
      persons: fc.integer({ min: 1, max: 3 }),
      queued: fc.integer({ min: -240, max: 0 }),
      seconds: fc.integer({ min: 0, max: 59 }),
      due: fc.option(fc.integer({ min: -40, max: 60 }), { nil: null }),
      priority: fc.constantFrom(0, 0, 0, 1, 2),
      target: fc.option(fc.constantFrom(...counterIds), { nil: null, freq: 6 }),
    })
    .map(
      (r): PredictorTicket => ({
        id,
        services: r.codes.map((code) => ({ code, persons: r.persons })),
        queuedAt: new Date(at(r.queued).getTime() - r.seconds * 1000),
        dueAt: r.due === null ? null : at(r.due),
        priority: r.priority,
        targetCounterId: r.target,
      }),
    );

const counterArb = (id: number) =>
  fc
    .record({
      skills: fc.subarray([...CODES], { minLength: 0, maxLength: 4 }),
      state: fc.constantFrom('open', 'open', 'open', 'paused', 'closed'),
      current: fc.option(
        fc.record({
          started: fc.option(fc.integer({ min: -30, max: 0 }), { nil: null }),
          expected: fc.integer({ min: 2, max: 20 }),
          cv: fc.option(fc.constantFrom(0, 0.3, 0.5, 1), { nil: undefined }),
        }),
        { nil: null },
      ),
      pausedUntil: fc.option(fc.integer({ min: -5, max: 30 }), { nil: null }),
      breakAt: fc.option(fc.integer({ min: -10, max: 90 }), { nil: null }),
      until: fc.option(fc.integer({ min: 20, max: 300 }), { nil: null }),
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

const inputArb = (maxTickets: number) =>
  fc.integer({ min: 1, max: 4 }).chain((nCounters) => {
    const ids = Array.from({ length: nCounters }, (_, k) => k + 1);
    return fc.integer({ min: 0, max: maxTickets }).chain((nTickets) =>
      fc.record({
        tickets: fc.tuple(...Array.from({ length: nTickets }, (_, k) => ticketArb(k + 1, ids))),
        counters: fc.tuple(...ids.map((id) => counterArb(id))),
        speeds: fc.array(fc.constantFrom(0.8, 1, 1.25), { minLength: nCounters, maxLength: nCounters }),
        patience: fc.option(fc.constantFrom(10, 30, 90), { nil: null }),
        cv: fc.option(fc.constantFrom(0.5, 1), { nil: undefined }),
        targets: fc.option(fc.constantFrom(5, 10, 20), { nil: undefined }),
      }),
    );
  });

function toInput(r: {
  tickets: PredictorTicket[];
  counters: PredictorCounter[];
  speeds: number[];
  patience: number | null;
  cv: number | undefined;
  targets: number | undefined;
}): PredictorInput {
  return {
    now,
    tickets: r.tickets,
    counters: r.counters,
    meanMinutesPerPerson: { passport: 10, 'id-card': 6, pickup: 3, birth: 15 },
    counterSpeed: Object.fromEntries(r.speeds.map((s, k) => [k + 1, s])),
    ...(r.targets === undefined ? {} : { targetWaitMinutes: { passport: r.targets, pickup: 5 } }),
    ...(r.cv === undefined ? {} : { serviceCv: { passport: r.cv, 'id-card': r.cv, pickup: r.cv, birth: r.cv } }),
    patienceMinutes: r.patience,
    serviceCodes: [...CODES],
  };
}

describe('the faster replay', () => {
  it('gives the mean-value estimates of the predictor it replaced', () => {
    fc.assert(
      fc.property(inputArb(60), (r) => {
        const input = { ...toInput(r), replications: 0 };
        expect(predictWaits({ ...input, meanValuePoint: 'mean' })).toEqual(predictWaitsBefore(input));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the stochastic estimates of the predictor it replaced', () => {
    fc.assert(
      fc.property(inputArb(25), fc.constantFrom(1, 3, undefined), (r, replications) => {
        const input = { ...toInput(r), ...(replications === undefined ? {} : { replications }) };
        expect(predictWaits({ ...input, meanValuePoint: 'mean' })).toEqual(predictWaitsBefore(input));
      }),
      { numRuns: 60 },
    );
  });

  it('gives the same for one long line of one service (the shape of a busy office)', () => {
    const tickets: PredictorTicket[] = Array.from({ length: 200 }, (_, k) => ({
      id: k + 1,
      services: [{ code: k % 7 === 0 ? 'id-card' : 'passport', persons: 1 }],
      queuedAt: at(-200 + k),
      dueAt: k % 19 === 0 ? at(k - 60) : null,
      priority: k % 31 === 0 ? 1 : 0,
      targetCounterId: null,
    }));
    const counters: PredictorCounter[] = [1, 2, 3].map((id) => ({
      id,
      skills: id === 3 ? ['passport'] : ['passport', 'id-card'],
      state: 'open',
      current: { startedAt: at(-id), expectedMinutes: 8 },
    }));
    for (const replications of [0, undefined]) {
      const input: PredictorInput = {
        now,
        tickets,
        counters,
        meanMinutesPerPerson: { passport: 8, 'id-card': 6 },
        ...(replications === undefined ? {} : { replications }),
      };
      expect(predictWaits({ ...input, meanValuePoint: 'mean' })).toEqual(predictWaitsBefore(input));
    }
  });
});
