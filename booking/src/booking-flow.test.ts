import { describe, expect, it } from 'vitest';
import {
  type BookingState,
  blockerOf,
  bookingReducer,
  chosenItems,
  initialState,
  nearestAlternatives,
  validateCustomer,
} from './booking-flow.ts';

const run = (state: BookingState, ...actions: Parameters<typeof bookingReducer>[1][]) =>
  actions.reduce(bookingReducer, state);

const complete = run(
  initialState,
  { type: 'set-persons', code: 'passport', persons: 2 },
  { type: 'next' },
  { type: 'choose-location', locationId: 'haarlem-zijlsingel' },
  { type: 'next' },
  { type: 'choose-day', date: '2026-11-24' },
  { type: 'next' },
  { type: 'choose-time', start: '2026-11-24T11:00:00+01:00' },
  { type: 'next' },
  { type: 'set-customer', customer: { name: 'Jan Jansen', email: 'jan@example.nl' } },
  { type: 'next' },
);

describe('booking steps', () => {
  it('does not leave a step that is not complete', () => {
    expect(blockerOf(initialState)).toBe('choose-service');
    expect(run(initialState, { type: 'next' }).step).toBe('services');
    const atLocation = run(initialState, { type: 'set-persons', code: 'pickup', persons: 1 }, { type: 'next' });
    expect(atLocation.step).toBe('location');
    expect(run(atLocation, { type: 'next' }).step).toBe('location');
  });

  it('walks through all six steps to confirm', () => {
    expect(complete.step).toBe('confirm');
    expect(chosenItems(complete)).toEqual([{ code: 'passport', persons: 2 }]);
  });

  it('changing services or office forgets the day and time that may no longer fit', () => {
    const more = bookingReducer(complete, { type: 'set-persons', code: 'driving-licence', persons: 1 });
    expect(more.date).toBeNull();
    expect(more.start).toBeNull();
    const office = bookingReducer(complete, { type: 'choose-location', locationId: 'haarlem-schalkwijk' });
    expect(office).toMatchObject({ date: null, start: null });
    expect(bookingReducer(complete, { type: 'choose-location', locationId: 'haarlem-zijlsingel' })).toBe(complete);
    expect(bookingReducer(complete, { type: 'choose-day', date: '2026-11-25' }).start).toBeNull();
  });

  it('jumps back to any step, but not past an incomplete one', () => {
    expect(bookingReducer(complete, { type: 'goto', step: 'day' }).step).toBe('day');
    const noTime = bookingReducer(bookingReducer(complete, { type: 'choose-day', date: '2026-11-26' }), {
      type: 'goto',
      step: 'details',
    });
    expect(noTime.step).toBe('confirm');
    expect(bookingReducer(noTime, { type: 'goto', step: 'time' }).step).toBe('time');
  });

  it('a taken slot goes back to the time step with the nearest free times', () => {
    const taken = bookingReducer(complete, {
      type: 'slot-taken',
      available: [
        '2026-11-24T09:00:00+01:00',
        '2026-11-24T10:50:00+01:00',
        '2026-11-24T11:05:00+01:00',
        '2026-11-24T11:30:00+01:00',
        '2026-11-24T15:00:00+01:00',
      ],
    });
    expect(taken.step).toBe('time');
    expect(taken.start).toBeNull();
    expect(taken.alternatives).toEqual([
      '2026-11-24T10:50:00+01:00',
      '2026-11-24T11:05:00+01:00',
      '2026-11-24T11:30:00+01:00',
    ]);
    expect(taken.customer.email).toBe('jan@example.nl');
  });

  it('nearest alternatives skip the taken time and prefer the earlier one on a tie', () => {
    const t = (hm: string) => `2026-11-24T${hm}:00+01:00`;
    expect(nearestAlternatives([t('10:00'), t('11:00'), t('12:00')], t('11:00'), 1)).toEqual([t('10:00')]);
    expect(nearestAlternatives([], t('11:00'))).toEqual([]);
  });

  it('checks the details the API needs', () => {
    expect(validateCustomer({ name: '', email: '', phone: '' })).toEqual({ name: 'required', email: 'required' });
    expect(validateCustomer({ name: 'Jo', email: 'jo@x', phone: 'abc' })).toEqual({
      email: 'invalid',
      phone: 'invalid',
    });
    expect(validateCustomer({ name: 'Jo', email: 'jo@example.nl', phone: '+31 6 1234 5678' })).toEqual({});
  });
});
