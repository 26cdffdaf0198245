import type { Clock, MonotonicClock } from './clock.ts';
import type { Config } from './config.ts';
import type { DomainEvents } from './events.ts';
import type { Logger } from './logger.ts';
import type { LimitStore } from './rate-limiter.ts';
import type { Storage } from './storage.ts';

/** What every use-case and router receives; built once in main.ts (or a test helper). */
export interface Deps {
  /**
   * The repositories (server/storage.ts): the only way to the data. Which engine is behind them (SQLite or
   * PostgreSQL) is decided by the composition root, server/main.ts, or a test helper.
   */
  storage: Storage;
  clock: Clock;
  config: Config;
  events: DomainEvents;
  log: Logger;
  /** For rate windows and delays (default `performance.now()`); tests derive it from their clock. */
  monotonic?: MonotonicClock;
  /** Rate limits every node shares (Redis, `server/redis-limits.ts`); unset: each limiter in memory. */
  sharedLimits?: LimitStore;
  /** Readiness beyond the database (draining after SIGTERM, Redis reachable): `server/node-health.ts`. */
  nodeHealth?: { readonly draining: boolean; problem(): string | null };
}
