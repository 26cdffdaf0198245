import type { Redis } from 'ioredis';
import { type MonotonicClock, monotonicClock } from './clock.ts';

/**
 * Whether a load balancer should send this node traffic, beyond its database (which the health route
 * checks itself): not while it drains (SIGTERM), and not while its Redis (when configured) does not
 * answer. Cheap enough for a health check every few hundred ms: Redis is PINGed at most once per
 * `probeEveryMs`, in the background; a check answers from the last probe.
 */
export interface NodeHealth {
  /** Why this node should get no traffic now ('draining', Redis down), or null. */
  problem(): string | null;
  /** From now on `problem()` answers 'draining' (SIGTERM: finish in-flight work, take no new). */
  drain(): void;
  readonly draining: boolean;
}

export function createNodeHealth(
  options: { redis?: Redis | null; probeEveryMs?: number; timeoutMs?: number; clock?: MonotonicClock } = {},
): NodeHealth {
  const { redis } = options;
  const clock = options.clock ?? monotonicClock;
  const probeEveryMs = options.probeEveryMs ?? 1_000;
  const timeoutMs = options.timeoutMs ?? 1_000;
  let draining = false;
  let probedAt = Number.NEGATIVE_INFINITY;
  let probing = false;
  // Unknown until the first PING answers: then the connection's state speaks.
  let redisOk: boolean | null = null;

  const probe = () => {
    if (!redis || probing || clock.nowMs() - probedAt < probeEveryMs) return;
    probing = true;
    probedAt = clock.nowMs();
    let timer: NodeJS.Timeout | undefined;
    void Promise.race([
      redis.ping().then((pong) => pong === 'PONG'),
      // The verdict waits for the I/O of the loop's round in which the bound passed: on an event loop busy for longer
      // than the bound (a node taking over a dead one's screens) a PONG already in is read first, not taken for silence.
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => setImmediate(() => resolve(false)), timeoutMs);
      }),
    ])
      .catch(() => false)
      .then((ok) => {
        clearTimeout(timer);
        redisOk = ok;
        probing = false;
      });
  };

  return {
    problem: () => {
      if (draining) return 'draining';
      if (!redis) return null;
      probe();
      if (redis.status !== 'ready' || redisOk === false) return 'Redis does not answer';
      return null;
    },
    drain: () => {
      draining = true;
    },
    get draining() {
      return draining;
    },
  };
}
