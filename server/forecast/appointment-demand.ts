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
  days: AppointmentDemandDay[];
}

const DAY_MS = 86_400_000;
function epochDay(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

const counts = (r: BookingRecord) => r.status !== 'cancelled';

/**
 * The booking curve learned from completed days before `origin`: c[h] = share of a day's final bookings
 * booked more than h days before it (i.e. known at an origin h days ahead). Non-increasing in h.
 */
export function bookingCurve(
  records: readonly BookingRecord[],
  origin: string,
  options: { isClosed: (date: string) => boolean; weeks?: number; maxLead?: number },
): number[] {
  const from = addDaysIso(origin, -7 * (options.weeks ?? 8));
  const maxLead = options.maxLead ?? 200;
  const leads = new Array<number>(maxLead + 2).fill(0);
  let total = 0;
  for (const r of records) {
    if (!counts(r) || r.serviceDate < from || r.serviceDate >= origin || options.isClosed(r.serviceDate)) continue;
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

/** Final bookings per completed open day before `origin`, as daily counts for the seasonal model. */
export function dailyFinalBookings(
  records: readonly BookingRecord[],
  origin: string,
  isClosed: (date: string) => boolean,
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
    out.push({ date: d, hour: 0, count: byDate.get(d) ?? 0 });
  }
  return out;
}

/** Expected appointments per open day in [from, to], from the bookings known before `from`. */
export function forecastAppointmentDemand(
  records: readonly BookingRecord[],
  from: string,
  to: string,
  options: AppointmentDemandOptions,
): AppointmentDemandForecast {
  const maxLead = epochDay(to) - epochDay(from) + 1;
  const curve = bookingCurve(records, from, { isClosed: options.isClosed, weeks: options.curveWeeks, maxLead });
  const history = dailyFinalBookings(records, from, options.isClosed);
  const model = new Map(
    forecastDemand(history, from, to, { isClosed: options.isClosed, renewal: options.renewal }).map((f) => [
      f.date,
      f.expected,
    ]),
  );
  const booked = new Map<string, number>();
  for (const r of records) {
    if (!counts(r) || r.serviceDate < from || r.serviceDate > to || r.bookedOn >= from) continue;
    booked.set(r.serviceDate, (booked.get(r.serviceDate) ?? 0) + 1);
  }
  const noShowRate = noShowShare(records, from, { weeks: options.noShowWeeks, prior: options.noShowPrior });
  const days: AppointmentDemandDay[] = [];
  for (let date = from; date <= to; date = addDaysIso(date, 1)) {
    if (isWeekend(date)) continue;
    const closed = options.isClosed(date);
    const b = booked.get(date) ?? 0;
    const h = epochDay(date) - epochDay(from);
    const c = Math.min(1, Math.max(0, curve[h] ?? 0));
    const expected = closed ? b : b + (1 - c) * (model.get(date) ?? 0);
    days.push({
      date,
      closed,
      booked: b,
      expectedBookings: expected,
      expectedVisits: expected * (1 - noShowRate),
      curveShare: c,
    });
  }
  return { noShowRate, days };
}
