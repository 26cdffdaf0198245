import { describe, expect, it } from 'vitest';
import { openingCrowdShare, openingHourServiceLevel } from './opening-crowd.ts';
import { simulate } from './simulator/engine.ts';
import { parseScenario } from './simulator/scenario.ts';

const base = { crowd: 12, arrivalsPerHour: 30, meanServiceMinutes: 8.5, withinMinutes: 10 };

describe('openingHourServiceLevel', () => {
  it('calls everyone at once when the counters outnumber the crowd and nobody else comes', () => {
    expect(openingHourServiceLevel({ ...base, crowd: 0.5, arrivalsPerHour: 0, servers: 12 })).toBeCloseTo(1, 3);
  });
  it('rises with every counter added', () => {
    const levels = [5, 6, 7, 8].map((servers) => openingHourServiceLevel({ ...base, servers, serviceCv: 0.6 }));
    for (let i = 1; i < levels.length; i++) expect(levels[i]).toBeGreaterThan(levels[i - 1] ?? 1);
  });
  it('is lower for visits that vary less than an exponential: the first ones end together, late', () => {
    const exponential = openingHourServiceLevel({ ...base, servers: 6, serviceCv: 1 });
    const regular = openingHourServiceLevel({ ...base, servers: 6, serviceCv: 0.6 });
    expect(regular).toBeLessThan(exponential - 0.02);
  });
  it('agrees with the simulator on an opening hour with a crowd', () => {
    // 30 simulated days; the simulator's counters take 0.5 min from the call to the counter, the model
    // counts them in the visit (8 + 0.5 minutes).
    const counters = [1, 2, 3, 4, 5, 6].map((id) => ({ id, skills: ['passport'], shifts: [['09:00', '10:00']] }));
    const result = simulate(
      parseScenario({
        name: 'opening',
        startDate: '2026-09-07',
        days: 30,
        timeZone: 'UTC',
        opensAt: '09:00',
        closesAt: '10:00',
        walkInFrom: '09:00',
        walkInTo: '10:00',
        busynessCv: 0,
        walkUpMinutes: 0.5,
        doorCrowd: { mean: 12, spreadMinutes: 3 },
        services: [{ code: 'passport', meanMinutes: 8, cv: 0.6, twoPersonShare: 0, walkInPerHour: { '9': 30 } }],
        counters,
        seed: 7,
      }),
      { predict: false, learn: false },
    );
    const hour = result.hours.filter((h) => h.hour === 9);
    const simulated = hour.reduce((a, h) => a + h.withinNorm, 0) / hour.reduce((a, h) => a + h.walkIns, 0);
    const modelled = openingHourServiceLevel({ ...base, servers: 6, serviceCv: 0.6 });
    expect(Math.abs(modelled - simulated)).toBeLessThan(0.06);
  });
});

describe('openingCrowdShare', () => {
  const uniform = (n: number, from: number, to: number) =>
    Array.from({ length: n }, (_, i) => from + ((i + 0.5) * (to - from)) / n);

  it('finds the crowd that takes its tickets in the first minutes', () => {
    // 12 at the door in the first 3 minutes, 30 more over the hour.
    const day = [...uniform(12, 0, 3), ...uniform(30, 0, 60)];
    const share = openingCrowdShare([day, day, day]);
    expect(share * 42).toBeCloseTo(12, 0);
  });

  it('finds none where walk-ins arrive evenly, and none without tickets', () => {
    expect(openingCrowdShare([uniform(40, 0, 60), uniform(36, 0, 60)])).toBeLessThan(0.02);
    expect(openingCrowdShare([])).toBe(0);
  });
});
