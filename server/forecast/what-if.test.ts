import { describe, expect, it } from 'vitest';
import type { Office } from '../scheduling/office-cache.ts';
import { simulate } from './simulator/engine.ts';
import { type DayDemand, daySimulationScenario, walkInArrivals } from './what-if.ts';

// Appointments from 08:00, walk-ins from 09:00 (as at the demo's Zijlsingel).
const demand: DayDemand = {
  walkIns: new Map([
    [
      'passport',
      new Map([
        [8, 0],
        [9, 30],
        [10, 12],
      ]),
    ],
    [
      'pickup',
      new Map([
        [8, 0],
        [9, 10],
        [10, 6],
      ]),
    ],
  ]),
  appointments: new Map([['passport', new Map([[8, 4]])]]),
  noShowRate: 0,
  opensAtHour: 8,
  closesAtHour: 11,
  doorCrowdShare: 0.5,
};

const office = {
  location: { id: 'test', timeZone: 'UTC', serviceNormMinutes: 10, serviceNormShare: 0.8 },
  services: new Map([
    ['passport', { code: 'passport', minutesPerPerson: 8, targetWaitMinutes: 10 }],
    ['pickup', { code: 'pickup', minutesPerPerson: 3, targetWaitMinutes: 10 }],
  ]),
} as unknown as Pick<Office, 'location' | 'services'>;

const counters = [1, 2, 3, 4].map((id) => ({
  id,
  skills: ['passport', 'pickup'],
  shifts: [['08:00', '11:00']] as [string, string][],
}));

describe('walkInArrivals', () => {
  it('splits the walk-in opening hour into the crowd at the door and a rate, keeping the residents', () => {
    const { perHour, walkInOpensAtHour, doorCrowd } = walkInArrivals(demand);
    expect(walkInOpensAtHour).toBe(9);
    expect(doorCrowd.mean).toBeCloseTo(20);
    expect(doorCrowd.services).toEqual({ passport: 15, pickup: 5 });
    expect(perHour.get('passport')?.get(9)).toBeCloseTo(15);
    expect(perHour.get('pickup')?.get(9)).toBeCloseTo(5);
    // Later hours are left as they are.
    expect(perHour.get('passport')?.get(10)).toBe(12);
  });

  it('has no crowd without a share, and keeps the services of a crowd that is all of the hour', () => {
    expect(walkInArrivals({ ...demand, doorCrowdShare: 0 }).doorCrowd.mean).toBe(0);
    expect(
      walkInArrivals({ ...demand, doorCrowdShare: undefined })
        .perHour.get('passport')
        ?.get(9),
    ).toBe(30);
    const all = walkInArrivals({ ...demand, doorCrowdShare: 1 });
    expect(all.perHour.get('passport')?.get(9)).toBe(0);
    expect(all.doorCrowd.services).toEqual({ passport: 30, pickup: 10 });
  });
});

describe('daySimulationScenario', () => {
  it('simulates the crowd at the walk-in doors: the same residents, more of them waiting at opening', () => {
    const days = 30;
    const run = (share: number) => {
      const sc = daySimulationScenario(office, '2026-12-07', { ...demand, doorCrowdShare: share }, counters, days);
      expect(sc.walkInFrom).toBe('09:00');
      expect(sc.opensAt).toBe('08:00');
      const result = simulate(sc, { predict: false, learn: false });
      const walkIns = result.tickets.filter((t) => t.source === 'kiosk');
      const early = walkIns.filter((t) => t.issuedAt.getUTCHours() === 9 && t.issuedAt.getUTCMinutes() < 3).length;
      const opening = result.hours.filter((h) => h.hour === 9);
      const within = opening.reduce((a, h) => a + h.withinNorm, 0) / opening.reduce((a, h) => a + h.walkIns, 0);
      return { perDay: walkIns.length / days, earlyPerDay: early / days, within };
    };
    const rate = run(0);
    const crowd = run(0.5);
    // About the same walk-ins per day (58 expected), Poisson noise aside.
    expect(Math.abs(crowd.perDay - rate.perDay)).toBeLessThan(5);
    // As a rate, 40 an hour give 2 in the first 3 minutes; with the crowd, 20 more come in then.
    expect(rate.earlyPerDay).toBeLessThan(5);
    expect(crowd.earlyPerDay).toBeGreaterThan(15);
    // And the opening hour's service level shows it.
    expect(crowd.within).toBeLessThan(rate.within);
  });
});
