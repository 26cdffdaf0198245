import { describe, expect, it } from 'vitest';
import { manualClock } from '../clock.ts';
import { createCheckInAttempts } from './check-in-attempts.ts';

describe('check-in attempts per kiosk', () => {
  it('blocks a kiosk after the limit of misses until the window ends, and no other kiosk', () => {
    const clock = manualClock('2026-11-23T09:00:00Z');
    const attempts = createCheckInAttempts({ limit: 3, windowMs: 10 * 60_000, clock });
    for (let i = 0; i < 3; i++) {
      expect(attempts.blockedFor('kiosk-1')).toBeNull();
      attempts.miss('kiosk-1');
    }
    expect(attempts.blockedFor('kiosk-1')).toBe(600);
    expect(attempts.blockedFor('kiosk-2')).toBeNull();
    clock.advance(4 * 60_000);
    expect(attempts.blockedFor('kiosk-1')).toBe(360);
    clock.advance(6 * 60_000);
    expect(attempts.blockedFor('kiosk-1')).toBeNull();
  });

  it('keeps memory bounded', () => {
    const clock = manualClock('2026-11-23T09:00:00Z');
    const attempts = createCheckInAttempts({ limit: 1, windowMs: 60_000, clock, maxKeys: 10 });
    for (let i = 0; i < 100; i++) attempts.miss(`k${i}`);
    expect(attempts.blockedFor('k99')).not.toBeNull();
    expect(attempts.blockedFor('k0')).toBeNull();
  });
});
