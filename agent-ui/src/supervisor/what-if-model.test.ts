import { describe, expect, it } from 'vitest';
import { parseShifts, whatIfRequest } from './what-if-model.ts';

describe('parseShifts', () => {
  it('reads nothing as the rostered shifts, a dash as a closed counter, and shifts in the usual ways', () => {
    expect(parseShifts('  ')).toEqual({ kind: 'rostered' });
    expect(parseShifts('-')).toEqual({ kind: 'shifts', shifts: [] });
    expect(parseShifts('Dicht')).toEqual({ kind: 'shifts', shifts: [] });
    expect(parseShifts('9:00-12:00, 13.00 – 16:30')).toEqual({
      kind: 'shifts',
      shifts: [
        ['09:00', '12:00'],
        ['13:00', '16:30'],
      ],
    });
  });

  it('refuses what the server would refuse: a shift that ends before it starts, 24:00, more than six shifts', () => {
    expect(parseShifts('12:00-09:00')).toEqual({ kind: 'invalid' });
    expect(parseShifts('09:00-24:00')).toEqual({ kind: 'invalid' });
    expect(parseShifts('09:00')).toEqual({ kind: 'invalid' });
    expect(parseShifts(Array.from({ length: 7 }, (_, i) => `${10 + i}:00-${10 + i}:30`).join(','))).toEqual({
      kind: 'invalid',
    });
  });
});

describe('whatIfRequest', () => {
  it('sends only the counters with a change, and names the fields that cannot be read', () => {
    const fields = new Map([
      [1, ''],
      [2, '-'],
      [3, '17:00-20:00'],
    ]);
    expect(whatIfRequest('2027-01-07', fields)).toEqual({
      body: {
        date: '2027-01-07',
        counters: [
          { counterId: 2, shifts: [] },
          { counterId: 3, shifts: [['17:00', '20:00']] },
        ],
        replications: 20,
      },
    });
    expect(whatIfRequest('2027-01-07', new Map([...fields, [4, 'avond']]))).toEqual({ invalid: [4] });
  });
});
