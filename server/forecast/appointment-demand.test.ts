import { describe, expect, it } from 'vitest';
import {
  type BookingRecord,
  bookingCurve,
  censoredDays,
  dailyFinalBookings,
  forecastAppointmentDemand,
  noShowShare,
  stoppedEarly,
  withoutRebookings,
} from './appointment-demand.ts';
import { addDaysIso, isWeekend, weekdayOfDate } from './demand.ts';

const never = () => false;

/** Every open day gets `perDay` bookings: half booked 2 days ahead, half 20 days ahead. */
function history(from: string, to: string, perDay: number, noShowEvery = 0): BookingRecord[] {
  const out: BookingRecord[] = [];
  let n = 0;
  for (let d = from; d <= to; d = addDaysIso(d, 1)) {
    if (isWeekend(d)) continue;
    for (let i = 0; i < perDay; i++) {
      n++;
      out.push({
        serviceDate: d,
        bookedOn: addDaysIso(d, i % 2 === 0 ? -2 : -20),
        status: noShowEvery > 0 && n % noShowEvery === 0 ? 'no-show' : 'served',
      });
    }
  }
  return out;
}

describe('bookingCurve', () => {
  it('is the share of final bookings made more than h days ahead', () => {
    const curve = bookingCurve(history('2026-01-05', '2026-03-27', 10), '2026-03-30', { isClosed: never, maxLead: 30 });
    expect(curve[0]).toBeCloseTo(1);
    expect(curve[1]).toBeCloseTo(1);
    expect(curve[2]).toBeCloseTo(0.5); // the 2-day bookings are not yet there at an origin 2 days ahead
    expect(curve[19]).toBeCloseTo(0.5);
    expect(curve[20]).toBeCloseTo(0);
  });

  it('ignores cancelled bookings and days after the origin', () => {
    const recs: BookingRecord[] = [
      { serviceDate: '2026-03-02', bookedOn: '2026-02-20', status: 'served' },
      { serviceDate: '2026-03-02', bookedOn: '2026-03-01', status: 'cancelled' },
      { serviceDate: '2026-04-02', bookedOn: '2026-03-01', status: 'booked' },
    ];
    const curve = bookingCurve(recs, '2026-03-10', { isClosed: never, maxLead: 20 });
    expect(curve[5]).toBeCloseTo(1);
  });
});

describe('noShowShare', () => {
  it('shrinks the observed share toward the prior', () => {
    const recs = history('2026-01-05', '2026-03-27', 10, 5); // every fifth a no-show: 20 %
    const share = noShowShare(recs, '2026-03-30', { prior: { share: 0.1, weight: 50 } });
    expect(share).toBeGreaterThan(0.19);
    expect(share).toBeLessThan(0.2);
    expect(noShowShare([], '2026-03-30')).toBeCloseTo(0.1);
  });
});

describe('dailyFinalBookings', () => {
  it('counts open days without bookings as zeros and skips closed days', () => {
    const recs: BookingRecord[] = [{ serviceDate: '2026-03-02', bookedOn: '2026-02-20', status: 'served' }];
    const closed = (d: string) => d === '2026-03-04';
    expect(dailyFinalBookings(recs, '2026-03-06', closed)).toEqual([
      { date: '2026-03-02', hour: 0, count: 1 },
      { date: '2026-03-03', hour: 0, count: 0 },
      { date: '2026-03-05', hour: 0, count: 0 },
    ]);
  });
});

describe('forecastAppointmentDemand', () => {
  const origin = '2026-06-01';
  const full = history('2025-06-02', addDaysIso(origin, 90), 20);
  // What exists at the origin: bookings made before it.
  const known = full
    .filter((r) => r.bookedOn < origin)
    .map((r): BookingRecord => (r.serviceDate >= origin ? { ...r, status: 'booked' } : r));

  it('forecasts the final bookings, not the book: far days are not empty', () => {
    const f = forecastAppointmentDemand(known, origin, addDaysIso(origin, 60), { isClosed: never });
    const far = f.days.find((d) => d.date === '2026-07-30');
    expect(far?.booked).toBe(0);
    expect(far?.expectedBookings).toBeGreaterThan(17);
    expect(far?.expectedBookings).toBeLessThan(23);
  });

  it('adds the expected late bookings to the book close to the day', () => {
    const f = forecastAppointmentDemand(known, origin, addDaysIso(origin, 30), { isClosed: never });
    const soon = f.days.find((d) => d.date === '2026-06-05'); // 4 days ahead: the 20-day half is booked
    expect(soon?.booked).toBe(10);
    expect(soon?.curveShare).toBeCloseTo(0.5);
    expect(soon?.expectedBookings).toBeGreaterThan(18);
    expect(soon?.expectedBookings).toBeLessThan(22);
  });

  it('follows an unusually full book on a near day', () => {
    const extra: BookingRecord[] = Array.from({ length: 20 }, () => ({
      serviceDate: '2026-06-05',
      bookedOn: '2026-05-10',
      status: 'booked' as const,
    }));
    const f = forecastAppointmentDemand([...known, ...extra], origin, addDaysIso(origin, 30), { isClosed: never });
    expect(f.days.find((d) => d.date === '2026-06-05')?.expectedBookings).toBeGreaterThan(38);
  });

  it('has no demand on closed days beyond what is booked, and turns bookings into visits', () => {
    const closed = (d: string) => d === '2026-06-10';
    const f = forecastAppointmentDemand(known, origin, addDaysIso(origin, 20), { isClosed: closed });
    const day = f.days.find((d) => d.date === '2026-06-10');
    expect(day?.closed).toBe(true);
    expect(day?.expectedBookings).toBe(day?.booked);
    const open = f.days.find((d) => d.date === '2026-06-11');
    expect(open?.expectedVisits).toBeCloseTo((open?.expectedBookings ?? 0) * (1 - f.noShowRate));
  });

  it('brings a coming renewal wave into the forecast', () => {
    // Bookings have followed the renewals (10 per renewal unit); from July three units are due.
    const renewal = (d: string) => (d >= '2026-07-01' ? 3 : Number(d.slice(5, 7)) % 2 === 0 ? 2 : 1);
    const recs: BookingRecord[] = [];
    for (let d = '2025-06-02'; d < origin; d = addDaysIso(d, 1)) {
      if (isWeekend(d)) continue;
      for (let i = 0; i < 10 * renewal(d); i++)
        recs.push({ serviceDate: d, bookedOn: addDaysIso(d, -5), status: 'served' });
    }
    const f = forecastAppointmentDemand(recs, origin, addDaysIso(origin, 70), { isClosed: never, renewal });
    const july = f.days.filter((d) => d.date >= '2026-07-06' && d.date <= '2026-07-31');
    const mean = july.reduce((a, d) => a + d.expectedBookings, 0) / july.length;
    expect(mean).toBeGreaterThan(25);
    expect(mean).toBeLessThan(35);
  });
});

describe('censored days', () => {
  /** 40 requests a day, half 2 days ahead and half 20 days ahead; a day offering `cap` turns the rest away. */
  function capped(from: string, to: string, cap: (d: string) => number): BookingRecord[] {
    return history(from, to, 40).filter((r, i, all) => {
      const sameDay = all.filter((x) => x.serviceDate === r.serviceDate);
      // Bookings are taken in the order made: the 20-day ones first.
      const rank =
        sameDay.filter((x) => x.bookedOn < r.bookedOn).length +
        sameDay.slice(0, sameDay.indexOf(r)).filter((x) => x.bookedOn === r.bookedOn).length;
      return rank < cap(r.serviceDate) && i >= 0;
    });
  }

  it('estimates a full day from the bookings made before it filled', () => {
    const fullDay = '2026-03-18';
    const cap = (d: string) => (d === fullDay ? 20 : 100);
    const recs = capped('2026-01-05', '2026-03-27', cap);
    expect(recs.filter((r) => r.serviceDate === fullDay)).toHaveLength(20);
    const curve = bookingCurve(recs, '2026-03-30', { isClosed: never, exclude: new Set([fullDay]) });
    const full = censoredDays(recs, '2026-03-30', cap, curve);
    expect([...full.keys()]).toEqual([fullDay]);
    const day = full.get(fullDay);
    expect(day?.fullLead).toBe(20);
    // Half the bookings are made 20 days ahead: the 20 seen then stand for 40.
    expect(day?.demand).toBeCloseTo(40);
    // Without a recorded capacity the full day is found by its bookings: none after 20 days ahead, where
    // half of a day's bookings usually come. The days that did not fill are left alone.
    const unknown = censoredDays(recs, '2026-03-30', () => undefined, curve);
    expect([...unknown.keys()]).toEqual([fullDay]);
    expect(unknown.get(fullDay)).toMatchObject({ capacity: 20, reconstructed: true, fullLead: 20 });
    expect(unknown.get(fullDay)?.demand).toBeCloseTo(40);
  });

  it('takes a day without a recorded capacity as full only when its bookings stopped far too early', () => {
    // Half of a day's bookings come within 2 days (c[1] = 0.5 … c[19] = 0.5, then less).
    const curve = Array.from({ length: 40 }, (_, h) => (h < 2 ? 0.5 + 0.25 * (1 - h) : h < 20 ? 0.5 : 0.2));
    // 20 bookings, none in the last 20 days: about 20 more were due.
    expect(stoppedEarly(new Array(20).fill(20), curve)).toBe(true);
    // A quiet day of 3 bookings that stopped 2 days ahead: 3 more were due — that happens by chance.
    expect(stoppedEarly([2, 5, 9], curve)).toBe(false);
    // Booked up to the day itself: nothing was cut off.
    expect(stoppedEarly([0, 2, 20, 20], curve)).toBe(false);
    expect(stoppedEarly([], curve)).toBe(false);
  });

  it('lets the forecast see the demand the full days hid', () => {
    // Monday to Wednesday offer 30 and fill up on the last two days; Thursday and Friday offer plenty.
    const cap = (d: string) => (isWeekend(d) ? undefined : weekdayOfDate(d) <= 3 ? 30 : 100);
    const recs = capped('2025-09-01', '2026-03-27', (d) => cap(d) ?? 0);
    const plain = forecastAppointmentDemand(recs, '2026-03-30', '2026-05-29', { isClosed: never });
    const censored = forecastAppointmentDemand(recs, '2026-03-30', '2026-05-29', { isClosed: never, capacity: cap });
    const far = (f: typeof plain) =>
      f.days.filter((d) => d.date >= '2026-05-01' && weekdayOfDate(d.date) <= 3).map((d) => d.expectedBookings);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(far(plain))).toBeLessThan(31);
    expect(mean(far(censored))).toBeGreaterThan(36);
    expect(mean(far(censored))).toBeLessThan(44);
    expect(censored.censored.length).toBeGreaterThan(60);
    expect(plain.censored).toHaveLength(0);
  });

  it('finds the full days from before the capacity was recorded by their bookings', () => {
    // 40 requests a day booked 0–29 days ahead (0–9 twice as often); Monday to Wednesday offer 30 and
    // turn away the last 10 requests, so their bookings stop 5 days ahead.
    const cap = (d: string) => (isWeekend(d) ? undefined : weekdayOfDate(d) <= 3 ? 30 : 100);
    const recs: BookingRecord[] = [];
    for (let d = '2025-09-01'; d <= '2026-03-27'; d = addDaysIso(d, 1)) {
      if (isWeekend(d)) continue;
      const leads = Array.from({ length: 40 }, (_, i) => i % 30).sort((x, y) => y - x);
      for (const lead of leads.slice(0, cap(d) ?? 0))
        recs.push({ serviceDate: d, bookedOn: addDaysIso(d, -lead), status: 'served' });
    }
    const options = { isClosed: never };
    const recorded = forecastAppointmentDemand(recs, '2026-03-30', '2026-05-29', { ...options, capacity: cap });
    // The capacity recorded only since February: the days before are judged by when their bookings stopped.
    const late = forecastAppointmentDemand(recs, '2026-03-30', '2026-05-29', {
      ...options,
      capacity: (d) => (d >= '2026-02-02' ? cap(d) : undefined),
    });
    const plain = forecastAppointmentDemand(recs, '2026-03-30', '2026-05-29', options);
    const early = (f: typeof late) => f.censored.filter((c) => c.date < '2026-02-02');
    expect(early(recorded).length).toBeGreaterThan(40);
    expect(early(late).map((c) => c.date)).toEqual(early(recorded).map((c) => c.date));
    expect(early(late).every((c) => c.reconstructed === true)).toBe(true);
    // Thursdays and Fridays did not fill and are not taken as full.
    expect(late.censored.every((c) => weekdayOfDate(c.date) <= 3)).toBe(true);
    const far = (f: typeof late) =>
      f.days.filter((d) => d.date >= '2026-05-01' && weekdayOfDate(d.date) <= 3).map((d) => d.expectedBookings);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(far(plain))).toBeLessThan(31);
    expect(Math.abs(mean(far(late)) - mean(far(recorded)))).toBeLessThan(1);
    expect(mean(far(late))).toBeGreaterThan(36);
  });
});

describe('withoutRebookings', () => {
  // Half of a day's bookings are made more than 15 days ahead, the rest in the last 3 days.
  const curve = Array.from({ length: 30 }, (_, h) => (h < 3 ? 0.5 + (3 - h) / 6 : h <= 15 ? 0.5 : 0));
  const full = {
    date: '2026-03-16',
    capacity: 20,
    booked: 20,
    fullLead: 10,
    demand: 40,
  };
  const at = (serviceDate: string, lead: number): BookingRecord => ({
    serviceDate,
    bookedOn: addDaysIso(serviceDate, -lead),
    status: 'served',
  });
  const history = ['2026-03-16', '2026-03-17', '2026-03-18'].map((date) => ({ date, hour: 0, count: 0 }));

  it("takes off the next days' late bookings beyond their own and its noise, up to what the full day turned away", () => {
    // Tuesday: 10 booked before Monday filled (6 March), then 25 — its own would have been 10 more.
    const records = [
      ...Array.from({ length: 10 }, () => at('2026-03-17', 20)),
      ...Array.from({ length: 25 }, () => at('2026-03-17', 3)),
      // Wednesday: 10 and 12, its own rate.
      ...Array.from({ length: 10 }, () => at('2026-03-18', 20)),
      ...Array.from({ length: 12 }, () => at('2026-03-18', 3)),
    ];
    const counted = history.map((h) => ({ ...h, count: records.filter((r) => r.serviceDate === h.date).length }));
    const out = withoutRebookings(counted, records, new Map([[full.date, full]]), curve);
    // 25 late − 10 own − 2·√11 noise ≈ 8.4 come off; Wednesday's 12 late are its own.
    expect(out.find((h) => h.date === '2026-03-17')?.count).toBeCloseTo(35 - (25 - 10 - 2 * Math.sqrt(11)));
    expect(out.find((h) => h.date === '2026-03-18')?.count).toBe(22);
    // Never more than the full day turned away (40 wanted it, 20 booked it).
    const many = [...records, ...Array.from({ length: 30 }, () => at('2026-03-17', 3))];
    const manyCounted = counted.map((h) => (h.date === '2026-03-17' ? { ...h, count: 65 } : h));
    expect(
      withoutRebookings(manyCounted, many, new Map([[full.date, full]]), curve).find((h) => h.date === '2026-03-17')
        ?.count,
    ).toBe(45);
    expect(withoutRebookings(counted, records, new Map(), curve)).toEqual(counted);
  });
});
