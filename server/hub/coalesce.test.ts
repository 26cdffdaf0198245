import { describe, expect, it } from 'vitest';
import { coalescing } from './coalesce.ts';

/** A run that resolves when the test says so, recording when it started. */
function controlled() {
  const runs: { key: string; resolve: (v: number) => void; reject: (e: Error) => void }[] = [];
  const run = (key: string) =>
    new Promise<number>((resolve, reject) => {
      runs.push({ key, resolve, reject });
    });
  return { runs, run };
}

describe('coalescing', () => {
  it('runs once for the callers before a run, once more for all who came during it, never three times', async () => {
    const { runs, run } = controlled();
    const get = coalescing(run);
    const first = get('a');
    expect(runs).toHaveLength(1);
    const during = Array.from({ length: 1000 }, () => get('a'));
    expect(runs).toHaveLength(1);
    runs[0]?.resolve(1);
    expect(await first).toBe(1);
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(runs).toHaveLength(2);
    runs[1]?.resolve(2);
    // Those who called during the first run get the second: it started after they called.
    expect(new Set(await Promise.all(during))).toEqual(new Set([2]));
    // Afterwards a caller starts a new run.
    const later = get('a');
    expect(runs).toHaveLength(3);
    runs[2]?.resolve(3);
    expect(await later).toBe(3);
  });

  it('keeps keys apart and survives a failed run', async () => {
    const { runs, run } = controlled();
    const get = coalescing(run);
    const a = get('a');
    const b = get('b');
    expect(runs.map((r) => r.key)).toEqual(['a', 'b']);
    const aAgain = get('a');
    runs[0]?.reject(new Error('database away'));
    await expect(a).rejects.toThrow('database away');
    await new Promise((r) => setTimeout(r, 0));
    runs[2]?.resolve(5);
    expect(await aAgain).toBe(5);
    runs[1]?.resolve(7);
    expect(await b).toBe(7);
  });
});
