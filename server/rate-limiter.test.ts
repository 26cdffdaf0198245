import { describe, expect, it } from 'vitest';
import { manualMonotonicClock } from './clock.ts';
import {
  addressGroups,
  BoundedKeyMap,
  consumeByAddress,
  createMemoryRateLimitStore,
  createRateLimiter,
  TokenBucket,
} from './rate-limiter.ts';

describe('rate limiter (GCRA on a monotonic clock)', () => {
  it('allows a burst of `limit`, then one per refill interval, and says how long to wait', async () => {
    const clock = manualMonotonicClock(1_000);
    const limiter = createRateLimiter({ name: 't', limit: 3, windowMs: 60_000 }, { clock });
    for (let i = 0; i < 3; i++) expect((await limiter.consume('a')).allowed).toBe(true);
    const refused = await limiter.consume('a');
    expect(refused).toEqual({ allowed: false, retryAfterMs: 20_000 });
    expect((await limiter.consume('b')).allowed).toBe(true);
    clock.advance(19_999);
    expect((await limiter.consume('a')).allowed).toBe(false);
    clock.advance(1);
    expect((await limiter.consume('a')).allowed).toBe(true);
    expect((await limiter.consume('a')).allowed).toBe(false);
  });

  it('does not follow the wall clock: stepping Date back an hour changes nothing', async () => {
    const realNow = Date.now;
    const clock = manualMonotonicClock();
    const limiter = createRateLimiter({ name: 't', limit: 1, windowMs: 1_000 }, { clock });
    try {
      expect((await limiter.consume('a')).allowed).toBe(true);
      Date.now = () => realNow() - 3_600_000;
      clock.advance(1_000);
      expect(await limiter.consume('a')).toEqual({ allowed: true, retryAfterMs: 0 });
    } finally {
      Date.now = realNow;
    }
  });

  it('keeps memory bounded and a limited key limited while others spray fresh keys', async () => {
    const clock = manualMonotonicClock();
    const store = createMemoryRateLimitStore({ clock, maxKeys: 1_000 });
    const limiter = createRateLimiter({ name: 't', limit: 2, windowMs: 60_000 }, { store });
    await limiter.consume('victim-of-its-own-flood');
    await limiter.consume('victim-of-its-own-flood');
    expect((await limiter.consume('victim-of-its-own-flood')).allowed).toBe(false);
    for (let i = 0; i < 50_000; i++) await limiter.consume(`spray-${i}`);
    expect(store.size).toBeLessThanOrEqual(1_000);
    expect((await limiter.consume('victim-of-its-own-flood')).allowed).toBe(false);
  });

  it('limits an address and, more loosely, its network', async () => {
    const clock = manualMonotonicClock();
    const host = createRateLimiter({ name: 'h', limit: 2, windowMs: 60_000 }, { clock });
    const network = createRateLimiter({ name: 'n', limit: 3, windowMs: 60_000 }, { clock });
    const take = async (address: string) => (await consumeByAddress(address, { host, network })).allowed;
    expect([await take('2001:db8:1:2::1'), await take('2001:db8:1:2:ffff::9'), await take('2001:db8:1:2::3')]).toEqual([
      true,
      true,
      false,
    ]);
    expect([
      await take('192.0.2.1'),
      await take('192.0.2.2'),
      await take('192.0.2.3'),
      await take('192.0.2.4'),
    ]).toEqual([true, true, true, false]);
    expect(await take('192.0.3.1')).toBe(true);
  });
});

describe('address groups', () => {
  it('key IPv6 per /64 and /48, IPv4 per address and /24, mapped IPv4 as IPv4', () => {
    expect(addressGroups('2001:0db8:0001:0002:0000:0000:0000:0001')).toEqual({
      host: '2001:db8:1:2::/64',
      network: '2001:db8:1::/48',
    });
    expect(addressGroups('2001:db8:1:2::abcd').host).toBe('2001:db8:1:2::/64');
    expect(addressGroups('2001:db8::1').host).toBe('2001:db8:0:0::/64');
    expect(addressGroups('::1').host).toBe('0:0:0:0::/64');
    expect(addressGroups('fe80::1%eth0').host).toBe('fe80:0:0:0::/64');
    expect(addressGroups('::ffff:198.51.100.7')).toEqual({ host: '198.51.100.7', network: '198.51.100.0/24' });
    expect(addressGroups('198.51.100.7')).toEqual({ host: '198.51.100.7', network: '198.51.100.0/24' });
    expect(addressGroups('unknown')).toEqual({ host: 'unknown', network: 'unknown' });
  });
});

describe('token bucket', () => {
  it('refills continuously', () => {
    const clock = manualMonotonicClock();
    const bucket = new TokenBucket({ limit: 2, windowMs: 1_000 }, clock);
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, false]);
    clock.advance(500);
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
  });
});

describe('bounded key map', () => {
  it('drops idle entries first, then the least at stake among the oldest', () => {
    const map = new BoundedKeyMap<number>(
      3,
      (v) => v === 0,
      (v) => v,
      3,
    );
    map.set('a', 5);
    map.set('b', 1);
    map.set('c', 0);
    map.set('d', 7);
    expect(map.get('c')).toBeUndefined();
    map.set('e', 9);
    expect(map.get('b')).toBeUndefined();
    expect([map.get('a'), map.get('d'), map.get('e')]).toEqual([5, 7, 9]);
  });
});
