import type { Redis } from 'ioredis';

/**
 * Who recomputes a location's wait estimates after a change (ARCHITECTURE.md#scale-out): with Redis, the node
 * that takes a short lock on `location + seq` (`SET NX PX`) computes once for the cluster and broadcasts through
 * the adapter; the others skip. Without Redis, or while it is unreachable, every node computes for its own
 * sockets (as one node always did).
 */
export type EstimateClaim = 'cluster' | 'local' | 'skip';

export interface EstimateGate {
  /**
   * `round`: a run that is not for a change — the refresh of waits grown old with no change (publish.ts), one per
   * period of the office at the same seq — claims `location + seq + round`, so it neither takes a change's claim nor
   * runs on every node.
   */
  claim(locationId: string, seq: number, round?: string): Promise<EstimateClaim>;
}

export const localEstimateGate: EstimateGate = { claim: async () => 'local' };

export function redisEstimateGate(redis: Redis, keyPrefix: string, holdMs = 5_000): EstimateGate {
  return {
    claim: async (locationId, seq, round) => {
      const key = `${keyPrefix}hub:estimates:${locationId}:${seq}${round === undefined ? '' : `:${round}`}`;
      try {
        const won = await redis.set(key, '1', 'PX', holdMs, 'NX');
        return won === 'OK' ? 'cluster' : 'skip';
      } catch {
        return 'local';
      }
    },
  };
}
