import { describe, expect, it } from 'vitest';
import { createRandom } from '../random.ts';
import {
  erlangA,
  erlangB,
  erlangC,
  erlangCMeanWait,
  erlangCServiceLevel,
  halfinWhittPWait,
  requiredServers,
} from './erlang.ts';

describe('Erlang B and C', () => {
  it('matches the docs/facts.md test vectors', () => {
    expect(erlangC(10, 14)).toBeCloseTo(0.1741, 4);
    expect(erlangC(5, 8)).toBeCloseTo(0.167, 3);
    // …and the square-root approximation is visibly off for a small office.
    expect(halfinWhittPWait(5, 8)).toBeCloseTo(0.117, 3);
  });

  it('is stable for large offices where factorials overflow', () => {
    const c = erlangC(900, 950);
    expect(Number.isFinite(c)).toBe(true);
    expect(c).toBeGreaterThan(0);
    expect(c).toBeLessThan(1);
    expect(erlangB(1000, 0)).toBe(1);
  });

  it('returns 1 when the load is not below the number of servers', () => {
    expect(erlangC(8, 8)).toBe(1);
    expect(erlangCServiceLevel(9, 8, 10, 10)).toBe(0);
    expect(erlangCMeanWait(9, 8, 10)).toBe(Number.POSITIVE_INFINITY);
  });

  it('service level 1 − C·e^{−(s−A)t/τ}', () => {
    const sl = erlangCServiceLevel(10, 14, 10, 5);
    expect(sl).toBeCloseTo(1 - 0.17411 * Math.exp(-2), 3);
    expect(erlangCMeanWait(10, 14, 10)).toBeCloseTo((0.17411 * 10) / 4, 3);
  });
});

/** Small seeded M/M/s+M simulation to check Erlang A against, FCFS. */
function simulateMMsM(lambda: number, mu: number, s: number, theta: number, t: number, n: number) {
  const random = createRandom(12345);
  const exp = (rate: number) => random.exponential(rate);
  const free = new Array<number>(s).fill(0);
  // FCFS with abandonment: a customer is served at max(arrival, earliest server) if still patient.
  let now = 0;
  let waited = 0;
  let within = 0;
  let abandoned = 0;
  for (let i = 0; i < n; i++) {
    now += exp(lambda);
    const patience = exp(theta);
    let k = 0;
    for (let j = 1; j < s; j++) if ((free[j] ?? 0) < (free[k] ?? 0)) k = j;
    const start = Math.max(now, free[k] ?? 0);
    const wait = start - now;
    if (wait > 0) waited++;
    if (wait <= t) within++;
    if (wait > patience) {
      abandoned++;
      continue;
    }
    free[k] = start + exp(mu);
  }
  return { pWait: waited / n, serviceLevel: within / n, pAbandon: abandoned / n };
}

describe('Erlang A', () => {
  it('tends to Erlang C as patience grows', () => {
    const a = erlangA(10, 14, 10, 1e7, 5);
    expect(a.pWait).toBeCloseTo(erlangC(10, 14), 3);
    expect(a.serviceLevel).toBeCloseTo(erlangCServiceLevel(10, 14, 10, 5), 3);
  });

  it('agrees with a simulation of M/M/s+M, also in overload', () => {
    for (const [load, s] of [
      [6, 7],
      [9, 8],
    ] as const) {
      const a = erlangA(load, s, 10, 20, 5);
      const sim = simulateMMsM(load / 10, 1 / 10, s, 1 / 20, 5, 200_000);
      expect(Math.abs(a.pWait - sim.pWait)).toBeLessThan(0.015);
      expect(Math.abs(a.pAbandon - sim.pAbandon)).toBeLessThan(0.015);
      expect(Math.abs(a.serviceLevel - sim.serviceLevel)).toBeLessThan(0.015);
    }
  });
});

describe('requiredServers', () => {
  it('finds the smallest count that meets the norm', () => {
    const target = { share: 0.8, withinMinutes: 10 };
    const s = requiredServers(60, 10, target);
    expect(erlangCServiceLevel(10, s, 10, 10)).toBeGreaterThanOrEqual(0.8);
    expect(erlangCServiceLevel(10, s - 1, 10, 10)).toBeLessThan(0.8);
    expect(requiredServers(0, 10, target)).toBe(0);
  });
  it('needs no more counters with impatient residents (Erlang A) than without', () => {
    const c = requiredServers(60, 10, { share: 0.9, withinMinutes: 5 });
    const a = requiredServers(60, 10, { share: 0.9, withinMinutes: 5, patienceMinutes: 15 });
    expect(a).toBeLessThanOrEqual(c);
  });
  it('stretches the wait scale for visits that vary less than an exponential', () => {
    const target = { share: 0.8, withinMinutes: 10 };
    const s = requiredServers(60, 10, target, 0.6);
    // Allen–Cunneen: waits scale by (1 + 0.36) / 2, so the norm counts as 10 / 0.68 minutes of M/M/s wait.
    expect(erlangCServiceLevel(10, s, 10, 10 / 0.68)).toBeGreaterThanOrEqual(0.8);
    expect(erlangCServiceLevel(10, s - 1, 10, 10 / 0.68)).toBeLessThan(0.8);
    expect(s).toBeLessThanOrEqual(requiredServers(60, 10, target));
    expect(requiredServers(60, 10, target, 1)).toBe(requiredServers(60, 10, target));
  });
});
