import type { Redis } from 'ioredis';

/**
 * Who recomputes a location's wait estimates after a change (ARCHITECTURE.md#scale-out): with Redis, the node
 * that takes a short lock on `location + seq` (`SET NX PX`) computes once for the cluster and broadcasts through
 * the adapter; the others skip. Without Redis, or while it is unreachable, every node computes for its own
 * sockets (as one node always did).
 */
export type EstimateClaim = 'cluster' | 'local' | 'skip';

export interface EstimateGate {
  claim(locationId: string, seq: number): Promise<EstimateClaim>;
}

export const localEstimateGate: EstimateGate = { claim: async () => 'local' };

export function redisEstimateGate(redis: Redis, keyPrefix: string, holdMs = 5_000): EstimateGate {
  return {
    claim: async (locationId, seq) => {
      try {
        const won = await redis.set(`${keyPrefix}hub:estimates:${locationId}:${seq}`, '1', 'PX', holdMs, 'NX');
        return won === 'OK' ? 'cluster' : 'skip';
      } catch {
        return 'local';
      }
    },
  };
}
