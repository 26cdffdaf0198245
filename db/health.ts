import { accessSync, constants, type Stats, statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Whether a SQLite file can take writes that will survive a restart. SQLite keeps writing to an open
 * file after it was deleted or replaced (the data goes to an inode no one will open again), and a full
 * disk fails only some writes: so we look ourselves. The file's identity (device + inode) is the one
 * opened; it must still be at its path, writable, with free space above `minFreeBytes`.
 */
export interface StorageHealth {
  /**
   * Why writes must be refused now, or null. Cheap: one stat per call (the identity), the write access and statfs at
   * most once a second.
   */
  writeProblem(): string | null;
}

export interface StorageHealthOptions {
  /** Below this much free space on the database's file system it counts as full (default 64 MiB). */
  minFreeBytes?: number;
  /** Milliseconds for the once-a-second checks (default `performance.now()`); tests pass their own. */
  nowMs?: () => number;
}

/**
 * How long a write-access or free-space answer is kept. The identity is looked at on every call: a write into a
 * deleted or replaced file is acknowledged and lost, so it must not wait. Write access may: SQLite writes through the
 * descriptor it opened read-write, which a `chmod` does not take away (the write survives; only a restart could not
 * open the file for writing), and a read-only remount fails the write itself (SQLITE_READONLY/IOERR → 503). Until
 * 2026-12-07 the two `access` calls ran on every write too: the three syscalls were ~2 % of a node's main thread in
 * the call-next bench (perf; a V8 CPU profile, 2026-12-07: 15 of 727 samples, 11 of them the `stat`, 3 `access` —
 * far more than the ~1.7 µs the three take in a tight loop). The `stat` stays.
 */
const RECHECK_MS = 1_000;

export function createStorageHealth(path: string, options: StorageHealthOptions = {}): StorageHealth {
  const minFree = options.minFreeBytes ?? 64 * 1024 * 1024;
  const nowMs = options.nowMs ?? (() => performance.now());
  const opened = statSync(path);
  const dir = dirname(path);
  let freeCheckedAt = Number.NEGATIVE_INFINITY;
  let freeProblem: string | null = null;
  let accessCheckedAt = Number.NEGATIVE_INFINITY;
  let accessProblem: string | null = null;

  const identity = (): string | null => {
    let now: Stats;
    try {
      now = statSync(path);
    } catch {
      return 'the database file is gone';
    }
    if (now.ino !== opened.ino || now.dev !== opened.dev) return 'the database file was replaced';
    return null;
  };
  const writable = (): string | null => {
    const now = nowMs();
    if (now - accessCheckedAt < RECHECK_MS) return accessProblem;
    accessCheckedAt = now;
    try {
      accessSync(path, constants.W_OK);
      accessSync(dir, constants.W_OK);
      accessProblem = null;
    } catch {
      accessProblem = 'the database file is not writable';
    }
    return accessProblem;
  };
  const space = (): string | null => {
    const now = nowMs();
    if (now - freeCheckedAt < RECHECK_MS) return freeProblem;
    freeCheckedAt = now;
    try {
      const fs = statfsSync(dir);
      freeProblem = fs.bavail * fs.bsize < minFree ? 'the disk is full' : null;
    } catch {
      freeProblem = 'the disk cannot be read';
    }
    return freeProblem;
  };
  return { writeProblem: () => identity() ?? writable() ?? space() };
}
