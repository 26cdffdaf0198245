import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { causeLog, createLogger } from './logger.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('warn', (line) => lines.push(JSON.parse(line)));
  return { lines, log };
}

describe('causeLog (warnings rate-limited per cause)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('logs a cause once per window and then how many it left out; another cause has its own window', () => {
    const { lines, log } = capture();
    const warn = causeLog(log, 5_000);
    for (let i = 0; i < 40; i++) warn('request answered 503 unavailable', 'Storage cannot be reached: 53300');
    warn('request answered 503 unavailable', 'Storage cannot take writes: SQLITE_FULL');
    expect(lines.map(({ level, msg, cause }) => ({ level, msg, cause }))).toEqual([
      { level: 'warn', msg: 'request answered 503 unavailable', cause: 'Storage cannot be reached: 53300' },
      { level: 'warn', msg: 'request answered 503 unavailable', cause: 'Storage cannot take writes: SQLITE_FULL' },
    ]);

    // The window ends: one line counts the 39 left out of it (the other cause had none: nothing for it).
    vi.advanceTimersByTime(5_000);
    expect(lines.slice(2)).toEqual([
      expect.objectContaining({ cause: 'Storage cannot be reached: 53300', suppressed: 39, windowMs: 5_000 }),
    ]);

    // Still failing in the next window: again at most one line, at its end.
    for (let i = 0; i < 3; i++) warn('request answered 503 unavailable', 'Storage cannot be reached: 53300');
    expect(lines).toHaveLength(3);
    vi.advanceTimersByTime(5_000);
    expect(lines.slice(3)).toEqual([expect.objectContaining({ suppressed: 3 })]);

    // A quiet window ends the record: the next failure is logged at once, without a count.
    vi.advanceTimersByTime(5_000);
    expect(lines).toHaveLength(4);
    warn('request answered 503 unavailable', 'Storage cannot be reached: 53300');
    expect(lines).toHaveLength(5);
    expect(lines[4]).not.toHaveProperty('suppressed');
  });

  it('keeps the fields of the first line and of the last one counted, and bounds the causes it tracks', () => {
    const { lines, log } = capture();
    const warn = causeLog(log, 1_000);
    warn('m', 'c', { route: '/a' });
    warn('m', 'c', { route: '/b' });
    vi.advanceTimersByTime(1_000);
    expect(lines).toEqual([
      expect.objectContaining({ cause: 'c', route: '/a' }),
      expect.objectContaining({ cause: 'c', route: '/b', suppressed: 1 }),
    ]);

    for (let i = 0; i < 150; i++) warn('m', `cause ${i}`);
    // 'c' still counts as one of the 100 tracked: 99 new causes logged, the other 51 under one line.
    const logged = lines.slice(2);
    expect(logged).toHaveLength(100);
    expect(logged.at(-1)).toMatchObject({ cause: 'other causes' });
  });
});
