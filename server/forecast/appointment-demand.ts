/**
 * Appointment demand per service × local date, 1–26 weeks ahead (pure: no I/O, no clock).
 *
 * The book of future days is nearly empty weeks ahead, not because nobody will come but because residents
 * have not booked yet. So the forecast is of the appointments residents WILL have booked by the day:
 *
 *   expected(D) = booked(D, now) + (1 − c(h)) × F(D)
 *
 * where booked(D, now) is what the book holds today for day D, h the days until D, c(h) the booking curve
 * (the share of a day's final appointments that existed h days before it, from the last weeks' completed
 * days), and F(D) the seasonal model of final daily appointments (`demand.ts`: weekday, week of year,
 * holidays closed, level following recent weeks, and the renewal wave from the registry). Close to the day
 * the book dominates; months ahead, the model. This is the convex blend c·(booked/c) + (1 − c)·F of the
 * "pickup" estimate and the model, weighted by how much of the day is usually booked by then.
 * No-shows per service (recent share, shrunk toward a prior) turn bookings into expected visits.
 *
 * Censoring: a past day whose book filled up shows the capacity it offered, not its demand — residents who
 * found it full booked another day, walked in or gave up. With the capacity each past day offered (stored
 * when the day passed, `appointment_capacity`), a day that reached it is censored: its demand is at least
 * what was booked, and is estimated from the unconstrained booking rate before it filled — the bookings
 * made by the day it filled, divided by the share of a day's bookings that usually exists that far ahead
 * (the booking curve of the days that did not fill). Censored days teach the seasonal model this estimate
 * and are left out of the booking curve (their late bookings were cut off, not absent).
 */
import { addDaysIso, forecastDemand, type HourlyCount, isWeekend } from './demand.ts';

export type BookingStatus = 'booked' | 'checked-in' | 'served' | 'no-show' | 'cancelled';

/** One booked service-person (an appointment for two persons counts twice). No personal data. */
export interface BookingRecord {
  /** Local date of the appointment. */
  serviceDate: string;
  /** Local date on which it was booked. */
  bookedOn: string;
  status: BookingStatus;
}

export interface AppointmentDemandOptions {
  isClosed: (date: string) => boolean;
  /** Expected renewals per working day (from the registry) for the service's documents. */
  renewal?: (date: string) => number;
  /** Weeks of completed days the booking curve is learned from (default 8). */
  curveWeeks?: number;
  /** Weeks of history the no-show share is learned from (default 26). */
  noShowWeeks?: number;
  /** Prior no-show share and its weight in bookings (default 0.1 and 50). */
  noShowPrior?: { share: number; weight: number };
  /**
   * Service-persons a past day offered for the service. A day whose bookings reached it is censored. A day
   * it does not know (undefined: before the capacity was recorded) is judged by its bookings alone: one
   * whose bookings stopped where the booking curve says many more would still have come is taken as full
   * since its last booking (`stoppedEarly`). Without this option no day is censored.
   */
  capacity?: (date: string) => number | undefined;
}

/** A past day whose book filled up: what was booked, when it filled, and the demand estimated for it. */
export interface CensoredDay {
  date: string;
  /** The capacity recorded for the day, or (`reconstructed`) its bookings. */
  capacity: number;
  /** No capacity was recorded: the day's bookings stopped early (`stoppedEarly`). */
  reconstructed?: boolean;
  booked: number;
  /** Days before the day on which its book was full. */
  fullLead: number;
  /** Estimated demand: at least what was booked. */
  demand: number;
}

export interface AppointmentDemandDay {
  date: string;
  closed: boolean;
  /** Service-persons booked for the day as the book stands at the origin. */
  booked: number;
  /** Expected final bookings (what residents will have booked by the day). */
  expectedBookings: number;
  /** Expected visits: bookings less expected no-shows. */
  expectedVisits: number;
  /** Share of the day's final bookings that usually exist this far ahead. */
  curveShare: number;
}

export interface AppointmentDemandForecast {
  noShowRate: number;
  /** Past days whose book filled up, with their estimated demand (all history before the origin). */
  censored: CensoredDay[];
  days: AppointmentDemandDay[];
}

const DAY_MS = 86_400_000;
function epochDay(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

const counts = (r: BookingRecord) => r.status !== 'cancelled';

/**
 * Largest factor by which a censored day's demand may exceed its bookings: a day full very far ahead
 * would otherwise divide by a share of nearly nothing.
 */
const MAX_CENSORED_FACTOR = 4;

/** A day is full when less than this share of its capacity (and less than one booking) was left. */
function isFull(booked: number, capacity: number): boolean {
  return capacity > 0 && capacity - booked < Math.max(1, 0.02 * capacity);
}

/**
 * The demand of a day that filled `fullLead` days before it, from its bookings' leads: the bookings made
 * before that day over the share usually made by then (an unbiased rate, blind to the day it filled), and
 * everything booked over the share usually made by the end of the day it filled (a lower bound: that
 * day's late requests found it full) — the larger, never below what was booked nor above
 * MAX_CENSORED_FACTOR times it.
 */
function censoredDemand(leads: readonly number[], fullLead: number, curve: readonly number[]): number {
  const booked = leads.length;
  const share = (h: number) => (h < 0 ? 1 : Math.min(1, Math.max(0, curve[h] ?? 0)));
  const before = leads.filter((l) => l > fullLead).length;
  const estimates = [booked];
  if (share(fullLead - 1) > 0) estimates.push(booked / share(fullLead - 1));
  if (share(fullLead) > 0) estimates.push(before / share(fullLead));
  return Math.min(booked * MAX_CENSORED_FACTOR, Math.max(...estimates));
}

/**
 * Bookings a day without a recorded capacity must miss before it counts as full: the expected number of
 * bookings after its last one, were it not cut off, whose absence has a chance below e^−4.6 ≈ 1 %.
 */
const STOPPED_EARLY_MISSING = 4.6;

/**
 * Whether a day's bookings (their leads) stopped early — it looks full from the lead of its last booking
 * on: with c the booking curve, a day with n bookings the last of them m days ahead would, not cut off,
 * have had about n·(1 − c[m−1]) ÷ c[m−1] more, booked under m days ahead; none came though that many were
 * expected (more than STOPPED_EARLY_MISSING, so by chance in fewer than 1 % of days). A cancellation
 * rebooked late hides a full day from this test (it stays uncensored, as before).
 */
export function stoppedEarly(leads: readonly number[], curve: readonly number[]): boolean {
  if (leads.length === 0) return false;
  const last = Math.min(...leads);
  if (last <= 0) return false;
  const share = Math.min(1, Math.max(0, curve[last - 1] ?? 0));
  if (share <= 0) return false;
  return (leads.length * (1 - share)) / share > STOPPED_EARLY_MISSING;
}

/**
 * Past open days before `origin` whose bookings reached the capacity they offered (or, where none was
 * recorded, stopped early: `stoppedEarly`), with the lead on which
 * they filled and their demand estimated from the booking rate before that (`curve`: the booking curve
 * of the days that did not fill; c[h] = share booked more than h days ahead).
 */
export function censoredDays(
  records: readonly BookingRecord[],
  origin: string,
  capacity: (date: string) => number | undefined,
  curve: readonly number[],
): Map<string, CensoredDay> {
  const leadsByDate = new Map<string, number[]>();
  for (const r of records) {
    if (!counts(r) || r.serviceDate >= origin) continue;
    const list = leadsByDate.get(r.serviceDate) ?? [];
    list.push(Math.max(0, epochDay(r.serviceDate) - epochDay(r.bookedOn)));
    leadsByDate.set(r.serviceDate, list);
  }
  const out = new Map<string, CensoredDay>();
  for (const [date, leads] of leadsByDate) {
    const recorded = capacity(date);
    const reconstructed = recorded === undefined && stoppedEarly(leads, curve);
    const cap = reconstructed ? leads.length : recorded;
    if (cap === undefined || !isFull(leads.length, cap)) continue;
    // Earliest bookings first: the day filled on the lead where the running count reached the capacity.
    leads.sort((a, b) => b - a);
    let fullLead = 0;
    for (let i = 0; i < leads.length; i++) {
      if (isFull(i + 1, cap)) {
        fullLead = leads[i] ?? 0;
        break;
      }
    }
    const demand = censoredDemand(leads, fullLead, curve);
    out.set(date, {
      date,
      capacity: cap,
      booked: leads.length,
      fullLead,
      demand,
      ...(reconstructed ? { reconstructed } : {}),
    });
  }
  return out;
}

/**
 * The booking curve learned from completed days before `origin`: c[h] = share of a day's final bookings
 * booked more than h days before it (i.e. known at an origin h days ahead). Non-increasing in h.
 */
export function bookingCurve(
  records: readonly BookingRecord[],
  origin: string,
  options: {
    isClosed: (date: string) => boolean;
    weeks?: number;
    maxLead?: number;
    /** Days left out (censored: their late bookings were cut off by a full book). */
    exclude?: ReadonlySet<string> | ReadonlyMap<string, unknown>;
  },
): number[] {
  const from = addDaysIso(origin, -7 * (options.weeks ?? 8));
  const maxLead = options.maxLead ?? 200;
  const leads = new Array<number>(maxLead + 2).fill(0);
  let total = 0;
  for (const r of records) {
    if (!counts(r) || r.serviceDate < from || r.serviceDate >= origin || options.isClosed(r.serviceDate)) continue;
    if (options.exclude?.has(r.serviceDate)) continue;
    const lead = Math.max(0, epochDay(r.serviceDate) - epochDay(r.bookedOn));
    leads[Math.min(lead, maxLead + 1)] = (leads[Math.min(lead, maxLead + 1)] ?? 0) + 1;
    total++;
  }
  // c[h]: booked strictly more than h days ahead (bookedOn < D − h), known at an origin h days before D.
  const curve = new Array<number>(maxLead + 1).fill(0);
  if (total === 0) return curve;
  let above = total;
  for (let h = 0; h <= maxLead; h++) {
    above -= leads[h] ?? 0;
    curve[h] = above / total;
  }
  return curve;
}

/** Recent no-show share among bookings that came due (served or no-show), shrunk toward a prior. */
export function noShowShare(
  records: readonly BookingRecord[],
  origin: string,
  options: { weeks?: number; prior?: { share: number; weight: number } } = {},
): number {
  const from = addDaysIso(origin, -7 * (options.weeks ?? 26));
  const prior = options.prior ?? { share: 0.1, weight: 50 };
  let shows = 0;
  let noShows = 0;
  for (const r of records) {
    if (r.serviceDate < from || r.serviceDate >= origin) continue;
    if (r.status === 'no-show') noShows++;
    else if (r.status === 'served' || r.status === 'checked-in') shows++;
  }
  return (noShows + prior.share * prior.weight) / (shows + noShows + prior.weight);
}

/**
 * Final bookings per completed open day before `origin`, as daily counts for the seasonal model; a
 * censored day counts its estimated demand instead.
 */
export function dailyFinalBookings(
  records: readonly BookingRecord[],
  origin: string,
  isClosed: (date: string) => boolean,
  censored?: ReadonlyMap<string, CensoredDay>,
): HourlyCount[] {
  const byDate = new Map<string, number>();
  let first: string | null = null;
  for (const r of records) {
    if (r.serviceDate >= origin) continue;
    if (first === null || r.serviceDate < first) first = r.serviceDate;
    if (counts(r)) byDate.set(r.serviceDate, (byDate.get(r.serviceDate) ?? 0) + 1);
  }
  const out: HourlyCount[] = [];
  if (first === null) return out;
  // Open days without bookings are real zeros, not missing days.
  for (let d = first; d < origin; d = addDaysIso(d, 1)) {
    if (isWeekend(d) || isClosed(d)) continue;
    out.push({ date: d, hour: 0, count: censored?.get(d)?.demand ?? byDate.get(d) ?? 0 });
  }
  return out;
}

/** Working days after a full day on which its turned-away residents are looked for. */
const REBOOK_DAYS = 5;

/**
 * Final bookings of the open days after a full one, less the residents it turned away who booked them
 * instead: a full day's demand already counts them. Of a day X within REBOOK_DAYS open days after a
 * full day D, the bookings made from the day D filled on, beyond what X's own bookings before then
 * usually grow by (the booking curve), are taken as D's, up to D's demand beyond its bookings.
 */
export function withoutRebookings(
  history: readonly HourlyCount[],
  records: readonly BookingRecord[],
  censored: ReadonlyMap<string, CensoredDay>,
  curve: readonly number[],
): HourlyCount[] {
  if (censored.size === 0) return [...history];
  const byDate = new Map<string, number[]>();
  for (const r of records) {
    if (!counts(r)) continue;
    const list = byDate.get(r.serviceDate) ?? [];
    list.push(epochDay(r.serviceDate) - epochDay(r.bookedOn));
    byDate.set(r.serviceDate, list);
  }
  const open = history.map((h) => h.date);
  const index = new Map(open.map((d, i) => [d, i]));
  const less = new Map<string, number>();
  for (const day of censored.values()) {
    let left = Math.max(0, day.demand - day.booked);
    const i = index.get(day.date);
    if (i === undefined || left <= 0) continue;
    const filledOn = epochDay(day.date) - day.fullLead;
    for (let k = 1; k <= REBOOK_DAYS && left > 0; k++) {
      const x = open[i + k];
      if (x === undefined || censored.has(x)) continue;
      const leads = byDate.get(x) ?? [];
      const lead = epochDay(x) - filledOn;
      const before = leads.filter((l) => l > lead).length;
      const after = leads.length - before;
      const share = Math.min(1, Math.max(0, curve[lead] ?? 0));
      const own = share > 0 ? (before * (1 - share)) / share : after;
      // Beyond the day's own late bookings and their Poisson noise (two standard deviations).
      const excess = Math.min(left, Math.max(0, after - own - 2 * Math.sqrt(own + 1)));
      less.set(x, (less.get(x) ?? 0) + excess);
      left -= excess;
    }
  }
  return history.map((h) => ({ ...h, count: Math.max(0, h.count - (less.get(h.date) ?? 0)) }));
}

/** Expected appointments per open day in [from, to], from the bookings known before `from`. */
export function forecastAppointmentDemand(
  records: readonly BookingRecord[],
  from: string,
  to: string,
  options: AppointmentDemandOptions,
): AppointmentDemandForecast {
  const maxLead = Math.max(epochDay(to) - epochDay(from) + 1, 200);
  // Which past days filled up needs the curve, and the curve must leave them out: the curve of all days
  // finds the censored ones, the curve without them estimates their demand and forecasts.
  const curveOptions = { isClosed: options.isClosed, weeks: options.curveWeeks, maxLead };
  let curve = bookingCurve(records, from, curveOptions);
  let censored = new Map<string, CensoredDay>();
  if (options.capacity) {
    const capacity = options.capacity;
    const full = censoredDays(records, from, capacity, curve);
    if (full.size > 0) {
      curve = bookingCurve(records, from, { ...curveOptions, exclude: full });
      // Every day of the curve's weeks filled: keep the curve of all days rather than none.
      if (curve.every((c) => c === 0)) curve = bookingCurve(records, from, curveOptions);
      censored = censoredDays(records, from, capacity, curve);
    }
  }
  const history = withoutRebookings(
    dailyFinalBookings(records, from, options.isClosed, censored),
    records,
    censored,
    curve,
  );
  const model = new Map(
    forecastDemand(history, from, to, { isClosed: options.isClosed, renewal: options.renewal }).map((f) => [
      f.date,
      f.expected,
    ]),
  );
  const booked = new Map<string, number>();
  const leadsAhead = new Map<string, number[]>();
  for (const r of records) {
    if (!counts(r) || r.serviceDate < from || r.serviceDate > to || r.bookedOn >= from) continue;
    booked.set(r.serviceDate, (booked.get(r.serviceDate) ?? 0) + 1);
    const list = leadsAhead.get(r.serviceDate) ?? [];
    list.push(epochDay(r.serviceDate) - epochDay(r.bookedOn));
    leadsAhead.set(r.serviceDate, list);
  }
  // A coming day whose book is already full shows no more of its demand: what is unseen is the share of
  // its bookings usually made after the lead on which it filled, not after today.
  const fullSince = (date: string): number | null => {
    const cap = options.capacity?.(date);
    const leads = leadsAhead.get(date);
    if (cap === undefined || !leads || !isFull(leads.length, cap)) return null;
    leads.sort((a, b) => b - a);
    for (let i = 0; i < leads.length; i++) if (isFull(i + 1, cap)) return leads[i] ?? null;
    return null;
  };
  const noShowRate = noShowShare(records, from, { weeks: options.noShowWeeks, prior: options.noShowPrior });
  const days: AppointmentDemandDay[] = [];
  for (let date = from; date <= to; date = addDaysIso(date, 1)) {
    if (isWeekend(date)) continue;
    const closed = options.isClosed(date);
    const b = booked.get(date) ?? 0;
    const h = epochDay(date) - epochDay(from);
    const filled = closed ? null : fullSince(date);
    const share = (lead: number) => Math.min(1, Math.max(0, curve[lead] ?? 0));
    const c = share(h);
    const f = model.get(date) ?? 0;
    let expected = closed ? b : b + (1 - c) * f;
    if (filled !== null && filled > h) {
      // Full since `filled` days before it: the model stands for what residents asked after that (as for
      // a past full day, the larger of the blend through the day it filled and up to the day before).
      const before = (leadsAhead.get(date) ?? []).filter((l) => l > filled).length;
      expected = Math.max(b + (1 - share(filled - 1)) * f, before + (1 - share(filled)) * f);
    }
    days.push({
      date,
      closed,
      booked: b,
      expectedBookings: expected,
      expectedVisits: expected * (1 - noShowRate),
      curveShare: c,
    });
  }
  return { noShowRate, censored: [...censored.values()].sort((a, b) => a.date.localeCompare(b.date)), days };
}
