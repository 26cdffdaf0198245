import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../random.ts';
import {
  bandKeyFor,
  erlangMedian,
  gammaMedian,
  medianOfReplays,
  type PredictorCounter,
  type PredictorInput,
  type PredictorTicket,
  predictWaits,
  waitBand,
} from './predictor.ts';

const now = new Date('2026-11-23T09:30:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const minutesAhead = (m: number) => new Date(now.getTime() + m * 60_000);

function walkIn(id: number, code: string, queuedMinutesAgo: number, persons = 1): PredictorTicket {
  return {
    id,
    services: [{ code, persons }],
    queuedAt: minutesAgo(queuedMinutesAgo),
    dueAt: null,
    priority: 0,
    targetCounterId: null,
  };
}

function counter(id: number, skills: string[], extra: Partial<PredictorCounter> = {}): PredictorCounter {
  return { id, skills, state: 'open', current: null, ...extra };
}

const mean = { passport: 10, pickup: 5, 'driving-licence': 5 };

/** The mean-value replay's call times (its point before the median is taken), with no walk-up allowance. */
const callTimes = (input: Omit<PredictorInput, 'meanMinutesPerPerson'> & Partial<PredictorInput>) =>
  predictWaits({ meanMinutesPerPerson: mean, walkUpMinutes: 0, replications: 0, meanValuePoint: 'mean', ...input });

describe('memoryless services (a plain M/M/s)', () => {
  // Ten busy counters, 10-minute visits without memory (cv 1), nobody gives up, six walk-ins waiting.
  const busy = (id: number) =>
    counter(id, ['passport'], { current: { startedAt: minutesAgo(id), expectedMinutes: 10, cv: 1 } });
  const input = {
    now,
    tickets: [1, 2, 3, 4, 5, 6].map((i) => walkIn(i, 'passport', 30 - i)),
    counters: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(busy),
    meanMinutesPerPerson: { passport: 10 },
    serviceCv: { passport: 1 },
    walkUpMinutes: 0,
  };

  it('gives the median of the Erlang wait in closed form, the same for any number of replays', () => {
    const a = predictWaits({ ...input, replications: 12 });
    const b = predictWaits({ ...input, replications: 40 });
    // The k-th in line waits for k visits to end at 10 counters × 1/10 per minute.
    for (const k of [1, 3, 6]) {
      expect(a.perTicket.get(k)?.minutes).toBeCloseTo(erlangMedian(k, 1), 1);
      expect(b.perTicket.get(k)?.minutes).toBe(a.perTicket.get(k)?.minutes);
    }
    // The replays still give the band around it.
    expect(a.perTicket.get(6)?.high).toBeGreaterThan(a.perTicket.get(6)?.minutes ?? 0);
  });

  it('takes the total rate from the pooled mean, not from the clerks’ learned speeds', () => {
    // Speeds learned from a first day's few visits: noisy, and not averaging 1. The pooled mean of 10 minutes
    // already is the ten counters' mean visit, so the k-th in line still waits for k visits at 1 per minute.
    const counterSpeed = { 1: 0.85, 2: 1.2, 3: 0.95, 4: 1.1, 5: 1.05, 6: 0.9, 7: 1.15, 8: 1, 9: 1.1, 10: 1.05 };
    const out = predictWaits({ ...input, counterSpeed, replications: 12 });
    for (const k of [1, 3, 6]) expect(out.perTicket.get(k)?.minutes).toBeCloseTo(erlangMedian(k, 1), 1);
  });

  it('replays a plain line with memory at the same pooled total rate, the clerks keeping their differences', () => {
    const withMemory = { ...input, serviceCv: { passport: 0.5 }, replications: 12 };
    const counterSpeed = (f: number) =>
      Object.fromEntries(input.counters.map((c) => [c.id, f * (c.id % 2 ? 0.8 : 1.2)]));
    const learned = predictWaits({ ...withMemory, counterSpeed: counterSpeed(1) });
    // Speeds all 10 % slower than learned here: the same line, since the pooled mean already sets the total rate.
    const slower = predictWaits({ ...withMemory, counterSpeed: counterSpeed(1.1) });
    for (const k of [1, 3, 6]) expect(slower.perTicket.get(k)?.minutes).toBe(learned.perTicket.get(k)?.minutes);
    // Where the line is not plain (a resident with an appointment) the speeds count as learned.
    const due = { ...walkIn(7, 'passport', 1), dueAt: minutesAhead(30) };
    const mixed = (f: number) =>
      predictWaits({ ...withMemory, tickets: [...input.tickets, due], counterSpeed: counterSpeed(f) });
    expect(mixed(1.1).perTicket.get(6)?.minutes).toBeGreaterThan(mixed(1).perTicket.get(6)?.minutes ?? 0);
  });

  it('leaves visits with memory, and residents who give up, to the replays', () => {
    const regular = predictWaits({ ...input, serviceCv: { passport: 0.5 }, replications: 12 });
    const impatient = predictWaits({ ...input, patienceMinutes: 30, replications: 12 });
    expect(regular.perTicket.get(1)?.minutes).not.toBe(Math.round(erlangMedian(1, 1) * 10) / 10);
    expect(impatient.perTicket.get(1)?.minutes).not.toBe(Math.round(erlangMedian(1, 1) * 10) / 10);
  });
});

describe('the point estimate of the replays is their median (what the smallest error in minutes needs)', () => {
  it('one counter that has just started a visit of lognormal length: the lognormal’s median, not its mean', () => {
    // The wait is the whole visit, lognormal with mean 10 and cv 0.8: median 10 ÷ √(1 + 0.8²) = 7.81, mean 10.
    const counters = [counter(1, ['passport'], { current: { startedAt: now, expectedMinutes: 10, cv: 0.8 } })];
    const out = predictWaits({
      now,
      tickets: [walkIn(1, 'passport', 5)],
      counters,
      meanMinutesPerPerson: mean,
      serviceCv: { passport: 0.8 },
      walkUpMinutes: 0,
      replications: 400,
    }).perTicket.get(1);
    expect(out?.minutes).toBeGreaterThan(7.2);
    expect(out?.minutes).toBeLessThan(8.4);
    // The band still spans the replays' 10–90 % range (lognormal: 4.0 and 15.2, less and plus a minute).
    expect(out?.low).toBeLessThan(4);
    expect(out?.high).toBeGreaterThan(14);
  });
});

describe('medianOfReplays', () => {
  it('is the gamma median: within 1.3 % of the Erlang median for one visit and closer for more', () => {
    for (const k of [1, 2, 3, 5, 10, 20]) {
      // k memoryless visits at rate 1: mean k, variance k.
      expect(Math.abs(gammaMedian(k, k) / erlangMedian(k, 1) - 1)).toBeLessThan(0.0135);
      expect(gammaMedian(k, k)).toBeLessThan(k);
    }
    expect(medianOfReplays([4, 4, 4])).toBe(4);
    expect(medianOfReplays([0, 0, 0])).toBe(0);
    // Mostly called at once, one replay far out: not the mean of 2.5 minutes.
    expect(medianOfReplays([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 30])).toBe(0);
  });

  it('of a dozen exponential draws: near the median, far below the mean, steadier than the middle two', () => {
    // 2,000 samples of 12 draws, Exp(1) (median ln 2 = 0.693, mean 1): a fixed seed, no timing.
    const rng = createRandom(20261207);
    const estimates: number[] = [];
    const middle: number[] = [];
    for (let r = 0; r < 2000; r++) {
      const xs = Array.from({ length: 12 }, () => rng.exponential(1)).sort((a, b) => a - b);
      estimates.push(medianOfReplays(xs));
      middle.push(((xs[5] as number) + (xs[6] as number)) / 2);
    }
    const avg = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const variance = (v: number[]) => avg(v.map((x) => (x - avg(v)) ** 2));
    // A dozen draws understate the spread a little, so the estimate sits a few per cent above ln 2.
    expect(Math.abs(avg(estimates) / Math.LN2 - 1)).toBeLessThan(0.07);
    expect(variance(estimates)).toBeLessThan(variance(middle));
  });
});

describe('erlangMedian', () => {
  it('is ln 2 ÷ rate for one visit and lies below the mean k ÷ rate', () => {
    expect(erlangMedian(1, 0.5)).toBeCloseTo(Math.LN2 / 0.5, 6);
    for (const k of [2, 5, 20]) {
      expect(erlangMedian(k, 1)).toBeLessThan(k);
      expect(erlangMedian(k, 1)).toBeGreaterThan(k - 1);
    }
  });
});

describe('predictWaits', () => {
  it('matches the queue-length predictor for one queue of identical, just-started counters', () => {
    // 2 counters that just started a 10-minute ticket, 6 waiting: ticket k is called after ⌊k/2⌋+1 rounds.
    const counters = [1, 2].map((id) =>
      counter(id, ['passport'], { current: { startedAt: now, expectedMinutes: 10 } }),
    );
    const tickets = [1, 2, 3, 4, 5, 6].map((i) => walkIn(i, 'passport', 60 - i));
    const out = callTimes({
      now,
      tickets,
      counters,
    });
    expect(out.perTicket.get(1)?.minutes).toBe(10);
    expect(out.perTicket.get(2)?.minutes).toBe(10);
    expect(out.perTicket.get(3)?.minutes).toBe(20);
    expect(out.perTicket.get(6)?.minutes).toBe(30);
    // QL: (ahead + 1) × 10 / 2 for the last one = 30.
  });

  it('counts only tickets that compete for the same counters (skills)', () => {
    // Counter 1 only pickup, counter 2 only passport. Ten passports waiting must not slow a pickup.
    const counters = [counter(1, ['pickup']), counter(2, ['passport'])];
    const tickets = [
      ...Array.from({ length: 10 }, (_, i) => walkIn(i + 1, 'passport', 30 - i)),
      walkIn(99, 'pickup', 1),
    ];
    const out = callTimes({
      now,
      tickets,
      counters,
    });
    expect(out.perTicket.get(99)?.minutes).toBe(0);
    expect(out.perTicket.get(99)?.band).toBe('none');
    expect(out.perTicket.get(10)?.minutes).toBe(90);
    expect(out.perService.pickup?.minutes).toBe(5);
    expect(out.perService.passport?.waiting).toBe(10);
    expect(out.perService.passport?.band).toBe('gt60');
  });

  it('puts "if you take a ticket now" behind tickets issued in the same instant', () => {
    const counters = [counter(1, ['passport'], { current: { startedAt: now, expectedMinutes: 10 } })];
    const justIssued = [1, 2].map((id) => ({ ...walkIn(id, 'passport', 0) }));
    const out = callTimes({
      now,
      tickets: justIssued,
      counters,
    });
    expect(out.perService.passport?.minutes).toBe(30);
  });

  it('calls a due appointment before walk-ins that waited longer', () => {
    const counters = [counter(1, ['passport'], { current: { startedAt: now, expectedMinutes: 10 } })];
    const appointment: PredictorTicket = { ...walkIn(7, 'passport', 1), dueAt: minutesAhead(2) };
    // Waited 12 min: not starving yet (3 × target) when the counter frees up at +10.
    const tickets = [walkIn(1, 'passport', 12), appointment];
    const out = callTimes({
      now,
      tickets,
      counters,
    });
    expect(out.perTicket.get(7)?.minutes).toBe(10);
    expect(out.perTicket.get(1)?.minutes).toBe(20);
  });

  it('serves walk-ins before an appointment that is not due yet (call-next puts early check-ins last)', () => {
    const counters = [counter(1, ['passport'])];
    const appointment: PredictorTicket = { ...walkIn(7, 'passport', 1), dueAt: minutesAhead(30) };
    const out = callTimes({
      now,
      tickets: [appointment, walkIn(1, 'passport', 2)],
      counters,
    });
    expect(out.perTicket.get(1)?.minutes).toBe(0);
    // Checked in early: an idle counter may take it once nobody else waits.
    expect(out.perTicket.get(7)?.minutes).toBe(10);
  });

  it('uses the residual service time of a counter that is about to finish', () => {
    const counters = [
      counter(1, ['passport'], { current: { startedAt: minutesAgo(4), expectedMinutes: 10, cv: 0 } }),
      counter(2, ['passport'], { current: { startedAt: minutesAgo(1), expectedMinutes: 10, cv: 0 } }),
    ];
    const input = {
      now,
      tickets: [walkIn(1, 'passport', 5)],
      meanMinutesPerPerson: mean,
      walkUpMinutes: 0,
      replications: 0,
      meanValuePoint: 'mean' as const,
    };
    expect(predictWaits({ ...input, counters }).perTicket.get(1)?.minutes).toBe(6);
    // Variable service times: 9 of 10 minutes gone does not mean 1 minute left (lognormal mean residual life).
    const late = [counter(1, ['passport'], { current: { startedAt: minutesAgo(9), expectedMinutes: 10, cv: 0.5 } })];
    const residual = predictWaits({ ...input, counters: late }).perTicket.get(1)?.minutes ?? 0;
    expect(residual).toBeGreaterThan(2);
    expect(residual).toBeLessThan(10);
  });

  it('expects the first of several busy counters to free up sooner than each one (stochastic replay)', () => {
    const counters = [1, 2, 3, 4].map((id) =>
      counter(id, ['passport'], { current: { startedAt: now, expectedMinutes: 10, cv: 0.8 } }),
    );
    const input = { now, tickets: [walkIn(1, 'passport', 5)], counters, meanMinutesPerPerson: mean, walkUpMinutes: 0 };
    const meanValue =
      predictWaits({ ...input, replications: 0, meanValuePoint: 'mean' }).perTicket.get(1)?.minutes ?? 0;
    const stochastic = predictWaits({ ...input, serviceCv: { passport: 0.8 }, replications: 200 }).perTicket.get(1);
    expect(meanValue).toBe(10);
    // The min of 4 lognormal(10, cv 0.8) lies well below 10 (cv 0.8: lognormal, not yet taken as memoryless).
    expect(stochastic?.minutes).toBeGreaterThan(2);
    expect(stochastic?.minutes).toBeLessThan(5);
    expect(stochastic?.low).toBeLessThan(stochastic?.high ?? 0);
    // Pure: the same input gives the same answer.
    expect(predictWaits({ ...input, serviceCv: { passport: 0.8 }, replications: 200 }).perTicket.get(1)).toEqual(
      stochastic,
    );
  });

  it('counts a paused counter only from its expected return, and ignores closed counters', () => {
    const counters = [
      counter(1, ['passport'], { state: 'paused', pausedUntil: minutesAhead(15) }),
      counter(2, ['passport'], { state: 'closed' }),
      counter(3, ['passport'], { current: { startedAt: now, expectedMinutes: 30 } }),
    ];
    const out = callTimes({
      now,
      tickets: [walkIn(1, 'passport', 5)],
      counters,
    });
    expect(out.perTicket.get(1)?.minutes).toBe(15);
  });

  it("skips rostered breaks ahead and the end of a counter's shift", () => {
    const counters = [
      counter(1, ['passport'], { breaks: [{ from: minutesAhead(5), to: minutesAhead(20) }] }),
      counter(2, ['passport'], { until: minutesAhead(8) }),
    ];
    const tickets = [1, 2, 3, 4].map((i) => walkIn(i, 'passport', 10 - i));
    const out = callTimes({
      now,
      tickets,
      counters,
    });
    // t=0: #1 → c1, #2 → c2. c1 would be free at 10 but breaks until 20; c2 is free at 10, after its end.
    expect(out.perTicket.get(3)?.minutes).toBe(20);
    expect(out.perTicket.get(4)?.minutes).toBe(30);
  });

  it('applies learned per-counter speed', () => {
    const counters = [counter(1, ['passport'], { current: { startedAt: now, expectedMinutes: 10 } })];
    const out = predictWaits({
      now,
      tickets: [walkIn(1, 'passport', 5), walkIn(2, 'passport', 4)],
      counters,
      meanMinutesPerPerson: mean,
      counterSpeed: { 1: 1.5 },
      walkUpMinutes: 0,
      replications: 0,
      meanValuePoint: 'mean',
    });
    expect(out.perTicket.get(1)?.minutes).toBe(15);
    expect(out.perTicket.get(2)?.minutes).toBe(30);
  });

  it('says more than an hour when no open counter has the skill', () => {
    const out = predictWaits({
      now,
      tickets: [walkIn(1, 'birth', 5)],
      counters: [counter(1, ['passport'])],
      meanMinutesPerPerson: { ...mean, birth: 15 },
      walkUpMinutes: 0,
      replications: 0,
      meanValuePoint: 'mean',
    });
    expect(out.perTicket.get(1)?.band).toBe('gt60');
  });

  it('needs a counter with every skill for a multi-service ticket', () => {
    const multi: PredictorTicket = {
      ...walkIn(1, 'passport', 5),
      services: [
        { code: 'passport', persons: 1 },
        { code: 'driving-licence', persons: 1 },
      ],
    };
    const counters = [
      counter(1, ['passport']),
      counter(2, ['passport', 'driving-licence'], { current: { startedAt: now, expectedMinutes: 8 } }),
    ];
    const out = callTimes({
      now,
      tickets: [multi],
      counters,
    });
    expect(out.perTicket.get(1)?.minutes).toBe(8);
  });
});

describe('bands', () => {
  it('maps minutes to display bands', () => {
    expect([0, 3, 7, 12, 25, 45, 90].map(bandKeyFor)).toEqual([
      'none',
      'lt5',
      '5-10',
      '10-20',
      '20-30',
      '30-60',
      'gt60',
    ]);
  });
  it('narrows relative to the mean as more people are ahead (1/√(n+1) floor)', () => {
    const few = waitBand(20, 0);
    const many = waitBand(20, 24);
    expect(few.high - few.low).toBeGreaterThan(many.high - many.low);
    expect(many.low).toBeLessThan(20);
    expect(many.high).toBeGreaterThan(20);
  });
});

describe('predictWaits under overload with residents who give up', () => {
  // Two counters, both just started, and a line of 40 walk-ins: far more than the counters serve soon.
  const counters = [1, 2].map((id) => counter(id, ['passport'], { current: { startedAt: now, expectedMinutes: 10 } }));
  const tickets = Array.from({ length: 40 }, (_, i) => walkIn(i + 1, 'passport', 40 - i));
  const base = { now, tickets, counters, meanMinutesPerPerson: mean, walkUpMinutes: 0 };

  it('expects those far back in line to be called sooner, because some ahead of them leave', () => {
    for (const replications of [0, 12]) {
      const stay = predictWaits({ ...base, replications });
      const leave = predictWaits({ ...base, replications, patienceMinutes: 30 });
      // The first in line has nobody ahead who could leave (the stochastic replays draw other numbers).
      const first = stay.perTicket.get(1)?.minutes ?? -1;
      expect(Math.abs((leave.perTicket.get(1)?.minutes ?? 0) - first)).toBeLessThanOrEqual(0.15 * first);
      for (const n of [10, 20, 40]) {
        expect(leave.perTicket.get(n)?.minutes ?? 0).toBeLessThan(stay.perTicket.get(n)?.minutes ?? 0);
      }
      // Further back, more of those ahead have left: the gap grows along the line.
      const gap = (n: number) => (stay.perTicket.get(n)?.minutes ?? 0) - (leave.perTicket.get(n)?.minutes ?? 0);
      expect(gap(40)).toBeGreaterThan(gap(10));
      // "If you take a ticket now" behind all of them, too.
      expect(leave.perService.passport?.minutes ?? 0).toBeLessThan(stay.perService.passport?.minutes ?? 0);
    }
  });

  it('gives the same answer as before when nobody gives up', () => {
    const stay = predictWaits({ ...base, replications: 12 });
    for (const patienceMinutes of [null, 0]) {
      const same = predictWaits({ ...base, replications: 12, patienceMinutes });
      expect(same.perTicket.get(25)).toEqual(stay.perTicket.get(25));
    }
  });

  it('comes near the median call time of a resident who stays, simulated directly', () => {
    // One counter, fixed 10-minute services, 12 ahead, exponential patience with mean 40: count by
    // Monte Carlo when the 13th is called if they stay.
    const one = [counter(1, ['passport'], { current: { startedAt: now, expectedMinutes: 10, cv: 0 } })];
    const line = Array.from({ length: 13 }, (_, i) => walkIn(i + 1, 'passport', 13 - i));
    const calls: number[] = [];
    const runs = 4000;
    let seed = 12345;
    const u = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed + 0.5) / 2 ** 31;
    };
    for (let r = 0; r < runs; r++) {
      let t = 10;
      for (let k = 0; k < 12; k++) if (-Math.log(u()) * 40 >= t) t += 10;
      calls.push(t);
    }
    // 50 with a probability of 0.30 and 60 with 0.35: the median is 60 (the mean 60.9).
    const truth = calls.sort((a, b) => a - b)[runs / 2] as number;
    const out = predictWaits({
      now,
      tickets: line,
      counters: one,
      meanMinutesPerPerson: mean,
      serviceCv: { passport: 0 },
      walkUpMinutes: 0,
      replications: 200,
      patienceMinutes: 40,
    });
    expect(Math.abs((out.perTicket.get(13)?.minutes ?? 0) / truth - 1)).toBeLessThan(0.05);
  });

  it('answers "if you take a ticket now" as the estimate of a ticket taken now (one replay watches every service)', () => {
    const codes = ['passport', 'pickup', 'driving-licence'] as const;
    const ticketArb = fc.record({
      code: fc.constantFrom(...codes),
      second: fc.option(fc.constantFrom(...codes), { nil: null }),
      queuedAgo: fc.integer({ min: 0, max: 90 }),
      dueIn: fc.option(fc.integer({ min: -20, max: 30 }), { nil: null }),
      priority: fc.constantFrom(0, 0, 1),
      target: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
    });
    const counterArb = fc.record({
      skills: fc.subarray([...codes], { minLength: 1 }),
      state: fc.constantFrom('open', 'open', 'paused', 'closed'),
      busyFor: fc.option(fc.integer({ min: 0, max: 15 }), { nil: null }),
      until: fc.option(fc.integer({ min: 5, max: 240 }), { nil: null }),
    });
    fc.assert(
      fc.property(
        fc.array(ticketArb, { maxLength: 40 }),
        fc.array(counterArb, { minLength: 1, maxLength: 4 }),
        fc.option(fc.integer({ min: 5, max: 60 }), { nil: null }),
        (ts, cs, patience) => {
          const counters = cs.map((c, i) =>
            counter(i + 1, c.skills, {
              state: c.state,
              pausedUntil: c.state === 'paused' ? minutesAhead(10) : null,
              current: c.busyFor === null ? null : { startedAt: minutesAgo(c.busyFor), expectedMinutes: 10 },
              until: c.until === null ? null : minutesAhead(c.until),
            }),
          );
          const tickets: PredictorTicket[] = ts.map((t, i) => ({
            id: i + 1,
            services: [
              { code: t.code, persons: 1 },
              ...(t.second && t.second !== t.code ? [{ code: t.second, persons: 1 }] : []),
            ],
            queuedAt: minutesAgo(t.queuedAgo),
            dueAt: t.dueIn === null ? null : minutesAhead(t.dueIn),
            priority: t.priority,
            targetCounterId: t.target !== null && t.target <= counters.length ? t.target : null,
          }));
          const input = {
            now,
            counters,
            meanMinutesPerPerson: mean,
            replications: 0,
            meanValuePoint: 'mean' as const,
            patienceMinutes: patience,
          };
          const out = predictWaits({ ...input, tickets, serviceCodes: [...codes] });
          for (const code of codes) {
            const newcomer: PredictorTicket = { ...walkIn(Number.MAX_SAFE_INTEGER, code, 0), queuedAt: now };
            const alone = predictWaits({ ...input, tickets: [...tickets, newcomer], serviceCodes: [] });
            const { waiting, ...band } = out.perService[code] ?? { waiting: -1 };
            expect(band).toEqual(alone.perTicket.get(Number.MAX_SAFE_INTEGER));
            expect(waiting).toBe(tickets.filter((t) => t.services.some((s) => s.code === code)).length);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('runs on the same ticket objects (the hub after every change)', () => {
  // predictWaits is pure: a run on ticket objects an earlier run saw (the hub's live view hands the same ones to every
  // run), with other learned times, other counters or fewer tickets, gives what the same input of fresh objects gives
  // (a per-ticket memo across runs was tried in #9 and is held to this).
  const fresh = (t: PredictorTicket): PredictorTicket => ({
    ...t,
    services: t.services.map((s) => ({ ...s })),
    queuedAt: new Date(t.queuedAt),
    dueAt: t.dueAt === null ? null : new Date(t.dueAt),
  });
  it('gives the answers of fresh objects, whatever changed between the runs', () => {
    const codes = ['passport', 'pickup', 'driving-licence'] as const;
    const ticketArb = fc.record({
      code: fc.constantFrom(...codes),
      second: fc.option(fc.constantFrom(...codes), { nil: null }),
      persons: fc.integer({ min: 1, max: 3 }),
      queuedAgo: fc.integer({ min: 0, max: 90 }),
      dueIn: fc.option(fc.integer({ min: -20, max: 30 }), { nil: null }),
      priority: fc.constantFrom(0, 0, 1),
      target: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
    });
    const runArb = fc.record({
      keep: fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
      mean: fc.record({ passport: fc.integer({ min: 4, max: 20 }), pickup: fc.integer({ min: 2, max: 8 }) }),
      cv: fc.option(fc.record({ passport: fc.constantFrom(0.3, 0.5, 1) }), { nil: undefined }),
      replications: fc.constantFrom(0, 0, 12),
      perServiceOnly: fc.boolean(),
      busyFor: fc.option(fc.integer({ min: 0, max: 15 }), { nil: null }),
      patience: fc.option(fc.integer({ min: 5, max: 60 }), { nil: null }),
    });
    fc.assert(
      fc.property(
        fc.array(ticketArb, { maxLength: 30 }),
        fc.array(runArb, { minLength: 2, maxLength: 4 }),
        (ts, runs) => {
          const all: PredictorTicket[] = ts.map((t, i) => ({
            id: i + 1,
            services: [
              { code: t.code, persons: t.persons },
              ...(t.second && t.second !== t.code ? [{ code: t.second, persons: 1 }] : []),
            ],
            queuedAt: minutesAgo(t.queuedAgo),
            dueAt: t.dueIn === null ? null : minutesAhead(t.dueIn),
            priority: t.priority,
            targetCounterId: t.target,
          }));
          for (const run of runs) {
            const tickets = all.filter((_, i) => run.keep[i]);
            const counters = [
              counter(1, ['passport', 'pickup'], {
                current: run.busyFor === null ? null : { startedAt: minutesAgo(run.busyFor), expectedMinutes: 10 },
              }),
              counter(2, ['passport', 'driving-licence']),
              counter(3, ['pickup']),
            ];
            const input = {
              now,
              counters,
              meanMinutesPerPerson: { ...run.mean, 'driving-licence': 5 },
              serviceCv: run.cv,
              replications: run.replications,
              perServiceOnly: run.perServiceOnly,
              patienceMinutes: run.patience,
              serviceCodes: [...codes],
            };
            const shared = predictWaits({ ...input, tickets });
            const alone = predictWaits({ ...input, tickets: tickets.map(fresh) });
            expect(shared).toStrictEqual(alone);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('the mean-value replay (what the screens get after each change)', () => {
  // A plain line: 16 walk-ins before 4 busy clerks, visits without memory (cv 1) of 10 minutes.
  const plain = (): PredictorInput => ({
    now,
    tickets: Array.from({ length: 16 }, (_, k) => walkIn(k + 1, 'passport', 30 - k)),
    counters: [1, 2, 3, 4].map((id) => ({
      id,
      skills: ['passport'],
      state: 'open' as const,
      current: { startedAt: minutesAgo(2 * id), expectedMinutes: 10, cv: 1 },
    })),
    meanMinutesPerPerson: { passport: 10 },
    serviceCv: { passport: 1 },
    walkUpMinutes: 0,
    serviceCodes: ['passport'],
  });

  it('gives the median of the wait, nearer the stochastic replays’ estimate stored at issue than its call time', () => {
    const stored = predictWaits(plain()).perTicket;
    const screen = predictWaits({ ...plain(), replications: 0 }).perTicket;
    const callTime = predictWaits({ ...plain(), replications: 0, meanValuePoint: 'mean' }).perTicket;
    let screenGap = 0;
    let callTimeGap = 0;
    for (let id = 1; id <= 16; id++) {
      const s = stored.get(id)?.minutes ?? Number.NaN;
      const band = screen.get(id);
      const c = callTime.get(id)?.minutes ?? Number.NaN;
      const m = band?.minutes ?? Number.NaN;
      // The median lies below the call time (a mean) by the Wilson–Hilferty factor of its visit ends, at most
      // 1 − (8/9)³ ≈ 30 % for one; the band still holds it and reaches above the call time.
      expect(m).toBeLessThanOrEqual(c);
      expect(m).toBeGreaterThanOrEqual(0.7 * c - 0.05);
      expect(band && band.low <= m && m <= band.high && band.high >= c).toBe(true);
      screenGap += Math.abs(m - s);
      callTimeGap += Math.abs(c - s);
    }
    // Nearer the stored estimate over the line. Not equal: the mean-value replay ends the busy clerks' visits each at
    // its expected residual, so the first of them frees up later than the first of several random ones would (the
    // first in line: 5.9 against 1.7 minutes here).
    expect(screenGap).toBeLessThan(0.85 * callTimeGap);
  });

  it('gives the same median for "if you take a ticket now" as for a ticket just taken', () => {
    const newcomer = predictWaits({ ...plain(), replications: 0 }).perService.passport;
    const taken = predictWaits({
      ...plain(),
      tickets: [...plain().tickets, walkIn(99, 'passport', 0)],
      replications: 0,
    }).perTicket.get(99);
    expect(newcomer?.minutes).toBe(taken?.minutes);
    expect(newcomer?.band).toBe(taken?.band);
  });
});
