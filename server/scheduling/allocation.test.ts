import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DayAllocator,
  type EngineAppointment,
  type EngineCounter,
  findViolations,
  firstDirectFit,
} from './allocation.ts';
import type { CounterWindow } from './calendar.ts';

const M = 60_000;
const day = (from: number, to: number, mode: CounterWindow['mode'] = 'appointments'): CounterWindow => ({
  start: from * M,
  end: to * M,
  mode,
});
const counter = (id: number, skills: number[], windows = [day(0, 480)]): EngineCounter => ({
  id,
  skills: new Set(skills),
  windows,
});
const appt = (id: number, counterId: number, start: number, end: number, serviceIds = [1], movable = true) =>
  ({ id, counterId, start: start * M, end: end * M, serviceIds, movable }) satisfies EngineAppointment;

describe('DayAllocator', () => {
  it('prefers the least flexible counter that fits', () => {
    const engine = new DayAllocator([counter(1, [1, 2, 3]), counter(2, [1])], [], { walkInShare: 0 });
    expect(engine.probe({ start: 0, end: 10 * M, serviceIds: [1] })).toEqual({ counterId: 2, moves: [] });
  });

  it('needs every skill on one counter and the whole duration inside the roster', () => {
    const engine = new DayAllocator([counter(1, [1]), counter(2, [2], [day(0, 60)])], [], { walkInShare: 0 });
    expect(engine.probe({ start: 0, end: 10 * M, serviceIds: [1, 2] })).toBeNull();
    expect(engine.probe({ start: 55 * M, end: 65 * M, serviceIds: [2] })).toBeNull();
  });

  it('moves a not-yet-started appointment to make room', () => {
    // The passport (1) sits on the only counter with skill 2; it could as well be on counter 1.
    const engine = new DayAllocator([counter(1, [1]), counter(2, [1, 2])], [appt(10, 2, 0, 20)], {
      walkInShare: 0,
    });
    expect(engine.probe({ start: 0, end: 10 * M, serviceIds: [2] })).toEqual({
      counterId: 2,
      moves: [{ appointmentId: 10, fromCounterId: 2, toCounterId: 1 }],
    });
    // Naive first-fit cannot.
    const naive = new DayAllocator([counter(1, [1]), counter(2, [1, 2])], [appt(10, 2, 0, 20)], {
      walkInShare: 0,
      allowMoves: false,
    });
    expect(naive.probe({ start: 0, end: 10 * M, serviceIds: [2] })).toBeNull();
  });

  it('never moves an appointment that may not move', () => {
    const engine = new DayAllocator([counter(1, [1]), counter(2, [1, 2])], [appt(10, 2, 0, 20, [1], false)], {
      walkInShare: 0,
    });
    expect(engine.probe({ start: 0, end: 10 * M, serviceIds: [2] })).toBeNull();
  });

  it('follows a chain of moves', () => {
    // 3 can only move to 2 if 2's occupant moves to 1.
    const engine = new DayAllocator(
      [counter(1, [1]), counter(2, [1, 2]), counter(3, [2, 3])],
      [appt(10, 2, 0, 30, [1]), appt(11, 3, 0, 30, [2])],
      { walkInShare: 0 },
    );
    const placement = engine.commit({ start: 0, end: 10 * M, serviceIds: [3] });
    expect(placement?.counterId).toBe(3);
    expect(placement?.moves).toHaveLength(2);
    expect(engine.assignment().get(11)).toBe(2);
    expect(engine.assignment().get(10)).toBe(1);
  });

  it('keeps the walk-in share of a both window free', () => {
    const engine = new DayAllocator([counter(1, [1], [day(0, 100, 'both')])], [], { walkInShare: 0.2 });
    expect(engine.commit({ start: 0, end: 40 * M, serviceIds: [1] })).not.toBeNull();
    expect(engine.commit({ start: 40 * M, end: 80 * M, serviceIds: [1] })).not.toBeNull();
    expect(engine.probe({ start: 80 * M, end: 85 * M, serviceIds: [1] })).toBeNull();
  });

  it('a failed probe leaves the state as it was', () => {
    const engine = new DayAllocator([counter(1, [1]), counter(2, [1, 2])], [appt(10, 1, 0, 20), appt(11, 2, 0, 20)], {
      walkInShare: 0,
    });
    const before = engine.assignment();
    expect(engine.probe({ start: 0, end: 10 * M, serviceIds: [2] })).toBeNull();
    expect(engine.assignment()).toEqual(before);
  });
});

describe('property: no sequence of bookings, moves and cancellations breaks invariant 1 (no double booking)', () => {
  const skillSets = [[1], [2], [1, 2], [1, 2, 3], [3], [2, 3]];
  const op = fc.oneof(
    fc.record({
      kind: fc.constant('book' as const),
      start: fc.integer({ min: -20, max: 100 }),
      length: fc.integer({ min: 1, max: 8 }),
      services: fc.subarray([1, 2, 3], { minLength: 1 }),
    }),
    fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  );

  it('holds for random offices and request streams', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            skills: fc.constantFrom(...skillSets),
            windows: fc.array(
              fc.record({
                from: fc.integer({ min: 0, max: 90 }),
                len: fc.integer({ min: 1, max: 40 }),
                mode: fc.constantFrom('appointments' as const, 'both' as const),
              }),
              { minLength: 1, maxLength: 3 },
            ),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.array(op, { maxLength: 60 }),
        fc.constantFrom(0, 0.2, 0.5),
        fc.boolean(),
        (counterSpecs, ops, share, allowMoves) => {
          const step = 5 * M;
          const counters = counterSpecs.map((spec, k): EngineCounter => {
            // Keep each counter's windows disjoint, as planDays produces them.
            const windows: CounterWindow[] = [];
            for (const w of [...spec.windows].sort((a, b) => a.from - b.from)) {
              const start = w.from * step;
              const last = windows[windows.length - 1];
              if (last && start < last.end) continue;
              windows.push({ start, end: (w.from + w.len) * step, mode: w.mode });
            }
            return { id: k + 1, skills: new Set(spec.skills), windows };
          });
          const engine = new DayAllocator(counters, [], { walkInShare: share, allowMoves });
          const booked = new Map<number, { start: number; end: number; serviceIds: number[] }>();
          let nextId = 1;
          for (const o of ops) {
            if (o.kind === 'book') {
              const request = { start: o.start * step, end: (o.start + o.length) * step, serviceIds: o.services };
              const id = nextId++;
              if (engine.commit(request, id)) booked.set(id, request);
            } else if (booked.size > 0) {
              const ids = [...booked.keys()];
              const id = ids[o.pick % ids.length] as number;
              engine.remove(id);
              booked.delete(id);
            }
            const assignment = engine.assignment();
            const appointments = [...booked].map(([id, b]) => ({
              id,
              ...b,
              counterId: assignment.get(id) ?? -1,
              movable: true,
            }));
            expect(findViolations(counters, appointments, share)).toEqual([]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('findViolations', () => {
  it('reports overlap, a missing skill, a booking outside the roster and a used-up walk-in share', () => {
    const counters = [counter(1, [1], [day(0, 60)]), counter(2, [1], [day(0, 100, 'both')])];
    expect(findViolations(counters, [appt(1, 1, 0, 20), appt(2, 1, 10, 30)], 0)).toHaveLength(1);
    expect(findViolations(counters, [appt(1, 1, 0, 20, [2])], 0)).toHaveLength(1);
    expect(findViolations(counters, [appt(1, 1, 50, 70)], 0)).toHaveLength(1);
    expect(findViolations(counters, [appt(1, 2, 0, 90)], 0.2)).toHaveLength(1);
    expect(findViolations(counters, [appt(1, 1, 0, 20), appt(2, 2, 0, 20)], 0.2)).toEqual([]);
  });
});

describe('firstDirectFit', () => {
  it('finds the first start the engine places without moves, and none when only moves could make room', () => {
    const windowArb = fc.record({
      from: fc.integer({ min: 0, max: 300 }),
      len: fc.integer({ min: 20, max: 300 }),
      mode: fc.constantFrom<CounterWindow['mode']>('appointments', 'both'),
    });
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            skills: fc.subarray([1, 2, 3], { minLength: 1 }),
            windows: fc.array(windowArb, { minLength: 1, maxLength: 2 }),
          }),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        fc.array(
          fc.record({
            counter: fc.nat(6),
            start: fc.integer({ min: 0, max: 560 }),
            len: fc.integer({ min: 5, max: 60 }),
          }),
          { maxLength: 25 },
        ),
        fc.subarray([1, 2, 3], { minLength: 1, maxLength: 2 }),
        fc.integer({ min: 5, max: 45 }),
        fc.constantFrom(0, 0.25, 0.5),
        (cs, as, serviceIds, minutes, share) => {
          const counters = cs.map((c, i) =>
            counter(
              i + 1,
              c.skills,
              c.windows.map((w) => day(w.from, w.from + w.len, w.mode)),
            ),
          );
          const appointments = as.map((a, i) => appt(i + 1, a.counter + 1, a.start, a.start + a.len));
          const starts = Array.from({ length: 60 }, (_, k) => k * 10 * M);
          const stored = appointments.map((a) => ({ counterId: a.counterId, startsAt: a.start, endsAt: a.end }));
          const found = firstDirectFit(counters, stored, { serviceIds, durationMs: minutes * M, starts }, share);
          const naive = new DayAllocator(counters, appointments, { walkInShare: share, allowMoves: false });
          const expected = starts.findIndex((start) => naive.probe({ start, end: start + minutes * M, serviceIds }));
          expect(found).toBe(expected);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('pruning the search (Hall’s condition, swaps with an equal appointment)', () => {
  it('answers every probe as the unpruned search does, on crowded random days', () => {
    const step = 5 * M;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            skills: fc.subarray([1, 2, 3], { minLength: 1 }),
            from: fc.integer({ min: 0, max: 4 }),
            len: fc.integer({ min: 6, max: 16 }),
            mode: fc.constantFrom<CounterWindow['mode']>('appointments', 'appointments', 'both'),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.array(
          fc.record({
            start: fc.integer({ min: 0, max: 16 }),
            len: fc.integer({ min: 1, max: 3 }),
            services: fc.subarray([1, 2, 3], { minLength: 1, maxLength: 2 }),
            movable: fc.boolean(),
          }),
          { maxLength: 40 },
        ),
        fc.array(
          fc.record({
            start: fc.integer({ min: 0, max: 16 }),
            len: fc.integer({ min: 1, max: 3 }),
            services: fc.subarray([1, 2, 3], { minLength: 1, maxLength: 2 }),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        fc.constantFrom(0, 0.25),
        (cs, fill, requests, share) => {
          const counters = cs.map((c, i) => counter(i + 1, c.skills, [day(c.from * 5, (c.from + c.len) * 5, c.mode)]));
          // A valid day: the fill placed by the engine, some of it then fixed (started or checked in).
          const builder = new DayAllocator(counters, [], { walkInShare: share });
          const placed: EngineAppointment[] = [];
          fill.forEach((f, k) => {
            const request = { start: f.start * step, end: (f.start + f.len) * step, serviceIds: f.services };
            if (builder.commit(request, k + 1))
              placed.push({ id: k + 1, counterId: 0, ...request, movable: f.movable });
          });
          const where = builder.assignment();
          const day0 = placed.map((a) => ({ ...a, counterId: where.get(a.id) as number }));
          const generous = { walkInShare: share, maxNodes: 1e7, probeMaxNodes: 1e7 };
          const pruned = new DayAllocator(counters, day0, generous);
          const plain = new DayAllocator(counters, day0, { ...generous, prune: false });
          for (const r of requests) {
            const request = { start: r.start * step, end: (r.start + r.len) * step, serviceIds: r.services };
            const a = pruned.probe(request);
            expect(a !== null).toBe(plain.probe(request) !== null);
            if (a) {
              const assignment = new Map(day0.map((x) => [x.id, x.counterId]));
              for (const m of a.moves) assignment.set(m.appointmentId, m.toCounterId);
              const after = [
                ...day0.map((x) => ({ ...x, counterId: assignment.get(x.id) as number })),
                { id: -1, counterId: a.counterId, ...request, movable: true },
              ];
              expect(findViolations(counters, after, share)).toEqual([]);
              expect(a.moves.every((m) => day0.find((x) => x.id === m.appointmentId)?.movable)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
