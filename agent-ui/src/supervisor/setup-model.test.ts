import { describe, expect, it } from 'vitest';
import { weekdaysOf, weeklyRule } from './setup-model.ts';

describe('weekly rules', () => {
  it('round-trips weekdays and leaves other rules alone', () => {
    expect(weeklyRule(['FR', 'MO', 'WE'])).toBe('FREQ=WEEKLY;BYDAY=MO,WE,FR');
    expect(weekdaysOf('FREQ=WEEKLY;BYDAY=MO,TU,WE,FR')).toEqual(['MO', 'TU', 'WE', 'FR']);
    expect(weekdaysOf('FREQ=MONTHLY;BYMONTHDAY=1')).toBeNull();
    expect(weekdaysOf('FREQ=WEEKLY;BYDAY=MO;INTERVAL=2')).toBeNull();
    expect(weekdaysOf(null)).toBeNull();
  });
});
