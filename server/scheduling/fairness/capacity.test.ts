import { describe, expect, it } from 'vitest';
import type { EngineAppointment, EngineCounter } from '../allocation.ts';
import { dayCapacityMs, fitsOnlinePart, phoneShareKept } from './capacity.ts';

const H = 3_600_000;
const counters: EngineCounter[] = [
  { id: 1, skills: new Set([1]), windows: [{ start: 9 * H, end: 13 * H, mode: 'appointments' }] },
  { id: 2, skills: new Set([1]), windows: [{ start: 9 * H, end: 13 * H, mode: 'both' }] },
];
const appt = (id: number, hours: number, online: boolean): EngineAppointment => ({
  id,
  counterId: 1,
  start: 9 * H,
  end: 9 * H + hours * H,
  serviceIds: [1],
  movable: true,
  online,
});
const rule = { phoneShare: 0.25, phoneShareReleaseHours: 48, walkInShare: 0.5 };

describe('phone and desk share', () => {
  it('counts appointment windows whole and both-windows less the walk-in share', () => {
    expect(dayCapacityMs(counters, 0.5)).toBe(6 * H);
  });

  it('refuses an online booking past (1 − share) of the capacity; phone bookings do not use it up', () => {
    // Capacity 6 h, online part 4.5 h.
    expect(fitsOnlinePart(rule, counters, [appt(1, 4, true)], 0.5 * H)).toBe(true);
    expect(fitsOnlinePart(rule, counters, [appt(1, 4, true)], 0.75 * H)).toBe(false);
    expect(fitsOnlinePart(rule, counters, [appt(1, 4, false)], 4 * H)).toBe(true);
  });

  it('keeps the share until the configured hours before the day start', () => {
    const dayStart = Date.UTC(2026, 11, 10);
    expect(phoneShareKept(rule, dayStart, new Date(dayStart - 48 * H - 1))).toBe(true);
    expect(phoneShareKept(rule, dayStart, new Date(dayStart - 48 * H))).toBe(false);
    expect(phoneShareKept({ ...rule, phoneShare: 0 }, dayStart, new Date(0))).toBe(false);
  });
});
