import { Redis } from 'ioredis';
import type { Config } from './config.ts';

/**
 * The one way this code base opens a Redis connection (REDIS_URL). Commands fail fast while the
 * connection is down (no offline queue), so a node whose Redis is gone falls back to its own limits
 * and keeps serving instead of piling up requests; ioredis reconnects in the background.
 * Callers that need a dedicated connection (blocking reads of the hub adapter) call it again.
 */
export function openRedis(config: Pick<Config, 'REDIS_URL'>, name: string): Redis | null {
  if (!config.REDIS_URL) return null;
  return new Redis(config.REDIS_URL, {
    connectionName: `loket:${name}`,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
}
