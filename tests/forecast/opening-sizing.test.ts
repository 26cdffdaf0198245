import { describe, expect, it } from 'vitest';
import { openingHourServiceLevelSampled } from '../../server/forecast/opening-crowd.ts';
import {
  type HourlyStaffingInput,
  requiredCounters,
  requiredCountersWithCrowd,
  requiredCountersWithCrowdSteps,
} from '../../server/forecast/staffing.ts';

/**
 * The months-ahead forecast sizes the opening hour with a crowd by the sampled model; the coming week by
 * the Markov chain (which the simulator confirms). Over a grid of realistic opening hours — a crowd of 6
 * to 20 at the door, 15 to 35 walk-ins in the hour, 8 to 12 minute visits, exponential and less variable
 * visits — the two agree within one counter, where the offered load the forecast used before asks for
 * up to several counters more.
 */
describe('opening hour beyond the coming week', () => {
  const inputs: HourlyStaffingInput[] = [];
  for (const crowd of [6, 12, 20])
    for (const rate of [15, 35])
      for (const minutes of [8, 12])
        for (const serviceCv of [1, 0.7])
          inputs.push({
            arrivalsPerHour: [rate, rate],
            meanServiceMinutes: minutes,
            serviceCv,
            walkUpMinutes: 0.5,
            target: { share: 0.8, withinMinutes: 10 },
            crowdAtOpening: crowd,
          });

  it('sizes the opening hour within one counter of the Markov chain', () => {
    let loadOver = 0;
    for (const input of inputs) {
      const markov = requiredCounters({ ...input, openingModel: 'markov' })[0] ?? 0;
      const sampled = requiredCounters({ ...input, openingModel: 'sampled' })[0] ?? 0;
      const load = requiredCounters({ ...input, openingModel: 'load' })[0] ?? 0;
      expect(Math.abs(sampled - markov), JSON.stringify({ input, markov, sampled })).toBeLessThanOrEqual(1);
      loadOver = Math.max(loadOver, load - markov);
    }
    // What the months ahead asked before: more than a counter too many somewhere on the grid.
    expect(loadOver).toBeGreaterThan(1);
  });

  it('never calls fewer in time when a counter is added, and is the same on every call', () => {
    const hour = { crowd: 14, arrivalsPerHour: 30, meanServiceMinutes: 9, serviceCv: 0.6, withinMinutes: 10 };
    const levels = [4, 5, 6, 7, 8, 9, 10].map((servers) => openingHourServiceLevelSampled({ ...hour, servers }));
    for (let i = 1; i < levels.length; i++) expect(levels[i]).toBeGreaterThanOrEqual(levels[i - 1] ?? 1);
    expect(levels[6]).toBeGreaterThan(levels[0] ?? 1);
    expect(openingHourServiceLevelSampled({ ...hour, servers: 6 })).toBe(levels[2]);
  });
});

describe('opening hour of the coming week on the event loop', () => {
  it('yields between the steps of a cold Markov sizing, with the same counters as the plain call', () => {
    // An input no other test sizes, so the chain's memo is cold.
    const input: HourlyStaffingInput = {
      arrivalsPerHour: [31, 27, 22],
      meanServiceMinutes: 9.3,
      serviceCv: 0.8,
      walkUpMinutes: 0.5,
      target: { share: 0.8, withinMinutes: 10 },
    };
    const steps = requiredCountersWithCrowdSteps(input, 0, 0.4);
    let yields = 0;
    let step = steps.next();
    while (!step.done) {
      yields++;
      step = steps.next();
    }
    // Hundreds of uniformisation steps per counter number tried, each a turn for the caller.
    expect(yields).toBeGreaterThan(100);
    expect(step.value).toEqual(requiredCountersWithCrowd(input, 0, 0.4));
    expect(step.value[0]).toBeGreaterThan(requiredCounters(input)[0] ?? 0);
  });
});
