import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../errors.ts';
import { consumeByAddress, type RateLimiter } from '../rate-limiter.ts';

/** HTTP side of the limiters in server/rate-limiter.ts: the client's address and a 429 middleware. */
export {
  addressGroups,
  createMemoryRateLimitStore,
  createRateLimiter,
  type RateLimiter,
  type RateLimitStore,
  type RateRule,
} from '../rate-limiter.ts';

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

/**
 * 429 `rate-limited` with Retry-After once a client's host (IPv4 address, IPv6 /64) exceeds `host`, or
 * its network (IPv4 /24, IPv6 /48) exceeds the looser `network`.
 */
export function rateLimit(options: {
  host: RateLimiter;
  network?: RateLimiter;
  trustProxy: boolean;
}): MiddlewareHandler {
  return async (c, next) => {
    const decision = await consumeByAddress(clientAddress(c, options.trustProxy), options);
    if (!decision.allowed) {
      throw new AppError('rate-limited', 'Too many requests; try again later', {
        retryAfter: Math.max(1, Math.ceil(decision.retryAfterMs / 1000)),
      });
    }
    await next();
  };
}
