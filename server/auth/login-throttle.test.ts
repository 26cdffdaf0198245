import { describe, expect, it } from 'vitest';
import { manualMonotonicClock } from '../clock.ts';
import { createLoginThrottle } from './login-throttle.ts';

describe('login throttle', () => {
  it('delays a guessing pair progressively and never the same user from a clean source', async () => {
    const clock = manualMonotonicClock();
    const throttle = createLoginThrottle({ clock });
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      await throttle.recordFailure('clerk', '203.0.113.9');
      waits.push(await throttle.retryAfter('clerk', '203.0.113.9'));
    }
    expect(waits).toEqual([0, 0, 0, 1, 2, 4, 8, 16]);
    expect(await throttle.retryAfter('Clerk', '203.0.113.9')).toBe(16);
    expect(await throttle.retryAfter('clerk', '198.51.100.20')).toBe(0);
    expect(await throttle.retryAfter('other', '203.0.113.9')).toBe(0);
    clock.advance(16_000);
    expect(await throttle.retryAfter('clerk', '203.0.113.9')).toBe(0);
  });

  it('caps the delay and forgets a pair a day after its last failure', async () => {
    const clock = manualMonotonicClock();
    const throttle = createLoginThrottle({ clock, perSource: { limit: 1_000, windowMs: 60_000 } });
    for (let i = 0; i < 40; i++) {
      await throttle.recordFailure('clerk', '203.0.113.9');
      clock.advance(20 * 60_000);
    }
    await throttle.recordFailure('clerk', '203.0.113.9');
    expect(await throttle.retryAfter('clerk', '203.0.113.9')).toBe(15 * 60);
    clock.advance(24 * 3_600_000 + 1);
    await throttle.recordFailure('clerk', '203.0.113.9');
    expect(await throttle.retryAfter('clerk', '203.0.113.9')).toBe(0);
  });

  it('stops a source spraying many usernames, and treats an IPv6 /64 as one source', async () => {
    const clock = manualMonotonicClock();
    const throttle = createLoginThrottle({ clock, perSource: { limit: 10, windowMs: 600_000 } });
    for (let i = 0; i < 10; i++) await throttle.recordFailure(`user${i}`, `2001:db8:5:6::${i + 1}`);
    expect(await throttle.retryAfter('clerk', '2001:db8:5:6::ffff')).toBeGreaterThan(0);
    expect(await throttle.retryAfter('clerk', '2001:db8:5:7::1')).toBe(0);
  });

  it('cannot be flushed: a delay survives a spray far beyond its memory bound', async () => {
    const clock = manualMonotonicClock();
    const throttle = createLoginThrottle({ clock, maxKeys: 2_000 });
    for (let i = 0; i < 6; i++) await throttle.recordFailure('clerk', '203.0.113.9');
    const before = await throttle.retryAfter('clerk', '203.0.113.9');
    expect(before).toBeGreaterThan(0);
    // 60,000 one-off failures from as many sources and usernames.
    for (let i = 0; i < 60_000; i++) {
      await throttle.recordFailure(`u${i}`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    }
    expect(await throttle.retryAfter('clerk', '203.0.113.9')).toBe(before);
  });

  it('a success clears the pair', async () => {
    const clock = manualMonotonicClock();
    const throttle = createLoginThrottle({ clock });
    for (let i = 0; i < 5; i++) await throttle.recordFailure('clerk', '203.0.113.9');
    await throttle.recordSuccess('clerk', '203.0.113.9');
    expect(await throttle.retryAfter('clerk', '203.0.113.9')).toBe(0);
  });
});
