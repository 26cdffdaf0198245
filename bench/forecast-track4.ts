/**
 * Track 4: appointment demand. Simulated booking histories for one service at one office (2021–mid 2027):
 * each open day D draws Poisson(λ(D)) bookings — weekday, season, Dutch holidays closed, and in the wave
 * scenarios the renewal wave of a simulated registry with its own (true) renewal timing — and every booking
 * gets a lead time (a few same-week bookings, the rest geometric; in the lead-shift scenario residents book
 * further ahead when it is busy, as they do in a peak). 8 % no-shows. Rolling weekly origins over 2026:
 * at each origin a method sees only bookings made before it; it forecasts the final bookings of every day
 * 1–26 weeks ahead. MASE (per horizon week) against the in-sample one-week seasonal naive of daily final
 * bookings over the 52 weeks before the origin. Methods: ours (`server/forecast/appointment-demand.ts`),
 * seasonal naive, 4-week seasonal moving average, the book as it stands (what the planner used before),
 * and the oracle that knows λ and the lead-time law and sees the book (a method below it would mean a leak).
 *
 * Capacity (`renewal-wave-capacity`, added with the censoring of full days): each open day offers
 * CAPACITY bookings; requests are served in the order they are made, and a resident who finds the day full
 * goes elsewhere (another office, the walk-in queue) or gives up; in `renewal-wave-capacity-rebook` half of
 * them book the first day with room within the next 5 working days here instead — bookings that inflate
 * those days and that the censoring cannot tell from the day's own demand. What is scored
 * there is the demand — the residents who asked for the day — not the bookings a full day shows. Methods
 * see the bookings and the capacity each past day offered; `ours-without-censoring` is ours taking every
 * past day's bookings as its demand (what the planner did before); `ours-capacity-recorded-from-2026` is
 * ours with the capacity recorded only from the first scored week (2026-01-05) on, as where the capacity
 * job started late: the full days before are found by their bookings having stopped early.
 */
import { type BookingRecord, forecastAppointmentDemand } from '../server/forecast/appointment-demand.ts';
import {
  addDaysIso,
  type RegistryRow,
  renewalIndex,
  renewalPerWorkingDay,
  weekdayOfDate,
} from '../server/forecast/demand.ts';
import { createRandom } from '../server/random.ts';
import { publicHolidays } from '../server/scheduling/closures.ts';

interface Track4Protocol {
  scenarios: string[];
  horizonsWeeks: number[];
  origins: { full: number; smoke: number };
}

export interface Track4Scenario {
  scenario: string;
  origins: number;
  horizons: number[];
  meanDailyBookings: number;
  /** Capacity scenarios: share of the scored open days whose book filled up. */
  fullDayShare?: number;
  methods: Record<string, { byHorizon: number[]; all: number }>;
}

const WEEKDAY = [0, 1.15, 1.0, 0.95, 1.2, 0.7];
const FIRST = '2021-01-04';
const LAST = '2027-06-30';
const TEST_FROM = '2026-01-05';

function season(date: string): number {
  const d = new Date(`${date}T00:00:00Z`);
  const week = Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / (7 * 86_400_000)) + 1;
  if (week >= 18 && week <= 26) return 1.3; // spring: holidays abroad ahead
  if (week >= 30 && week <= 33) return 0.75;
  if (week >= 51) return 0.65;
  return 1;
}

function closedDays(): Set<string> {
  const out = new Set<string>();
  for (let y = 2021; y <= 2027; y++) {
    for (const d of publicHolidays(y, { closedOnGoodFriday: true, closedOnLiberationDay: false }).keys()) out.add(d);
  }
  return out;
}

function registry(wave: boolean, seed: number): RegistryRow[] {
  const rng = createRandom(seed * 11 + 5);
  const rows: RegistryRow[] = [];
  for (let y = 2010; y <= 2027; y++) {
    for (let m = 1; m <= 12; m++) {
      const month = `${y}-${String(m).padStart(2, '0')}`;
      const spike = wave && ((y === 2014 && m >= 3) || y === 2015 || (y === 2016 && m <= 6)) ? 2.6 : 1;
      rows.push({
        month,
        documentType: 'passport',
        ageBand: 'adult',
        count: Math.round(300 * spike * (0.9 + 0.2 * rng.next())),
      });
      rows.push({
        month,
        documentType: 'passport',
        ageBand: 'minor',
        count: Math.round(90 * (0.9 + 0.2 * rng.next())),
      });
    }
  }
  return rows;
}

interface Series {
  records: BookingRecord[];
  /** The residents' first choices (equal to `records` where no day fills up). */
  requests: BookingRecord[];
  /** Final bookings per open or closed weekday. */
  final: Map<string, number>;
  /** Residents who asked for the day (the demand scored; equal to `final` where no day fills up). */
  demand: Map<string, number>;
  /** Bookings a day offers (Infinity: no limit). */
  capacity: number;
  /** True expected final bookings. */
  lambda: Map<string, number>;
  /** True mean of the geometric part of the lead time. */
  meanLead: Map<string, number>;
  closed: Set<string>;
  registry: RegistryRow[];
}

/** True P(lead > h): the share of a day's bookings already made h days before it. */
function trueShareBooked(h: number, meanLead: number): number {
  const early = h <= 1 ? (2 - h) / 3 : 0;
  const late = h >= 90 ? 0 : h < 3 ? 1 : Math.exp(-(h - 2) / meanLead);
  return 0.2 * early + 0.8 * late;
}

export function generate(name: string, seed: number): Series {
  const rng = createRandom(seed * 1009 + name.length * 17);
  const wave = name.includes('wave');
  const shift = name.includes('lead-shift');
  const capacity = name.includes('capacity') ? CAPACITY : Number.POSITIVE_INFINITY;
  // Turned away from a full day: in `-rebook` half book a later day here, else they go elsewhere.
  const rebook = name.includes('rebook') ? 0.5 : 0;
  const reg = registry(wave, seed);
  const trueRenewal = renewalPerWorkingDay(renewalIndex(reg, { window: [0.08, 0.18, 0.24, 0.22, 0.14, 0.09, 0.05] }), [
    'passport',
  ]);
  const closed = closedDays();
  const records: BookingRecord[] = [];
  const final = new Map<string, number>();
  const lambda = new Map<string, number>();
  const meanLeads = new Map<string, number>();
  const base = 30;
  for (let date = FIRST; date <= LAST; date = addDaysIso(date, 1)) {
    const wd = weekdayOfDate(date);
    if (wd >= 6) continue;
    const level = wave ? 18 + 1.1 * trueRenewal(date) : base;
    const l = closed.has(date) ? 0 : level * (WEEKDAY[wd] ?? 1) * season(date);
    lambda.set(date, l);
    const n = rng.poisson(l);
    final.set(date, n);
    // Busier days are booked further ahead in the lead-shift scenario (residents see the book fill up).
    const meanLead = shift ? Math.min(40, 10 * Math.max(0.6, l / base) ** 1.6) : 10;
    meanLeads.set(date, meanLead);
    for (let i = 0; i < n; i++) {
      const lead =
        rng.next() < 0.2 ? Math.floor(rng.next() * 3) : Math.min(90, 3 + Math.floor(rng.exponential(1 / meanLead)));
      records.push({
        serviceDate: date,
        bookedOn: addDaysIso(date, -lead),
        status: rng.next() < 0.08 ? 'no-show' : 'served',
      });
    }
  }
  if (!Number.isFinite(capacity))
    return {
      records,
      requests: records,
      final,
      demand: final,
      capacity,
      lambda,
      meanLead: meanLeads,
      closed,
      registry: reg,
    };
  // Requests in the order they are made (same day: a random order); a full day turns a resident away
  // (elsewhere, or in -rebook possibly to the first day with room within 5 working days).
  const order = records.map((r) => ({ r, key: rng.next() }));
  order.sort((a, b) => (a.r.bookedOn === b.r.bookedOn ? a.key - b.key : a.r.bookedOn < b.r.bookedOn ? -1 : 1));
  const taken = new Map<string, number>();
  const kept: BookingRecord[] = [];
  const openAfter = (date: string, n: number): string[] => {
    const out: string[] = [];
    for (let d = addDaysIso(date, 1); out.length < n; d = addDaysIso(d, 1))
      if (weekdayOfDate(d) < 6 && !closed.has(d)) out.push(d);
    return out;
  };
  for (const { r } of order) {
    let date: string | undefined = r.serviceDate;
    if ((taken.get(date) ?? 0) >= capacity) {
      date = rng.next() < rebook ? openAfter(r.serviceDate, 5).find((d) => (taken.get(d) ?? 0) < capacity) : undefined;
    }
    if (date === undefined || date > LAST) continue;
    taken.set(date, (taken.get(date) ?? 0) + 1);
    kept.push({ ...r, serviceDate: date });
  }
  const observed = new Map<string, number>();
  for (const d of final.keys()) observed.set(d, taken.get(d) ?? 0);
  return {
    records: kept,
    requests: records,
    final: observed,
    demand: final,
    capacity,
    lambda,
    meanLead: meanLeads,
    closed,
    registry: reg,
  };
}

/** Bookings an open day offers in the capacity scenario: the wave's busy spring days fill up. */
const CAPACITY = 50;

export function runTrack4(protocol: Track4Protocol, seeds: number[], mode: 'full' | 'smoke'): Track4Scenario[] {
  const out: Track4Scenario[] = [];
  const nOrigins = protocol.origins[mode];
  const useSeeds = mode === 'smoke' ? seeds.slice(0, 1) : seeds;
  const maxH = Math.max(...protocol.horizonsWeeks);
  for (const name of protocol.scenarios) {
    const abs: Record<string, number[][]> = {};
    let origins = 0;
    let bookings = 0;
    let days = 0;
    let fullDays = 0;
    for (const seed of useSeeds) {
      const series = generate(name, seed);
      const renewal = renewalPerWorkingDay(renewalIndex(series.registry), ['passport']);
      const isClosed = (d: string) => series.closed.has(d);
      for (const [d, n] of series.demand) {
        if (d >= TEST_FROM && d < '2027-01-01' && !series.closed.has(d)) {
          bookings += n;
          days++;
          if ((series.final.get(d) ?? 0) >= series.capacity) fullDays++;
        }
      }
      for (let o = 0; o < nOrigins; o++) {
        const origin = addDaysIso(TEST_FROM, 7 * o);
        const end = addDaysIso(origin, 7 * maxH - 1);
        if (end > LAST) break;
        origins++;
        // What exists at the origin: bookings made before it; future ones are still 'booked'.
        const known: BookingRecord[] = [];
        for (const r of series.records) {
          if (r.bookedOn >= origin) continue;
          known.push(r.serviceDate >= origin ? { ...r, status: 'booked' } : r);
        }
        const bookedAt = new Map<string, number>();
        for (const r of known)
          if (r.serviceDate >= origin) bookedAt.set(r.serviceDate, (bookedAt.get(r.serviceDate) ?? 0) + 1);
        // The oracle sees the residents' first choices made so far (the same as the book without a limit).
        const askedAt = new Map<string, number>();
        for (const r of series.requests)
          if (r.bookedOn < origin && r.serviceDate >= origin)
            askedAt.set(r.serviceDate, (askedAt.get(r.serviceDate) ?? 0) + 1);
        // MASE scale: in-sample MAE of the one-week seasonal naive of daily demand, 52 weeks back.
        let sAbs = 0;
        let sN = 0;
        for (let d = addDaysIso(origin, -364); d < origin; d = addDaysIso(d, 1)) {
          const now = series.demand.get(d);
          const prev = series.demand.get(addDaysIso(d, -7));
          if (now === undefined || prev === undefined) continue;
          sAbs += Math.abs(now - prev);
          sN++;
        }
        const scale = sAbs / Math.max(1, sN);
        const limited = Number.isFinite(series.capacity);
        // The capacity each past day offered (as the planner reads it from appointment_capacity).
        const capacity = limited ? (d: string) => (isClosed(d) ? undefined : series.capacity) : undefined;
        const ours = new Map(
          forecastAppointmentDemand(known, origin, end, { isClosed, renewal, capacity }).days.map((x) => [
            x.date,
            x.expectedBookings,
          ]),
        );
        // The capacity recorded only from the first scored week on (the job started then): the days before
        // are judged by their bookings (`stoppedEarly`).
        const recordedLate = limited
          ? new Map(
              forecastAppointmentDemand(known, origin, end, {
                isClosed,
                renewal,
                capacity: (d) => (d >= TEST_FROM ? capacity?.(d) : undefined),
              }).days.map((x) => [x.date, x.expectedBookings]),
            )
          : null;
        const uncensored = limited
          ? new Map(
              forecastAppointmentDemand(known, origin, end, { isClosed, renewal }).days.map((x) => [
                x.date,
                x.expectedBookings,
              ]),
            )
          : null;
        const back = (d: string) => (Math.floor(daysDiff(origin, d) / 7) + 1) * 7;
        const methods: Record<string, (date: string) => number> = {
          ours: (d) => ours.get(d) ?? 0,
          ...(recordedLate ? { 'ours-capacity-recorded-from-2026': (d: string) => recordedLate.get(d) ?? 0 } : {}),
          ...(uncensored ? { 'ours-without-censoring': (d: string) => uncensored.get(d) ?? 0 } : {}),
          'seasonal-naive': (d) => series.final.get(addDaysIso(d, -back(d))) ?? 0,
          'seasonal-moving-average-4': (d) => {
            let s = 0;
            for (let k = 0; k < 4; k++) s += series.final.get(addDaysIso(d, -back(d) - 7 * k)) ?? 0;
            return s / 4;
          },
          'book-as-it-stands': (d) => bookedAt.get(d) ?? 0,
          // Knows λ and the true lead-time law, and sees the book: E[final | book] = booked + λ·P(lead ≤ h).
          oracle: (d) =>
            (askedAt.get(d) ?? 0) +
            (series.lambda.get(d) ?? 0) * (1 - trueShareBooked(daysDiff(origin, d), series.meanLead.get(d) ?? 10)),
        };
        for (const [m, f] of Object.entries(methods)) {
          const perH = abs[m] ?? protocol.horizonsWeeks.map(() => []);
          abs[m] = perH;
          protocol.horizonsWeeks.forEach((hw, i) => {
            const from = addDaysIso(origin, 7 * (hw - 1));
            let e = 0;
            let n = 0;
            for (let k = 0; k < 7; k++) {
              const d = addDaysIso(from, k);
              if (weekdayOfDate(d) >= 6) continue;
              e += Math.abs(f(d) - (series.demand.get(d) ?? 0));
              n++;
            }
            perH[i]?.push(e / n / scale);
          });
        }
      }
    }
    const methods: Track4Scenario['methods'] = {};
    for (const [m, perH] of Object.entries(abs)) {
      const byHorizon = perH.map((xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
      methods[m] = { byHorizon, all: byHorizon.reduce((a, b) => a + b, 0) / byHorizon.length };
    }
    out.push({
      scenario: name,
      origins,
      horizons: protocol.horizonsWeeks,
      meanDailyBookings: bookings / Math.max(1, days),
      ...(name.includes('capacity') ? { fullDayShare: fullDays / Math.max(1, days) } : {}),
      methods,
    });
  }
  return out;
}

function daysDiff(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}
