import { DateTime } from 'luxon';
import { cooperative } from '../cooperate.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { getOffice, type Office } from '../scheduling/office-cache.ts';
import { addDaysIso, weekdayOfDate } from './demand.ts';
import { type Cached, cachedPlannerAnswer } from './forecast-cache.ts';
import {
  type ForecastDay,
  type ForecastHour,
  getLocationForecast,
  type LocationForecast,
} from './location-forecast.ts';
import {
  type DayDemand,
  type DaySimulation,
  dayDemandFrom,
  rosteredCounters,
  type SimCounterShifts,
  simulateDay,
} from './what-if.ts';

/**
 * Months ahead for a planner: per week to 52 weeks, expected demand of both channels against the rostered
 * capacity (counter-hours), the gap, and the peak weeks with concrete options — extra counters in the
 * short hours, a late evening, a Saturday morning, more appointment slots released earlier — each with its
 * effect simulated on the week's worst day (the office simulator, both channels, the production call-next
 * policy). Reads only. Long horizons rest on the registry's renewal wave and the season; the nearer weeks
 * on the booking curve as well (`appointment-demand.ts`).
 */

export interface OutlookWeek {
  weekStart: string;
  openDays: number;
  walkIns: number;
  appointmentsExpected: number;
  appointmentsBooked: number;
  requiredCounterHours: number;
  rosteredCounterHours: number;
  /** Counter-hours missing, summed over the hours short of counters. */
  gapCounterHours: number;
  shortHours: number;
  /** Appointment slots missing for the appointment norm, summed over the week. */
  slotsShort: number;
}

export type OptionKind = 'extra-counters' | 'evening' | 'saturday' | 'release-earlier';

export interface PeakOption {
  kind: OptionKind;
  /** Counter-hours the option adds to the week (release-earlier: 0; it moves demand). */
  counterHours: number;
  /** What it means in words the planner can act on, as parameters for the screen's texts. */
  detail: {
    counters?: number;
    from?: string;
    to?: string;
    day?: string;
    slots?: number;
    weeksBefore?: number;
    /** Release earlier: walk-ins of the worst day who book one of its released slots instead. */
    toAppointments?: number;
    /** Release earlier: residents of the peak week who book a released slot in the weeks before. */
    toEarlierWeeks?: number;
    /** Release earlier: the earlier day simulated with the bookings it takes. */
    earlierDay?: string;
    /** Extra counters: how many in each period of the day (`counters` is the most, `from`–`to` spans them). */
    periods?: { from: string; to: string; counters: number }[];
    /**
     * Extra counters: in the hour where they reach furthest, how many more counters the day would have than the
     * office has (absent when it has them all): those can only be temporary desks.
     */
    beyondOffice?: number;
  };
  /** Simulated on the week's worst day: share of walk-ins within the norm and appointment visits within it. */
  effect: { walkInShareWithinNorm: number | null; appointmentShareWithinNorm: number | null };
}

export interface PeakWeekAdvice {
  weekStart: string;
  gapCounterHours: number;
  worstDay: string;
  /** The worst day as rostered today, simulated. */
  baseline: { walkInShareWithinNorm: number | null; appointmentShareWithinNorm: number | null };
  options: PeakOption[];
}

export interface WeeklyOutlook {
  locationId: string;
  from: string;
  weeks: OutlookWeek[];
  peakWeeks: PeakWeekAdvice[];
  norm: { share: number; minutes: number };
  usesRegistry: boolean;
  replications: number;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

function mondayOf(date: string): string {
  return addDaysIso(date, 1 - weekdayOfDate(date));
}

function wall(h: number): string {
  return `${String(Math.floor(h)).padStart(2, '0')}:00`;
}

/** Aggregates days and hours into weeks (pure). */
export function weeklyTotals(days: readonly ForecastDay[], hours: readonly ForecastHour[]): OutlookWeek[] {
  const weeks = new Map<string, OutlookWeek>();
  const week = (date: string) => {
    const key = mondayOf(date);
    let w = weeks.get(key);
    if (!w) {
      w = {
        weekStart: key,
        openDays: 0,
        walkIns: 0,
        appointmentsExpected: 0,
        appointmentsBooked: 0,
        requiredCounterHours: 0,
        rosteredCounterHours: 0,
        gapCounterHours: 0,
        shortHours: 0,
        slotsShort: 0,
      };
      weeks.set(key, w);
    }
    return w;
  };
  for (const d of days) {
    const w = week(d.date);
    if (!d.closed) w.openDays++;
    w.walkIns += d.walkInArrivals;
    w.appointmentsExpected += d.appointmentsExpected;
    w.appointmentsBooked += d.appointmentsBooked;
    w.requiredCounterHours += d.requiredCounterHours;
    w.rosteredCounterHours += d.rosteredCounterHours;
    w.shortHours += d.shortHours;
    w.slotsShort += d.slotsShort;
  }
  for (const h of hours) if (h.gap < 0) week(h.date).gapCounterHours += -h.gap;
  return [...weeks.values()]
    .sort((a, b) => a.weekStart.localeCompare(b.weekStart))
    .map((w) => ({
      ...w,
      walkIns: round1(w.walkIns),
      appointmentsExpected: round1(w.appointmentsExpected),
      requiredCounterHours: round1(w.requiredCounterHours),
      rosteredCounterHours: round1(w.rosteredCounterHours),
      gapCounterHours: round1(w.gapCounterHours),
    }));
}

function scaled(demand: DayDemand, walkInFactor: number, appointmentFactor: number): DayDemand {
  const scale = (m: Map<string, Map<number, number>>, f: number) =>
    new Map([...m].map(([code, byHour]) => [code, new Map([...byHour].map(([h, n]) => [h, n * f]))]));
  return {
    ...demand,
    walkIns: scale(demand.walkIns, walkInFactor),
    appointments: scale(demand.appointments, appointmentFactor),
  };
}

function effectOf(sim: DaySimulation): PeakOption['effect'] {
  return {
    walkInShareWithinNorm: sim.overall.shareWithinNorm,
    appointmentShareWithinNorm: sim.appointments.shareWithinNorm,
  };
}

/** Shares within the norm over several simulated days, weighted by their walk-ins and appointment visits. */
export function pooledEffect(sims: readonly DaySimulation[]): PeakOption['effect'] {
  const pool = (parts: { n: number; share: number | null }[]) => {
    const counted = parts.filter((p) => p.share !== null && p.n > 0);
    const n = counted.reduce((a, p) => a + p.n, 0);
    return n > 0 ? Math.round((counted.reduce((a, p) => a + p.n * (p.share ?? 0), 0) / n) * 1000) / 1000 : null;
  };
  return {
    walkInShareWithinNorm: pool(sims.map((x) => ({ n: x.overall.walkIns, share: x.overall.shareWithinNorm }))),
    appointmentShareWithinNorm: pool(
      sims.map((x) => ({ n: x.appointments.visits, share: x.appointments.shareWithinNorm })),
    ),
  };
}

/**
 * The demand an extra session takes: the given shares of the week's walk-ins and expected appointments,
 * in the worst day's mix of services, spread evenly over the session's hours.
 */
export function sessionDemand(
  day: DayDemand,
  week: OutlookWeek,
  walkInShare: number,
  appointmentShare: number,
  from: number,
  to: number,
): DayDemand {
  const spread = (byService: Map<string, Map<number, number>>, total: number) => {
    const perService = [...byService].map(
      ([code, byHour]) => [code, [...byHour.values()].reduce((a, b) => a + b, 0)] as const,
    );
    const sum = perService.reduce((a, [, n]) => a + n, 0);
    const out = new Map<string, Map<number, number>>();
    for (const [code, n] of perService) {
      const hours = new Map<number, number>();
      for (let h = from; h < to; h++) hours.set(h, sum > 0 ? (total * n) / sum / (to - from) : 0);
      out.set(code, hours);
    }
    return out;
  };
  return {
    ...day,
    walkIns: spread(day.walkIns, week.walkIns * walkInShare),
    appointments: spread(day.appointments, week.appointmentsExpected * appointmentShare),
    opensAtHour: from,
    closesAtHour: to,
  };
}

/**
 * Share of a peak day's walk-ins for services bookable online who would book an appointment had a slot
 * been open when they looked (the rest prefer to walk in). An assumption, stated in the advice.
 */
export const WALK_IN_TO_APPOINTMENT_SHARE = 0.5;
/** Share of a peak week's demand for bookable services that can come in the weeks before (renewals). */
export const EARLIER_WEEKS_SHARE = 0.3;

const sumOf = (m: ReadonlyMap<number, number> | undefined) =>
  [...(m ?? new Map<number, number>()).values()].reduce((a, b) => a + b, 0);

/** The day's walk-ins of the given services, per service (their mix splits moved bookings). */
function bookableMix(day: DayDemand, services: ReadonlySet<string>): Map<string, number> {
  return new Map([...day.walkIns].filter(([code]) => services.has(code)).map(([code, m]) => [code, sumOf(m)]));
}

/**
 * `count` more appointments, split over services by `mix`, spread over the hours like the day's expected
 * appointment visits (evenly over its hours when it has none).
 */
function withAppointments(day: DayDemand, mix: ReadonlyMap<string, number>, count: number): DayDemand {
  const total = [...mix.values()].reduce((a, b) => a + b, 0);
  if (total <= 0 || count <= 0) return day;
  const spread = new Map<number, number>();
  for (const m of day.appointments.values()) for (const [h, n] of m) spread.set(h, (spread.get(h) ?? 0) + n);
  if (sumOf(spread) <= 0) for (let h = day.opensAtHour; h < day.closesAtHour; h++) spread.set(h, 1);
  const spreadTotal = sumOf(spread);
  const appointments = new Map([...day.appointments].map(([code, m]) => [code, new Map(m)]));
  for (const [code, n] of mix) {
    const byHour = appointments.get(code) ?? new Map<number, number>();
    for (const [h, w] of spread) byHour.set(h, (byHour.get(h) ?? 0) + (((count * n) / total) * w) / spreadTotal);
    appointments.set(code, byHour);
  }
  return { ...day, appointments };
}

/**
 * A day's demand with `count` walk-ins of the given services booking an appointment that day instead:
 * taken from their walk-ins in proportion, added to their appointments (`withAppointments`).
 */
export function walkInsToAppointments(day: DayDemand, services: ReadonlySet<string>, count: number): DayDemand {
  const mix = bookableMix(day, services);
  const total = [...mix.values()].reduce((a, b) => a + b, 0);
  if (total <= 0 || count <= 0) return day;
  const take = Math.min(count, total);
  const walkIns = new Map(
    [...day.walkIns].map(([code, m]) => [
      code,
      services.has(code) ? new Map([...m].map(([h, n]) => [h, n * (1 - take / total)])) : m,
    ]),
  );
  return withAppointments({ ...day, walkIns }, mix, take);
}

/** Extra counters per local hour of a day: as many as the hour is short (rounded up), short hours only. */
export function extraCountersByHour(dayHours: readonly Pick<ForecastHour, 'hour' | 'gap'>[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const h of dayHours) if (h.gap < 0) out.set(h.hour, Math.max(1, Math.ceil(-h.gap - 1e-9)));
  return out;
}

/**
 * How many more counters than the office has a day would need, in its worst hour, with `extra` counters added
 * to those rostered (0: it has them all).
 */
export function countersBeyondOffice(
  dayHours: readonly Pick<ForecastHour, 'hour' | 'rosteredCounters'>[],
  extra: ReadonlyMap<number, number>,
  officeCounters: number,
): number {
  let most = 0;
  for (const h of dayHours)
    most = Math.max(most, Math.ceil(h.rosteredCounters - 1e-9) + (extra.get(h.hour) ?? 0) - officeCounters);
  return most;
}

/** Each run of hours with extra counters one hour longer, at its last hour's number (the lag after a peak). */
function lengthened(byHour: ReadonlyMap<number, number>): Map<number, number> {
  const out = new Map(byHour);
  for (const [h, k] of byHour) if (!byHour.has(h + 1) && h + 1 < 24) out.set(h + 1, k);
  return out;
}

/** The periods of a day with the same number of extra counters, in order. */
export function extraCounterPeriods(
  byHour: ReadonlyMap<number, number>,
): { from: string; to: string; counters: number }[] {
  const out: { from: number; to: number; counters: number }[] = [];
  for (const h of [...byHour.keys()].sort((a, b) => a - b)) {
    const k = byHour.get(h) ?? 0;
    const last = out.at(-1);
    if (last && last.to === h && last.counters === k) last.to = h + 1;
    else out.push({ from: h, to: h + 1, counters: k });
  }
  return out.map((p) => ({ from: wall(p.from), to: wall(p.to), counters: p.counters }));
}

/** The extra counters as simulator counters: the i-th staffed in every hour that needs at least i. */
function extraCounterShifts(byHour: ReadonlyMap<number, number>, skills: string[]): SimCounterShifts[] {
  const most = Math.max(0, ...byHour.values());
  const hours = [...byHour.keys()].sort((a, b) => a - b);
  return Array.from({ length: most }, (_, i) => {
    const shifts: [string, string][] = [];
    for (const h of hours) {
      if ((byHour.get(h) ?? 0) <= i) continue;
      const last = shifts.at(-1);
      if (last && last[1] === wall(h)) last[1] = wall(h + 1);
      else shifts.push([wall(h), wall(h + 1)]);
    }
    return { id: 1_000_000 + i, skills, shifts };
  });
}

/** Options for one peak week, each simulated on its worst day. */
function adviseWeek(
  office: Office,
  forecast: LocationForecast,
  week: OutlookWeek,
  weekHours: readonly ForecastHour[],
  earlierDays: readonly ForecastDay[],
  slotMinutes: number,
  replications: number,
): PeakWeekAdvice | null {
  // The worst day: the most counter-hours short.
  const gapByDay = new Map<string, number>();
  for (const h of weekHours) if (h.gap < 0) gapByDay.set(h.date, (gapByDay.get(h.date) ?? 0) - h.gap);
  const worstDay = [...gapByDay].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!worstDay) return null;
  const demand = dayDemandFrom(forecast, worstDay);
  if (!demand) return null;
  const counters = rosteredCounters(office, worstDay);
  if (counters.every((c) => c.shifts.length === 0)) return null;
  const base = simulateDay(office, worstDay, demand, counters, replications);

  // 1. Extra counters in the short hours of the worst day, as many in each hour as it is short (the most
  // flexible counter's skills): an opening hour short of 3 and an evening short of 1 get 3 counters for
  // the one and 1 for the other, not 3 for the whole day between.
  const flexible = [...counters].sort((a, b) => b.skills.length - a.skills.length)[0] as SimCounterShifts;
  let tried = extraCountersByHour(weekHours.filter((h) => h.date === worstDay));
  // Erlang's count first; if the simulation (the crowd at the door, the lag of congestion) still misses
  // the norm, one more counter in each short hour, then each period one hour longer, a few steps at most.
  const norm = forecast.norm.share;
  const extrasOf = (byHour: ReadonlyMap<number, number>) => extraCounterShifts(byHour, flexible.skills);
  let withExtra = simulateDay(office, worstDay, demand, [...counters, ...extrasOf(tried)], replications);
  for (let step = 0; step < 4 && (withExtra.overall.shareWithinNorm ?? 1) < norm; step++) {
    tried = step % 2 === 0 ? new Map([...tried].map(([h, k]) => [h, k + 1])) : lengthened(tried);
    withExtra = simulateDay(office, worstDay, demand, [...counters, ...extrasOf(tried)], replications);
  }
  const periods = extraCounterPeriods(tried);
  const extraHours = [...tried.values()].reduce((a, b) => a + b, 0);
  const beyondOffice = countersBeyondOffice(
    weekHours.filter((h) => h.date === worstDay),
    tried,
    forecast.officeCounters,
  );

  // Demand a week's extra opening takes off its days, spread evenly (residents choose it): the share of
  // the week's needed counter time the opening adds.
  const weekMinutes = Math.max(1, week.requiredCounterHours * 60);
  const relief = (counterHours: number) => Math.min(0.5, (counterHours * 60) / weekMinutes);
  // An extra opening is simulated as what it is: the worst day with its demand lowered, and the new
  // session itself — its own counters, and the week's demand that moves there — pooled over both days.
  const withSession = (
    walkInShare: number,
    appointmentShare: number,
    session: { counters: number; from: number; to: number; date: string },
  ): DaySimulation[] => {
    const day = simulateDay(
      office,
      worstDay,
      scaled(demand, 1 - walkInShare, 1 - appointmentShare),
      counters,
      replications,
    );
    const moved = sessionDemand(demand, week, walkInShare, appointmentShare, session.from, session.to);
    const staffed = Array.from({ length: session.counters }, (_, i) => ({
      id: 2_000_000 + i,
      skills: flexible.skills,
      shifts: [[wall(session.from), wall(session.to)]] as [string, string][],
    }));
    return [day, simulateDay(office, session.date, moved, staffed, replications)];
  };
  const thursday = addDaysIso(week.weekStart, 3);
  const saturdayDate = addDaysIso(week.weekStart, 5);

  // 2. A late evening (Thursday 17:00–20:00) with two counters for appointments.
  const eveningHours = 2 * 3;
  const evening = withSession(0, relief(eveningHours) * 2, { counters: 2, from: 17, to: 20, date: thursday });
  // 3. A Saturday morning (09:00–13:00) with three counters for both channels.
  const saturdayHours = 3 * 4;
  const saturday = withSession(relief(saturdayHours), relief(saturdayHours), {
    counters: 3,
    from: 9,
    to: 13,
    date: saturdayDate,
  });
  // 4. Slots released earlier, as what it does: residents who would have walked in during the peak book a
  //    slot instead — on the worst day itself, in the appointment slots its expected bookings leave free
  //    (walk-ins become appointments on the same counters' day), and in the 4 weeks before, in their
  //    spare slots (renewals due in the peak can come earlier). Simulated on the worst day with that
  //    demand and on the earlier day that takes most of the moved bookings, pooled over both.
  const bookable = new Set(
    [...office.services.values()].filter((s) => s.bookableOnline && s.walkIn).map((s) => s.code),
  );
  const bookableMinutes = [...office.services.values()].filter((s) => s.bookableOnline);
  const perBooking = Math.max(
    1,
    Math.ceil(
      (bookableMinutes.length > 0
        ? bookableMinutes.reduce((a, s) => a + s.minutesPerPerson, 0) / bookableMinutes.length
        : slotMinutes) /
        slotMinutes -
        1e-9,
    ),
  );
  const worst = forecast.days.find((d) => d.date === worstDay);
  const freeBookings = worst
    ? Math.max(0, Math.floor(worst.appointmentSlots / perBooking - worst.appointmentsExpected))
    : 0;
  const dayBookableWalkIns = [...bookableMix(demand, bookable).values()].reduce((a, b) => a + b, 0);
  const toAppointments = Math.min(freeBookings, WALK_IN_TO_APPOINTMENT_SHARE * dayBookableWalkIns);
  const converted = walkInsToAppointments(demand, bookable, toAppointments);
  // The week's demand for bookable services (walk-ins in the worst day's mix, and appointments).
  const dayWalkIns = [...demand.walkIns.values()].reduce((a, m) => a + sumOf(m), 0);
  const weekBookable =
    week.appointmentsExpected + (dayWalkIns > 0 ? (week.walkIns * dayBookableWalkIns) / dayWalkIns : 0);
  const earlierSpare = earlierDays.reduce((a, d) => a + Math.floor(d.releasableSlots / perBooking), 0);
  const moveShare = weekBookable > 0 ? Math.min(EARLIER_WEEKS_SHARE, earlierSpare / weekBookable) : 0;
  const onlyBookable = (m: Map<string, Map<number, number>>) =>
    new Map(
      [...m].map(([code, byHour]) => [
        code,
        bookable.has(code) ? new Map([...byHour].map(([h, n]) => [h, n * (1 - moveShare)])) : byHour,
      ]),
    );
  const relieved: DayDemand = {
    ...converted,
    walkIns: onlyBookable(converted.walkIns),
    appointments: new Map(
      [...converted.appointments].map(([code, byHour]) => [
        code,
        new Map([...byHour].map(([h, n]) => [h, n * (1 - moveShare)])),
      ]),
    ),
  };
  const toEarlierWeeks = moveShare * weekBookable;
  const receiving = [...earlierDays].sort((x, y) => y.releasableSlots - x.releasableSlots)[0];
  const earlierSims: DaySimulation[] = [simulateDay(office, worstDay, relieved, counters, replications)];
  if (receiving && toEarlierWeeks > 0 && earlierSpare > 0) {
    const own = dayDemandFrom(forecast, receiving.date);
    const staffed = rosteredCounters(office, receiving.date);
    if (own && staffed.some((c) => c.shifts.length > 0)) {
      const share = Math.floor(receiving.releasableSlots / perBooking) / earlierSpare;
      const taken = withAppointments(own, bookableMix(demand, bookable), toEarlierWeeks * share);
      earlierSims.push(simulateDay(office, receiving.date, taken, staffed, replications));
    }
  }
  return {
    weekStart: week.weekStart,
    gapCounterHours: week.gapCounterHours,
    worstDay,
    baseline: effectOf(base),
    options: [
      {
        kind: 'extra-counters',
        counterHours: extraHours,
        detail: {
          counters: Math.max(...tried.values()),
          from: periods[0]?.from,
          to: periods.at(-1)?.to,
          day: worstDay,
          periods,
          ...(beyondOffice > 0 ? { beyondOffice } : {}),
        },
        effect: effectOf(withExtra),
      },
      {
        kind: 'evening',
        counterHours: eveningHours,
        detail: { counters: 2, from: '17:00', to: '20:00', day: thursday },
        effect: pooledEffect(evening),
      },
      {
        kind: 'saturday',
        counterHours: saturdayHours,
        detail: { counters: 3, from: '09:00', to: '13:00', day: saturdayDate },
        effect: pooledEffect(saturday),
      },
      {
        kind: 'release-earlier',
        counterHours: 0,
        detail: {
          slots: Math.round((toAppointments + toEarlierWeeks) * perBooking),
          weeksBefore: 4,
          toAppointments: Math.round(toAppointments * 10) / 10,
          toEarlierWeeks: Math.round(toEarlierWeeks * 10) / 10,
          ...(earlierSims.length > 1 && receiving ? { earlierDay: receiving.date } : {}),
        },
        effect: pooledEffect(earlierSims),
      },
    ],
  };
}

/**
 * Simulated days behind each option's effect. An overrun day's share of walk-ins within the norm varies a lot from
 * one simulated day to the next: with 6 the demo's evening option came out 8 points below doing nothing at one
 * peak week, and 2 above it with 150 (0.792 against 0.768). An option's effect is a few points, so it takes tens
 * of days to tell it from noise; 60 (what-if's maximum too) costs about 2 s of CPU per peak week, in the
 * outlook's cooperative slices.
 */
export const PEAK_REPLICATIONS = 60;

/** The weekly outlook from the week of `from` for `weeks` weeks, with up to `peaks` peak weeks advised. */
export async function getWeeklyOutlook(
  deps: Deps,
  locationId: string,
  options: { from?: string; weeks: number; peaks?: number; replications?: number },
): Promise<WeeklyOutlook> {
  const office = await getOffice(deps.storage.read, locationId);
  if (!office) throw new AppError('not-found', 'No such location');
  const today = DateTime.fromJSDate(deps.clock.now(), { zone: office.location.timeZone }).toISODate() as string;
  const from = mondayOf(options.from ?? today);
  const to = addDaysIso(from, 7 * options.weeks - 1);
  // Weeks and months: the opening crowd by the sampled opening-hour model (the chain is for the coming week's roster).
  const forecast = await getLocationForecast(deps, locationId, from, to, 10, 0);
  const weeks = weeklyTotals(forecast.days, forecast.hours);
  const replications = options.replications ?? PEAK_REPLICATIONS;
  const peaks = weeks
    .filter((w) => w.gapCounterHours > 0 && w.weekStart >= mondayOf(today))
    .sort((a, b) => b.gapCounterHours - a.gapCounterHours)
    .slice(0, options.peaks ?? 5)
    .sort((a, b) => a.weekStart.localeCompare(b.weekStart));
  const peakWeeks: PeakWeekAdvice[] = [];
  // Each week's simulations take a slice of the event loop; other clients are answered in between.
  const pause = cooperative();
  for (const w of peaks) {
    await pause();
    const earlierFrom = addDaysIso(w.weekStart, -28);
    const earlierDays = forecast.days.filter(
      (d) => !d.closed && d.date >= earlierFrom && d.date < w.weekStart && d.date >= today,
    );
    const advice = adviseWeek(
      office,
      forecast,
      w,
      forecast.hours.filter((h) => mondayOf(h.date) === w.weekStart),
      earlierDays,
      forecast.slotMinutes,
      replications,
    );
    if (advice) peakWeeks.push(advice);
  }
  return {
    locationId,
    from,
    weeks,
    peakWeeks,
    norm: forecast.norm,
    usesRegistry: forecast.usesRegistry,
    replications,
  };
}

/** `getWeeklyOutlook` through the cache (the planner's GET; the key holds every parameter the answer depends on). */
export function cachedWeeklyOutlook(
  deps: Deps,
  locationId: string,
  options: { from?: string; weeks: number; peaks: number },
): Promise<Cached<WeeklyOutlook>> {
  return cachedPlannerAnswer(
    deps,
    'outlook',
    locationId,
    `${options.from ?? ''}|${options.weeks}|${options.peaks}`,
    () => getWeeklyOutlook(deps, locationId, options),
  );
}
