import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../random.ts';
import { serviceTimeBeyond, simulate } from './engine.ts';
import { parseScenario, type ScenarioInput, ScenarioService } from './scenario.ts';

const small: ScenarioInput = {
  name: 'small',
  startDate: '2026-11-23',
  days: 2,
  timeZone: 'Europe/Amsterdam',
  opensAt: '09:00',
  closesAt: '16:00',
  walkInFrom: '09:00',
  walkInTo: '11:00',
  patienceMinutes: 40,
  doorCrowd: { mean: 10, spreadMinutes: 5 },
  services: [
    {
      code: 'passport',
      meanMinutes: 10,
      walkInPerHour: { '9': 12, '10': 10 },
      appointmentsPerHour: { '11': 4, '12': 4 },
    },
    { code: 'pickup', meanMinutes: 4, walkInPerHour: { '9': 10, '10': 10 } },
  ],
  counters: [
    { id: 1, skills: ['passport', 'pickup'], shifts: [['09:00', '16:00']], breaks: [['12:00', '12:30']] },
    { id: 2, skills: ['passport'], shifts: [['09:00', '16:00']] },
    { id: 3, skills: ['pickup'], shifts: [['09:00', '11:00']] },
  ],
};

describe('simulate', () => {
  it('is deterministic for a seed and writes the production event log', () => {
    const sc = parseScenario(small);
    const a = simulate(sc);
    const b = simulate(sc);
    expect(a.events.length).toBeGreaterThan(50);
    expect(a.events.map((e) => [e.ticketId, e.type, e.at.getTime()])).toEqual(
      b.events.map((e) => [e.ticketId, e.type, e.at.getTime()]),
    );
    const other = simulate(parseScenario({ ...small, seed: 2 }));
    expect(other.events.length).not.toBe(a.events.length);
    // Every ticket starts with 'issued'; a called one is started and finished by the same counter.
    for (const t of a.tickets) {
      const evs = a.events.filter((e) => e.ticketId === t.id);
      expect(evs[0]?.type).toBe('issued');
      const called = evs.find((e) => e.type === 'called');
      if (called) {
        expect(evs.find((e) => e.type === 'finished')?.counterId).toBe(called.counterId);
        expect(called.at.getTime()).toBeGreaterThanOrEqual(t.issuedAt.getTime());
      } else {
        expect(t.status).toBe('cancelled');
      }
    }
  });

  it('respects skills, shifts and breaks', () => {
    const result = simulate(parseScenario(small));
    for (const t of result.tickets) {
      if (t.counterId === null) continue;
      const counter = small.counters.find((c) => c.id === t.counterId);
      for (const s of t.services) expect(counter?.skills).toContain(s.code);
      const local = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Amsterdam',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(t.calledAt as Date);
      if (t.counterId === 1) expect(local >= '12:00' && local < '12:30').toBe(false);
      if (t.counterId === 3) expect(local < '11:00').toBe(true);
    }
  });

  it('lets residents give up and keeps no-shows out of the line', () => {
    const result = simulate(parseScenario({ ...small, patienceMinutes: 3, appointments: { noShowRate: 0.5 } }));
    expect(result.tickets.some((t) => t.status === 'cancelled')).toBe(true);
    const noShows = result.appointments.filter((a) => a.status === 'no-show').length;
    expect(noShows).toBeGreaterThan(0);
    expect(noShows).toBeLessThan(result.appointments.length);
  });

  it('gives every walk-in a predicted band from the real predictor', () => {
    const result = simulate(parseScenario(small));
    const walkIns = result.tickets.filter((t) => t.source === 'kiosk');
    expect(walkIns.every((t) => t.band !== null)).toBe(true);
    // The crowd at the door waits: some predictions must be well above zero.
    expect(Math.max(...walkIns.map((t) => t.band?.minutes ?? 0))).toBeGreaterThan(10);
  });

  it('in stationary M/M/s the queue-length predictor has relative squared error ≈ 1 − ρ', () => {
    const sc = parseScenario({
      ...JSON.parse(readFileSync('bench/scenarios/mms-stationary.json', 'utf8')),
      days: 6,
    });
    const rho = 0.9;
    const errors: number[] = [];
    const waits: number[] = [];
    simulate(sc, {
      predictors: {
        ql: (ctx) => {
          // Delayed arrivals only (all counters busy): QL = (n + 1) × mean ÷ s.
          const busy = ctx.input.counters.filter((c) => c.current).length;
          if (busy < 10) return Number.NaN;
          const ahead = ctx.input.tickets.length - 1;
          return ((ahead + 1) * 10) / 10;
        },
      },
    }).tickets.forEach((t) => {
      const p = t.predicted.ql;
      // Skip the first two hours of each day (warm-up from an empty office).
      const hour = t.issuedAt.getUTCHours();
      if (p === undefined || Number.isNaN(p) || t.waitMinutes === null || hour < 10) return;
      errors.push((t.waitMinutes - p) ** 2);
      waits.push(t.waitMinutes);
    });
    const meanWait = waits.reduce((a, b) => a + b, 0) / waits.length;
    const rse = errors.reduce((a, b) => a + b, 0) / errors.length / meanWait ** 2;
    expect(waits.length).toBeGreaterThan(500);
    expect(rse).toBeGreaterThan((1 - rho) * 0.6);
    expect(rse).toBeLessThan((1 - rho) * 1.6);
  });
});

describe('serviceTimeBeyond (the reference redraws a running service given what it has taken)', () => {
  it('draws from the tail above the elapsed minutes, as rejection sampling would, however far in the tail', () => {
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const rng = createRandom(7);
    // Exponential: memoryless, elapsed + a fresh mean (40 minutes into a 10-minute mean service: 1 in 55 gets there).
    const exp = ScenarioService.parse({ code: 'x', meanMinutes: 10, distribution: 'exponential' });
    const e = Array.from({ length: 20_000 }, () => serviceTimeBeyond(exp, 1, 40, rng) ?? 0);
    expect(Math.min(...e)).toBeGreaterThan(40);
    expect(Math.abs(mean(e) - 50)).toBeLessThan(0.5);
    // Lognormal: the same conditional mean as plain draws kept only above the elapsed minutes.
    const logn = ScenarioService.parse({ code: 'y', meanMinutes: 10, cv: 0.5 });
    const kept: number[] = [];
    while (kept.length < 5_000) {
      const x = rng.lognormal(12, 0.5);
      if (x > 15) kept.push(x);
    }
    const l = Array.from({ length: 20_000 }, () => serviceTimeBeyond(logn, 1.2, 15, rng) ?? 0);
    expect(Math.min(...l)).toBeGreaterThan(15);
    expect(Math.abs(mean(l) / mean(kept) - 1)).toBeLessThan(0.02);
  });
});
