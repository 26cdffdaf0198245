/** The only source of "now" for domain code, so tests and the simulator can run on virtual time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface ManualClock extends Clock {
  set(at: Date | string): void;
  advance(ms: number): void;
}

/** A clock that stands still until told to move: for tests and the simulator. */
export function manualClock(start: Date | string): ManualClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set: (at) => {
      current = new Date(at).getTime();
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

/**
 * Milliseconds from an arbitrary origin that never go backwards: for rate windows, delays and
 * timeouts, which must not move when the wall clock is stepped. Production: `performance.now()`.
 */
export interface MonotonicClock {
  nowMs(): number;
}

export const monotonicClock: MonotonicClock = { nowMs: () => performance.now() };

/** A monotonic clock that moves only when told: for tests. */
export function manualMonotonicClock(startMs = 0): MonotonicClock & { advance(ms: number): void } {
  let now = startMs;
  return {
    nowMs: () => now,
    advance: (ms) => {
      if (ms < 0) throw new Error('a monotonic clock does not go back');
      now += ms;
    },
  };
}
