/**
 * Slows down password guessing: after `maxFailures` failed sign-ins for one username (or 4× that from
 * one client address) within `windowMs`, further attempts are refused until the window has passed.
 * In memory: a restart forgets, which is acceptable for a single-process install; a successful
 * sign-in clears the username's count.
 */
export interface LoginThrottle {
  /** Seconds to wait, or 0 when an attempt is allowed. */
  retryAfter(username: string, client: string, now: Date): number;
  recordFailure(username: string, client: string, now: Date): void;
  recordSuccess(username: string): void;
}

export function createLoginThrottle(options: { maxFailures?: number; windowMs?: number } = {}): LoginThrottle {
  const maxFailures = options.maxFailures ?? 5;
  const windowMs = options.windowMs ?? 15 * 60_000;
  const failures = new Map<string, number[]>();

  const recent = (key: string, now: number): number[] => {
    const list = (failures.get(key) ?? []).filter((t) => now - t < windowMs);
    if (list.length === 0) failures.delete(key);
    else failures.set(key, list);
    return list;
  };
  const wait = (key: string, limit: number, now: number): number => {
    const list = recent(key, now);
    if (list.length < limit) return 0;
    const oldest = list[list.length - limit] ?? now;
    return Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
  };

  return {
    retryAfter: (username, client, now) => {
      const t = now.getTime();
      return Math.max(wait(`u:${username.toLowerCase()}`, maxFailures, t), wait(`c:${client}`, maxFailures * 4, t));
    },
    recordFailure: (username, client, now) => {
      const t = now.getTime();
      for (const key of [`u:${username.toLowerCase()}`, `c:${client}`]) failures.set(key, [...recent(key, t), t]);
      if (failures.size > 50_000) failures.clear(); // bound memory under a spray of usernames
    },
    recordSuccess: (username) => {
      failures.delete(`u:${username.toLowerCase()}`);
    },
  };
}
