import type { Clock } from '../clock.ts';
import type { LimitStore } from '../rate-limiter.ts';

/**
 * Wrong check-in codes per kiosk: after `limit` misses within `windowMs` the kiosk is refused for the
 * rest of the window (429), so a 6-digit code cannot be guessed at the door. A successful check-in
 * does not reset the count: guessing between real check-ins must not help. Memory is bounded. With a
 * shared store (REDIS_URL) the misses count across every node; its windows run on the store's clock.
 */
export interface CheckInAttempts {
  /** Seconds until this kiosk may try again, or null when it may now. */
  blockedFor(key: string): number | null | Promise<number | null>;
  /** Records a miss. */
  miss(key: string): void | Promise<void>;
}

export function createCheckInAttempts(options: {
  limit: number;
  windowMs: number;
  clock: Clock;
  maxKeys?: number;
  store?: LimitStore;
}): CheckInAttempts {
  const { store } = options;
  if (store) {
    return {
      blockedFor: async (key) => {
        const { count, ttlMs } = await store.peekCount(`check-in-misses:${key}`);
        return count >= options.limit ? Math.max(1, Math.ceil(ttlMs / 1000)) : null;
      },
      miss: async (key) => {
        await store.count(`check-in-misses:${key}`, options.windowMs, false);
      },
    };
  }
  const windows = new Map<string, { startedAt: number; misses: number }>();
  const maxKeys = options.maxKeys ?? 10_000;
  const current = (key: string, now: number) => {
    const w = windows.get(key);
    return w && now - w.startedAt < options.windowMs ? w : null;
  };
  return {
    blockedFor(key) {
      const now = options.clock.now().getTime();
      const w = current(key, now);
      if (!w || w.misses < options.limit) return null;
      return Math.max(1, Math.ceil((w.startedAt + options.windowMs - now) / 1000));
    },
    miss(key) {
      const now = options.clock.now().getTime();
      const w = current(key, now);
      if (w) {
        w.misses++;
        return;
      }
      if (windows.size >= maxKeys) {
        for (const [k, v] of windows) if (now - v.startedAt >= options.windowMs) windows.delete(k);
        if (windows.size >= maxKeys) windows.clear();
      }
      windows.set(key, { startedAt: now, misses: 1 });
    },
  };
}
