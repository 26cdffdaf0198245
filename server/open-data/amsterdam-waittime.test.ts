import { describe, expect, it } from 'vitest';
import { amsterdamWaittime } from './open-data.ts';

describe("Amsterdam feed's waittime", () => {
  it('says geen, a single number of minutes, or meer dan een uur', () => {
    expect(amsterdamWaittime(0, null)).toBe('geen');
    expect(amsterdamWaittime(0, 25)).toBe('geen');
    expect(amsterdamWaittime(3, 0.2)).toBe('geen');
    expect(amsterdamWaittime(3, 1.2)).toBe('1 minuut');
    expect(amsterdamWaittime(3, 12.4)).toBe('12 minuten');
    expect(amsterdamWaittime(3, 59.4)).toBe('59 minuten');
    expect(amsterdamWaittime(3, 60)).toBe('meer dan een uur');
    // People waiting while no counter is open: no estimate, never "geen".
    expect(amsterdamWaittime(2, null)).toBe('meer dan een uur');
  });

  it('starts every minute text with the number, as existing parsers read the first word', () => {
    for (const m of [1, 2, 9, 10, 45, 59]) {
      const first = amsterdamWaittime(5, m).split(' ')[0];
      expect(Number(first)).toBe(m);
    }
  });
});
