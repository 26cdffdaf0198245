import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { candidateStarts, localDateOf, planDays, toZonedIso, wallToInstant } from './calendar.ts';

const zone = 'Europe/Amsterdam';
const wall = (ms: number) => DateTime.fromMillis(ms, { zone }).toFormat('HH:mm');

function nightPlan(date: string) {
  const plans = planDays(
    {
      timeZone: zone,
      scheduleRules: [
        {
          kind: 'opening',
          rrule: 'FREQ=DAILY',
          startsOn: '2026-01-01',
          endsOn: null,
          opensAt: '00:00',
          closesAt: '06:00',
        },
        {
          kind: 'appointments',
          rrule: 'FREQ=DAILY',
          startsOn: '2026-01-01',
          endsOn: null,
          opensAt: '00:00',
          closesAt: '06:00',
        },
      ],
      rosterRules: [
        {
          counterId: 1,
          rrule: 'FREQ=DAILY',
          startsOn: '2026-01-01',
          endsOn: null,
          startsAt: '00:00',
          endsAt: '06:00',
          mode: 'appointments',
        },
      ],
      closed: new Set(),
    },
    date,
    date,
    [date],
  );
  const plan = plans.get(date);
  if (!plan) throw new Error('no plan');
  return plan;
}

describe('DST', () => {
  it('2026-03-29: the night is 5 hours long and offers no slot in the missing hour', () => {
    const plan = nightPlan('2026-03-29');
    const windows = plan.counterWindows.get(1) ?? [];
    expect(windows).toHaveLength(1);
    expect((windows[0]?.end ?? 0) - (windows[0]?.start ?? 0)).toBe(5 * 3600_000);
    const starts = candidateStarts('2026-03-29', zone, 15, windows, 15 * 60_000);
    const walls = starts.map(wall);
    expect(walls.filter((w) => w.startsWith('02:'))).toEqual([]);
    expect(walls).toContain('01:45');
    expect(walls).toContain('03:00');
    expect(starts).toHaveLength(4 * 5);
    expect(toZonedIso(starts[starts.indexOf(starts.find((s) => wall(s) === '03:00') ?? 0)] ?? 0, zone)).toBe(
      '2026-03-29T03:00:00+02:00',
    );
  });

  it('2026-10-25: the night is 7 hours long and no wall-clock slot is offered twice', () => {
    const plan = nightPlan('2026-10-25');
    const windows = plan.counterWindows.get(1) ?? [];
    expect((windows[0]?.end ?? 0) - (windows[0]?.start ?? 0)).toBe(7 * 3600_000);
    const starts = candidateStarts('2026-10-25', zone, 15, windows, 15 * 60_000);
    const walls = starts.map(wall);
    expect(new Set(walls).size).toBe(walls.length);
    expect(walls.filter((w) => w.startsWith('02:'))).toHaveLength(4);
    expect(starts).toHaveLength(24);
    // Starts strictly increase, so no two slots share an instant either.
    for (let k = 1; k < starts.length; k++) expect(starts[k]).toBeGreaterThan(starts[k - 1] ?? 0);
  });

  it('converts wall times with the right offset on both sides of the change', () => {
    expect(new Date(wallToInstant('2026-03-28', '11:00', zone)).toISOString()).toBe('2026-03-28T10:00:00.000Z');
    expect(new Date(wallToInstant('2026-03-30', '11:00', zone)).toISOString()).toBe('2026-03-30T09:00:00.000Z');
    expect(new Date(wallToInstant('2026-10-26', '11:00', zone)).toISOString()).toBe('2026-10-26T10:00:00.000Z');
  });
});

describe('planDays', () => {
  it('keeps counters inside appointment hours and closed days empty', () => {
    const plans = planDays(
      {
        timeZone: zone,
        scheduleRules: [
          {
            kind: 'opening',
            rrule: 'FREQ=WEEKLY;BYDAY=MO,TU',
            startsOn: '2026-01-01',
            endsOn: null,
            opensAt: '09:00',
            closesAt: '16:00',
          },
          {
            kind: 'appointments',
            rrule: 'FREQ=WEEKLY;BYDAY=MO,TU',
            startsOn: '2026-01-01',
            endsOn: null,
            opensAt: '11:00',
            closesAt: '16:00',
          },
        ],
        rosterRules: [
          {
            counterId: 7,
            rrule: 'FREQ=WEEKLY;BYDAY=MO,TU',
            startsOn: '2026-01-01',
            endsOn: null,
            startsAt: '09:00',
            endsAt: '13:00',
            mode: 'both',
          },
          {
            counterId: 8,
            rrule: 'FREQ=WEEKLY;BYDAY=MO',
            startsOn: '2026-01-01',
            endsOn: null,
            startsAt: '09:00',
            endsAt: '11:00',
            mode: 'walk-in',
          },
        ],
        closed: new Set(['2026-11-24']),
      },
      '2026-11-23',
      '2026-11-25',
      ['2026-11-23', '2026-11-24', '2026-11-25'],
    );
    const monday = plans.get('2026-11-23');
    expect(monday?.counterWindows.get(7)?.map((w) => [wall(w.start), wall(w.end), w.mode])).toEqual([
      ['11:00', '13:00', 'both'],
    ]);
    expect(monday?.counterWindows.has(8)).toBe(false);
    expect(plans.get('2026-11-24')?.counterWindows.size).toBe(0);
    expect(plans.get('2026-11-25')?.appointmentHours).toEqual([]);
  });
});

describe('toZonedIso', () => {
  const zones = [
    'Europe/Amsterdam',
    'Europe/London',
    'America/New_York',
    'America/St_Johns',
    'Asia/Kolkata',
    'Asia/Kathmandu',
    'Australia/Lord_Howe',
    'Pacific/Chatham',
    'Etc/GMT+5',
    'Etc/UTC',
    'UTC',
    'GMT',
    'utc',
    'UTC+3',
    'Europe/amsterdam',
    'Not/AZone',
  ];
  const luxon = (ms: number, zone: string) =>
    DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) ?? new Date(ms).toISOString();

  it('writes what luxon writes, for any instant in any zone (DST changes, odd offsets, milliseconds, fixed zones)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1969, 11, 25), max: Date.UTC(2100, 0, 1) }),
        fc.constantFrom(...zones),
        (ms, zone) => {
          expect(toZonedIso(ms, zone)).toBe(luxon(ms, zone));
          expect(toZonedIso(new Date(ms), zone)).toBe(luxon(ms, zone));
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('writes what luxon writes around the Amsterdam DST changes, minute by minute', () => {
    for (const at of [Date.UTC(2026, 2, 29, 0, 0), Date.UTC(2026, 9, 25, 0, 0)])
      for (let m = 0; m < 4 * 60; m++) {
        const ms = at + m * 60_000;
        expect(toZonedIso(ms, zone)).toBe(luxon(ms, zone));
      }
    expect(toZonedIso(Date.UTC(2026, 2, 29, 1, 0), zone)).toBe('2026-03-29T03:00:00+02:00');
    expect(toZonedIso(Date.UTC(2026, 9, 25, 0, 59, 59, 5), zone)).toBe('2026-10-25T02:59:59.005+02:00');
    expect(toZonedIso(Date.UTC(2026, 9, 25, 1, 0), zone)).toBe('2026-10-25T02:00:00+01:00');
  });

  it('gives the local dates luxon gives', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(-100, 0, 1), max: Date.UTC(12000, 0, 1) }),
        fc.constantFrom(...zones.filter((z) => z !== 'Not/AZone')),
        (ms, zone) => {
          expect(localDateOf(ms, zone)).toBe(DateTime.fromMillis(ms, { zone }).toISODate());
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it('answers a known instant from memory for its own zone only, also after the memory starts anew', () => {
    // Each instant asked in every zone, twice over (the second round from memory), and more instants than the
    // memory keeps (50,000), so some are asked again after it was emptied.
    const instants = Array.from({ length: 4_000 }, (_, k) => Date.UTC(2026, 2, 28, 22) + k * 97_501);
    for (let round = 0; round < 2; round++)
      for (const z of zones)
        for (const ms of instants.slice(0, round === 0 ? instants.length : 300))
          expect(toZonedIso(ms, z)).toBe(luxon(ms, z));
    const at = Date.UTC(2026, 6, 1, 10);
    expect([toZonedIso(at, 'Europe/Amsterdam'), toZonedIso(at, 'America/New_York')]).toEqual([
      '2026-07-01T12:00:00+02:00',
      '2026-07-01T06:00:00-04:00',
    ]);
  });

  it('leaves years outside 1973–9999 to luxon', () => {
    for (const ms of [Date.UTC(1900, 0, 1), Date.UTC(12000, 0, 1), Date.UTC(-5, 0, 1)])
      expect(toZonedIso(ms, zone)).toBe(luxon(ms, zone));
  });
});
