import { type MonotonicClock, monotonicClock } from '../clock.ts';
import {
  addressGroups,
  createMemoryLimitStore,
  createRateLimiter,
  type LimitStore,
  type RateLimiter,
  type RateRule,
  TokenBucket,
} from '../rate-limiter.ts';

/**
 * Limits that keep one hub client from stalling the others. Every packet a socket sends is counted
 * BEFORE its payload is parsed or any handler runs: against the socket's own bucket (public commands
 * tighter than a token holder's) and against its address's bucket (IPv4 address, IPv6 /64; a shared
 * store can hold those across processes). A socket whose packets keep being refused is disconnected.
 * Connections are counted per address, with a lower cap for sockets without a token, and new
 * connections per address go through a bucket too, so a flooder that is cut off cannot just reconnect.
 * Everything per address lives in a `LimitStore`: this process's memory, or with REDIS_URL the store
 * every node shares, so an address meets one limit however many nodes it spreads over (per-socket
 * buckets stay on the socket). The open connections are counted on this node as well: they are the cap
 * when the shared store cannot be reached.
 */
export interface HubLimits {
  /** Packets per socket without a token (residents following a ticket). */
  publicPerSocket: RateRule;
  /** Packets per socket with a staff or device token. */
  staffPerSocket: RateRule;
  /** Packets per address from sockets without a token, over all their sockets. */
  publicPerAddress: RateRule;
  /** Packets per address from all sockets. */
  allPerAddress: RateRule;
  /** Refused packets a socket may send within the window before it is disconnected. */
  strikes: RateRule;
  /** Ticket rooms one socket may follow. */
  maxFollowsPerSocket: number;
  maxConnectionsPerAddress: number;
  maxAnonymousConnectionsPerAddress: number;
  /** New connections per address: a flooder that is cut off and reconnects meets this. */
  connectsPerAddress: RateRule;
  /**
   * Flooding cut-offs of sockets without a token per address: one more within the window and the
   * address's anonymous handshakes are refused for `banMs`, so a flooder stops costing us a handshake
   * and a burst of packets every few milliseconds. Staff and devices are cut off but never banned.
   */
  cutOffsPerAddress: RateRule;
  banMs: number;
}

export const defaultHubLimits: HubLimits = {
  publicPerSocket: { limit: 5, windowMs: 10_000 },
  staffPerSocket: { limit: 60, windowMs: 10_000 },
  publicPerAddress: { limit: 100, windowMs: 10_000 },
  allPerAddress: { limit: 1_000, windowMs: 10_000 },
  strikes: { limit: 20, windowMs: 10_000 },
  maxFollowsPerSocket: 10,
  maxConnectionsPerAddress: 200,
  maxAnonymousConnectionsPerAddress: 50,
  connectsPerAddress: { limit: 120, windowMs: 60_000 },
  cutOffsPerAddress: { limit: 3, windowMs: 60_000 },
  banMs: 60_000,
};

export type PacketVerdict = 'allow' | 'refuse' | 'disconnect';

/** The per-socket part of the guard, kept on the socket. */
export interface SocketGuard {
  readonly host: string;
  readonly anonymous: boolean;
  /** Counts a packet; `refuse` drops it with a `rate-limited` ack, `disconnect` ends the socket. */
  admit(): Promise<PacketVerdict>;
  follows: number;
  release(): void;
}

export interface HubGuard {
  /** Null when the address has too many connections open, connects too often or is banned (refused). */
  open(address: string, anonymous: boolean): Promise<SocketGuard | null>;
  /** Open connections per host (for tests and the benchmark). */
  connections(address: string): number;
}

export function createHubGuard(
  limits: HubLimits = defaultHubLimits,
  options: {
    clock?: MonotonicClock;
    /** Per-address state shared by the nodes (default: this process's memory). */
    store?: LimitStore;
    addressLimiters?: { public: RateLimiter; all: RateLimiter };
  } = {},
): HubGuard {
  const clock = options.clock ?? monotonicClock;
  const store = options.store ?? createMemoryLimitStore({ clock });
  const perAddress = options.addressLimiters ?? {
    public: createRateLimiter({ name: 'hub-public', ...limits.publicPerAddress }, { store }),
    all: createRateLimiter({ name: 'hub-all', ...limits.allPerAddress }, { store }),
  };
  // This node's open connections per host; the shared store counts them across nodes.
  const open = new Map<string, { all: number; anonymous: number }>();
  const caps = { all: limits.maxConnectionsPerAddress, anonymous: limits.maxAnonymousConnectionsPerAddress };

  return {
    connections: (address) => open.get(addressGroups(address).host)?.all ?? 0,
    open: async (address, anonymous) => {
      const host = addressGroups(address).host;
      // Reserved before any await, so handshakes arriving together cannot all slip under the cap.
      const counts = open.get(host) ?? { all: 0, anonymous: 0 };
      if (counts.all >= caps.all) return null;
      if (anonymous && counts.anonymous >= caps.anonymous) return null;
      counts.all++;
      if (anonymous) counts.anonymous++;
      open.set(host, counts);
      const unreserve = () => {
        counts.all--;
        if (anonymous) counts.anonymous--;
        if (counts.all <= 0) open.delete(host);
      };
      const admitted =
        !(anonymous && (await store.heldFor(`hub-ban:${host}`)) > 0) &&
        (await store.take(`hub-connects:${host}`, limits.connectsPerAddress, 1)).allowed &&
        (await store.claimConnection(host, anonymous, caps));
      if (!admitted) {
        unreserve();
        return null;
      }

      const own = new TokenBucket(anonymous ? limits.publicPerSocket : limits.staffPerSocket, clock);
      const strikes = new TokenBucket(limits.strikes, clock);
      let released = false;
      let cut = false;
      const refuse = async (): Promise<PacketVerdict> => {
        if (cut) return 'disconnect';
        if (strikes.take()) return 'refuse';
        // Packets already on their way after the cut are refused too, but count as one cut-off.
        cut = true;
        // Only sockets without a token: an office's consoles share one address and must not be banned together.
        if (anonymous && !(await store.take(`hub-cut-offs:${host}`, limits.cutOffsPerAddress, 1)).allowed) {
          await store.hold(`hub-ban:${host}`, limits.banMs);
        }
        return 'disconnect';
      };
      return {
        host,
        anonymous,
        follows: 0,
        admit: async () => {
          if (!own.take()) return refuse();
          if (anonymous && !(await perAddress.public.consume(host)).allowed) return refuse();
          if (!(await perAddress.all.consume(host)).allowed) return refuse();
          return 'allow';
        },
        release: () => {
          if (released) return;
          released = true;
          unreserve();
          store.releaseConnection(host, anonymous);
        },
      };
    },
  };
}
