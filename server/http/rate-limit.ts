import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';

/**
 * In-memory fixed-window limiter per key (client address). One process is the unit we run; behind
 * several processes each keeps its own window, which only makes the limit looser, never wrong.
 */
export interface RateLimiter {
  /** Counts a hit; null when allowed, otherwise the seconds until the window resets. */
  hit(key: string): number | null;
}

export function createRateLimiter(options: {
  limit: number;
  windowMs: number;
  clock: Clock;
  maxKeys?: number;
}): RateLimiter {
  const windows = new Map<string, { startedAt: number; hits: number }>();
  const maxKeys = options.maxKeys ?? 50_000;
  return {
    hit(key) {
      const now = options.clock.now().getTime();
      let w = windows.get(key);
      if (!w || now - w.startedAt >= options.windowMs) {
        // Bound memory: drop expired windows when the map grows large.
        if (windows.size >= maxKeys) {
          for (const [k, v] of windows) if (now - v.startedAt >= options.windowMs) windows.delete(k);
          if (windows.size >= maxKeys) windows.clear();
        }
        w = { startedAt: now, hits: 0 };
        windows.set(key, w);
      }
      w.hits++;
      if (w.hits <= options.limit) return null;
      return Math.max(1, Math.ceil((w.startedAt + options.windowMs - now) / 1000));
    },
  };
}

/** The client's address: the socket's, or the first X-Forwarded-For hop behind a trusted proxy. */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // app.request() in tests has no socket.
    return 'unknown';
  }
}

/** 429 `rate-limited` with Retry-After once a client exceeds the limiter. */
export function rateLimit(limiter: RateLimiter, trustProxy: boolean, scope: string): MiddlewareHandler {
  return async (c, next) => {
    const retryAfter = limiter.hit(`${scope}:${clientAddress(c, trustProxy)}`);
    if (retryAfter !== null) throw new AppError('rate-limited', 'Too many requests; try again later', { retryAfter });
    await next();
  };
}
