import { describe, expect, it } from 'vitest';
import {
  type BookingState,
  blockerOf,
  bookingReducer,
  chosenItems,
  initialState,
  nearestAlternatives,
  pickupFor,
  stepsOf,
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

  it('walks through all six steps to confirm when there is no pickup to book', () => {
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

describe('pickup by appointment', () => {
  const catalogue = [
    { code: 'passport', followUp: { serviceCode: 'pickup', minWorkingDays: 5 } },
    { code: 'id-card', followUp: { serviceCode: 'pickup', minWorkingDays: 3 } },
    { code: 'driving-licence', followUp: { serviceCode: 'pickup', minWorkingDays: 5 } },
    { code: 'moving', followUp: null },
    { code: 'pickup', maxPersons: 3, followUp: null },
  ];

  it('works out the pickup as the server does, only where the office takes it by appointment', () => {
    const items = [
      { code: 'passport', persons: 2 },
      { code: 'id-card', persons: 1 },
      { code: 'moving', persons: 1 },
    ];
    expect(pickupFor(catalogue, items, ['passport', 'pickup'])).toEqual({
      serviceCode: 'pickup',
      persons: 3,
      minWorkingDays: 5,
    });
    // Persons capped at what the pickup takes.
    expect(pickupFor(catalogue, [{ code: 'passport', persons: 5 }], ['pickup'])?.persons).toBe(3);
    // Walk-in pickup (Zijlsingel) or no document to collect: no step.
    expect(pickupFor(catalogue, items, ['passport', 'id-card'])).toBeNull();
    expect(pickupFor(catalogue, [{ code: 'moving', persons: 1 }], ['pickup'])).toBeNull();
  });

  const offered = bookingReducer(
    run(
      initialState,
      { type: 'set-persons', code: 'passport', persons: 1 },
      { type: 'next' },
      { type: 'choose-location', locationId: 'haarlem-schalkwijk' },
    ),
    { type: 'pickup-offered', offered: true },
  );
  const atPickup = run(
    offered,
    { type: 'next' },
    { type: 'choose-day', date: '2026-11-24' },
    { type: 'next' },
    { type: 'choose-time', start: '2026-11-24T11:00:00+01:00' },
    { type: 'next' },
  );

  it('adds the optional pickup step after the time step only when offered', () => {
    expect(stepsOf(initialState)).toEqual(['services', 'location', 'day', 'time', 'details', 'confirm']);
    expect(stepsOf(offered)).toEqual(['services', 'location', 'day', 'time', 'pickup', 'details', 'confirm']);
    expect(complete.step).toBe('confirm');
    expect(bookingReducer(complete, { type: 'goto', step: 'pickup' })).toBe(complete);
    expect(atPickup.step).toBe('pickup');
    expect(bookingReducer(atPickup, { type: 'back' }).step).toBe('time');
  });

  it('may be skipped, but a day without a time is not enough', () => {
    expect(blockerOf(atPickup)).toBeNull();
    expect(bookingReducer(atPickup, { type: 'next' }).step).toBe('details');
    const dayOnly = bookingReducer(atPickup, { type: 'choose-pickup-day', date: '2026-12-01' });
    expect(blockerOf(dayOnly)).toBe('choose-pickup-time');
    expect(bookingReducer(dayOnly, { type: 'next' }).step).toBe('pickup');
    const skipped = bookingReducer(dayOnly, { type: 'skip-pickup' });
    expect(skipped).toMatchObject({ step: 'details', pickupDate: null, pickupStart: null });
    const chosen = run(dayOnly, { type: 'choose-pickup-time', start: '2026-12-01T10:00:00+01:00' }, { type: 'next' });
    expect(chosen).toMatchObject({ step: 'details', pickupStart: '2026-12-01T10:00:00+01:00' });
    expect(bookingReducer(chosen, { type: 'back' }).step).toBe('pickup');
  });

  it('forgets the pickup when the day, office or services change, and goes back to it when its time is taken', () => {
    const chosen = run(
      atPickup,
      { type: 'choose-pickup-day', date: '2026-12-01' },
      { type: 'choose-pickup-time', start: '2026-12-01T10:00:00+01:00' },
      { type: 'next' },
    );
    // Another time on the same day keeps the pickup: its first day counts from the day.
    expect(
      bookingReducer(chosen, { type: 'choose-time', start: '2026-11-24T12:00:00+01:00' }).pickupStart,
    ).not.toBeNull();
    expect(bookingReducer(chosen, { type: 'choose-day', date: '2026-11-25' })).toMatchObject({ pickupDate: null });
    expect(bookingReducer(chosen, { type: 'set-persons', code: 'id-card', persons: 1 })).toMatchObject({
      pickupStart: null,
    });
    const walkIn = bookingReducer(chosen, { type: 'pickup-offered', offered: false });
    expect(walkIn).toMatchObject({ pickupOffered: false, pickupStart: null, step: 'details' });
    const taken = bookingReducer(chosen, { type: 'pickup-taken' });
    expect(taken).toMatchObject({ step: 'pickup', pickupDate: '2026-12-01', pickupStart: null });
  });
});
