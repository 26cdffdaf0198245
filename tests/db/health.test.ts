import * as fs from 'node:fs';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStorageHealth } from '../../db/health.ts';

// Root may write anywhere, so "not writable" is simulated: the checks' `access` calls are counted and can be refused.
const access = vi.hoisted(() => ({ calls: 0, denied: false }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    accessSync: (...args: Parameters<typeof real.accessSync>) => {
      access.calls++;
      if (access.denied) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      return real.accessSync(...args);
    },
  };
});

describe('storage health (db/health.ts)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    access.calls = 0;
    access.denied = false;
  });
  const file = () => {
    const dir = mkdtempSync(join(tmpdir(), 'loket-health-'));
    dirs.push(dir);
    const path = join(dir, 'loket.db');
    writeFileSync(path, 'x');
    return { dir, path };
  };

  it('looks at write access at most once a second, and at the file itself on every call', () => {
    const { dir, path } = file();
    let now = 0;
    const health = createStorageHealth(path, { minFreeBytes: 0, nowMs: () => now });
    expect(health.writeProblem()).toBeNull();
    const first = access.calls;
    expect(first).toBe(2); // the file and its directory
    access.denied = true;
    for (let i = 0; i < 10; i++) {
      now += 99;
      expect(health.writeProblem()).toBeNull(); // the answer of at most a second ago
    }
    expect(access.calls).toBe(first);
    now += 10;
    expect(health.writeProblem()).toBe('the database file is not writable');
    expect(access.calls).toBe(first + 1);
    access.denied = false;
    now += 1_000;
    expect(health.writeProblem()).toBeNull();

    // A file replaced or gone is seen at the very next call, however recent the access check.
    writeFileSync(join(dir, 'other.db'), 'y');
    renameSync(join(dir, 'other.db'), path);
    expect(health.writeProblem()).toBe('the database file was replaced');
    rmSync(path);
    expect(health.writeProblem()).toBe('the database file is gone');
  });

  it('the default clock is performance.now()', () => {
    const { path } = file();
    const health = createStorageHealth(path, { minFreeBytes: 0 });
    expect(health.writeProblem()).toBeNull();
    expect(health.writeProblem()).toBeNull();
    expect(access.calls).toBe(2);
    expect(fs.existsSync(path)).toBe(true);
  });
});
