import { accessSync, constants, type Stats, statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Whether a SQLite file can take writes that will survive a restart. SQLite keeps writing to an open
 * file after it was deleted or replaced (the data goes to an inode no one will open again), and a full
 * disk fails only some writes: so we look ourselves. The file's identity (device + inode) is the one
 * opened; it must still be at its path, writable, with free space above `minFreeBytes`.
 */
export interface StorageHealth {
  /** Why writes must be refused now, or null. Cheap: one stat per call, statfs at most once a second. */
  writeProblem(): string | null;
}

export interface StorageHealthOptions {
  /** Below this much free space on the database's file system it counts as full (default 64 MiB). */
  minFreeBytes?: number;
}

export function createStorageHealth(path: string, options: StorageHealthOptions = {}): StorageHealth {
  const minFree = options.minFreeBytes ?? 64 * 1024 * 1024;
  const opened = statSync(path);
  const dir = dirname(path);
  let freeCheckedAt = Number.NEGATIVE_INFINITY;
  let freeProblem: string | null = null;

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
    try {
      accessSync(path, constants.W_OK);
      accessSync(dir, constants.W_OK);
      return null;
    } catch {
      return 'the database file is not writable';
    }
  };
  const space = (): string | null => {
    const now = performance.now();
    if (now - freeCheckedAt < 1_000) return freeProblem;
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
