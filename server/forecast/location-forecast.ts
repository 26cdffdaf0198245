import { DateTime } from 'luxon';
import { cooperative, runCooperatively } from '../cooperate.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { localDateOf } from '../scheduling/calendar.ts';
import { closedSet, planOffice, walkInHoursOn } from '../scheduling/day-plans.ts';
import { getOffice, type Office } from '../scheduling/office-cache.ts';
import { expandDates } from '../scheduling/recurrence.ts';
import { loadWaitRows, localDayEnd, localDayStart } from '../stats/load-waits.ts';
import { dayCapacity, type PlacedAppointment } from './appointment-capacity.ts';
import { type BookingRecord, forecastAppointmentDemand } from './appointment-demand.ts';
import {
  addDaysIso,
  documentTypesFor,
  forecastDemand,
  type HourlyCount,
  type RegistryRow,
  renewalIndex,
  renewalPerWorkingDay,
} from './demand.ts';
import type { AppointmentHistoryRecord } from './forecast-history-store.ts';
import { openingCrowdShare } from './opening-crowd.ts';
import { WALK_UP_MINUTES } from './simulator/scenario.ts';
import {
  releasableSlots,
  requiredCountersWithCrowdSteps,
  restrictedServiceSets,
  skillGroups,
  slotsForAppointmentNorm,
  ticketMinutes,
} from './staffing.ts';

/**
 * The planner's view of the coming weeks for one location, one plan for both channels: forecast walk-in
 * demand per service and hour, and forecast appointment demand per service and day (what residents will
 * have booked by then, `appointment-demand.ts` — never the nearly empty future book); per hour the
 * counters needed for walk-ins and the expected appointment visits together (`requiredCounters`: modified
 * offered load + exact Erlang C per skill group, the appointment visits of the group's services pooled
 * with its walk-ins), held against the roster; per
 * day the slots that can still be released beyond the expected demand, and how many appointment slots
 * the norm "an appointment within N working days" needs. Reads only.
 */

/** The appointment norm: a resident who wants one gets one within this many working days (FACTS.md). */
export const APPOINTMENT_NORM_WORKING_DAYS = 5;
/** Appointment visits of a service no walk-in counter group serves are planned at this occupancy. */
const APPOINTMENT_OCCUPANCY = 0.9;

export interface ForecastHour {
  date: string;
  hour: number;
  demand: Record<string, number>;
  walkInArrivals: number;
  /** Minutes of appointments in the book as it stands. */
  bookedMinutes: number;
  /** Minutes of appointment visits expected (forecast bookings less no-shows). */
  appointmentMinutes: number;
  /** Counters for walk-ins (Erlang) plus counters for the expected appointment visits. */
  requiredCounters: number;
  rosteredCounters: number;
  gap: number;
}

export interface ForecastDay {
  date: string;
  closed: boolean;
  walkInArrivals: number;
  requiredCounterHours: number;
  rosteredCounterHours: number;
  /** Hours where fewer counters are rostered than needed. */
  shortHours: number;
  /** Slots (of slotMinutes) that can be opened beyond the expected walk-in and appointment demand. */
  releasableSlots: number;
  /** Appointments (service-persons) booked as the book stands. */
  appointmentsBooked: number;
  /** Appointments residents are expected to have booked by the day. */
  appointmentsExpected: number;
  /** Expected appointment visits (less no-shows). */
  appointmentVisitsExpected: number;
  /** Expected bookings per bookable service. */
  appointmentsByService: Record<string, number>;
  /** Slots the roster offers for appointments after the walk-in need. */
  appointmentSlots: number;
  /** Slots a day needs so that residents get an appointment within the norm's working days. */
  slotsForNorm: number;
  /** Slots missing for the norm (0 when the roster offers enough). */
  slotsShort: number;
  warning: boolean;
}

export interface LocationForecast {
  locationId: string;
  from: string;
  to: string;
  norm: { share: number; minutes: number };
  slotMinutes: number;
  services: string[];
  historyDays: number;
  usesRegistry: boolean;
  appointmentNorm: { workingDays: number };
  /** No-show share per bookable service, from recent history. */
  noShowRates: Record<string, number>;
  /**
   * Per bookable service, the days of the last CENSORING_WEEKS weeks whose book filled up: their bookings
   * and the demand estimated for them (what residents asked for, counted in the forecast).
   */
  fullDays: Record<string, { days: number; booked: number; estimatedDemand: number }>;
  /** Share of the walk-in opening hour's arrivals who wait at the door (learned from the last weeks). */
  openingCrowdShare: number;
  /** Counters the office has (with at least one service): more needed in an hour cannot be rostered there. */
  officeCounters: number;
  hours: ForecastHour[];
  days: ForecastDay[];
}

const HISTORY_WEEKS = 104;
/** Weeks ahead in which the opening hour with a crowd is sized by its Markov model. */
const MARKOV_WEEKS = 1;
/** Weeks of walk-in history the crowd at the door is learned from. */
const CROWD_WEEKS = 8;
/** Weeks of full days the planner reports. */
const CENSORING_WEEKS = 8;
/** Days of finished tickets the minutes per ticket are learned from (as the live predictor's). */
const LEARNING_DAYS = 28;
const round2 = (x: number) => Math.round(x * 100) / 100;

function hourOfWall(wall: string): number {
  return Number(wall.slice(0, 2)) + Number(wall.slice(3, 5)) / 60;
}

export async function getLocationForecast(
  deps: Deps,
  locationId: string,
  from: string,
  to: string,
  slotMinutes = 10,
  /** Weeks from today in which the opening hour with a crowd gets the Markov model (default MARKOV_WEEKS). */
  markovWeeks = MARKOV_WEEKS,
): Promise<LocationForecast> {
  const office = await getOffice(deps.storage.read, locationId);
  if (!office) throw new AppError('not-found', 'No such location');
  const { location } = office;
  const zone = location.timeZone;
  // A cold forecast is seconds of CPU: between its steps and days the node answers its other clients.
  const pause = cooperative();
  const walkInServices = [...office.services.values()].filter((s) => s.walkIn);
  const codeById = new Map([...office.services.values()].map((s) => [s.id, s.code]));

  const nowLocal = DateTime.fromJSDate(deps.clock.now(), { zone });
  const today = nowLocal.toISODate() as string;
  /** The share of an hour of a day still to come (1 for a day after today, 0 for one before it). */
  const stillToCome = (date: string, hour: number) =>
    date > today ? 1 : date < today ? 0 : Math.min(1, Math.max(0, hour + 1 - nowLocal.hour - nowLocal.minute / 60));
  // A range from today on is forecast today from the history before it, whatever its first day: fitted from
  // a future range's start, its profile weeks and the crowd's held the days between today and that start,
  // which have no tickets yet, so a day's plan differed with the range it was asked in (the what-if of one
  // day against the planner's fortnight). A range that starts earlier is forecast from its first day.
  const demandOrigin = today < from ? today : from;
  // History: Loket's own tickets, and imported hourly counts for the days before them.
  const historyFrom = addDaysIso(demandOrigin, -7 * HISTORY_WEEKS);
  const historyTo = addDaysIso(demandOrigin, -1);
  const store = deps.storage.read.forecastHistory;
  // Read in 4-week windows with a pause between: two years of tickets in one read was the forecast's longest slice.
  const own: Awaited<ReturnType<typeof loadWaitRows>> = [];
  for (let start = historyFrom; start <= historyTo; start = addDaysIso(start, 28)) {
    const end = addDaysIso(start, 27) < historyTo ? addDaysIso(start, 27) : historyTo;
    for (const r of await loadWaitRows(deps.storage.read.waitHistory, new Map([[locationId, zone]]), start, end))
      if (r.source !== 'check-in') own.push(r);
    await pause();
  }
  const byService = new Map<string, Map<string, number>>();
  const ownDates = new Set<string>();
  for (const r of own) {
    ownDates.add(r.date);
    const m = byService.get(r.serviceCode) ?? new Map<string, number>();
    const key = `${r.date}|${r.hour}`;
    m.set(key, (m.get(key) ?? 0) + 1);
    byService.set(r.serviceCode, m);
  }
  const firstOwn = [...ownDates].sort()[0] ?? '9999-12-31';
  // The crowd at the door at the walk-in opening: the share of the opening hour's walk-ins who took their
  // ticket in its first minutes beyond the hour's rate, over the last weeks' days (`opening-crowd.ts`).
  const crowdFrom = addDaysIso(demandOrigin, -7 * CROWD_WEEKS);
  const issuedByDate = new Map<string, number[]>();
  for (const r of own) {
    if (r.date < crowdFrom) continue;
    const opening = walkInHoursOn(office, r.date)[0]?.start;
    if (opening === undefined) continue;
    const list = issuedByDate.get(r.date) ?? [];
    list.push((r.issuedAt.getTime() - opening) / 60_000);
    issuedByDate.set(r.date, list);
  }
  const crowdShare = openingCrowdShare([...issuedByDate.values()]);
  const imported = await store.importedHourlyCounts(locationId, historyFrom, demandOrigin);
  for (const r of imported) {
    if (r.date >= firstOwn) continue;
    const m = byService.get(r.serviceCode) ?? new Map<string, number>();
    m.set(`${r.date}|${r.hour}`, (m.get(`${r.date}|${r.hour}`) ?? 0) + r.count);
    byService.set(r.serviceCode, m);
    ownDates.add(r.date);
  }

  const registry: RegistryRow[] = await store.registry(location.municipalityId);
  const index = registry.length > 0 ? renewalIndex(registry) : null;

  const closed = closedSet(office, historyFrom, addDaysIso(to, 14));
  const isClosed = (d: string) => closed.has(d);

  // Appointment demand per bookable service and day, from the booking history (origin: today).
  const bookable = [...office.services.values()].filter((s) => s.bookableOnline);
  // One read of the book from the history's start to two weeks after the plan: the booking records of the
  // demand model, and the booked minutes of the planned days.
  const history = await store.appointmentHistory(
    locationId,
    localDayStart(historyFrom, zone),
    localDayEnd(addDaysIso(to, 14), zone),
  );
  await pause();
  const bookings = bookingRecords(history, zone);
  // The capacity each day offered per service: recorded on the day for past days, and for the coming days
  // the book and roster as they stand (a day already full shows no more of its demand).
  const capacityOf = await capacityByService(deps, office, historyFrom, today, addDaysIso(to, 14), history);
  const apptDemand = new Map<string, Map<string, { booked: number; expected: number; visits: number }>>();
  const noShowRates: Record<string, number> = {};
  const fullDays: LocationForecast['fullDays'] = {};
  for (const s of bookable) {
    await pause();
    const records = bookings.get(s.code) ?? [];
    const byDate = new Map<string, { booked: number; expected: number; visits: number }>();
    // Made today, from the book as it stands today, for any range: a future range's start as the origin read
    // that book as if it stood then (the booking curve's lead times from that start), too few bookings ahead.
    const origin = today;
    const known = records.filter((r) => r.bookedOn < today);
    const caps = capacityOf.get(s.code);
    const f = forecastAppointmentDemand(known, origin, addDaysIso(to, 14), {
      isClosed,
      renewal: index ? renewalPerWorkingDay(index, documentTypesFor(s.code)) : undefined,
      // Days before the capacity was recorded are judged by their bookings (`stoppedEarly`).
      capacity: (date) => caps?.get(date),
    });
    noShowRates[s.code] = Math.round(f.noShowRate * 1000) / 1000;
    const recent = f.censored.filter((c) => c.date >= addDaysIso(origin, -7 * CENSORING_WEEKS));
    fullDays[s.code] = {
      days: recent.length,
      booked: recent.reduce((a, c) => a + c.booked, 0),
      estimatedDemand: round2(recent.reduce((a, c) => a + c.demand, 0)),
    };
    for (const d of f.days)
      byDate.set(d.date, { booked: d.booked, expected: d.expectedBookings, visits: d.expectedVisits });
    // Days already past: what was booked is what there was.
    for (const r of records) {
      if (r.serviceDate >= origin || r.serviceDate < from || r.status === 'cancelled') continue;
      const v = byDate.get(r.serviceDate) ?? { booked: 0, expected: 0, visits: 0 };
      v.booked++;
      v.expected++;
      if (r.status !== 'no-show') v.visits++;
      byDate.set(r.serviceDate, v);
    }
    apptDemand.set(s.code, byDate);
  }
  const demand = new Map<string, Map<string, number>>();
  for (const s of walkInServices) {
    await pause();
    const history: HourlyCount[] = [...(byService.get(s.code) ?? new Map<string, number>())].map(([key, count]) => {
      const [date, hour] = key.split('|') as [string, string];
      return { date, hour: Number(hour), count };
    });
    const f = forecastDemand(history, demandOrigin, to, {
      isClosed,
      renewal: index ? renewalPerWorkingDay(index, documentTypesFor(s.code)) : undefined,
    });
    demand.set(s.code, new Map(f.filter((x) => x.date >= from).map((x) => [`${x.date}|${x.hour}`, x.expected])));
  }

  // Booked appointment minutes per local hour (known load, served first).
  const startInstant = localDayStart(from, zone).getTime();
  const endInstant = localDayEnd(to, zone).getTime();
  const booked = history.filter(
    (a) =>
      (a.status === 'booked' || a.status === 'checked-in') &&
      a.startsAt.getTime() >= startInstant &&
      a.startsAt.getTime() < endInstant,
  );
  const bookedMinutes = new Map<string, number>();
  for (const a of booked) {
    for (let t = a.startsAt.getTime(); t < a.endsAt.getTime(); t += 60_000) {
      const local = DateTime.fromMillis(t, { zone });
      const key = `${local.toISODate()}|${local.hour}`;
      bookedMinutes.set(key, (bookedMinutes.get(key) ?? 0) + 1);
    }
  }

  // Rostered counters per local hour (share of the hour covered), from the roster rules.
  const activeCounters = new Set(office.counters.map((c) => c.id));
  const rostered = new Map<string, number>();
  const rosteredForAppointments = new Map<string, number>();
  /** Per local hour: each rostered counter's cover (for the services only some counters serve). */
  const rosteredCounters = new Map<string, Map<number, number>>();
  for (const rule of office.rosterRules) {
    if (!activeCounters.has(rule.counterId)) continue;
    const a = hourOfWall(rule.startsAt);
    const b = hourOfWall(rule.endsAt);
    for (const date of expandDates(rule, from, to)) {
      if (closed.has(date)) continue;
      for (let h = Math.floor(a); h < Math.ceil(b); h++) {
        const cover = Math.min(b, h + 1) - Math.max(a, h);
        if (cover <= 0) continue;
        const key = `${date}|${h}`;
        rostered.set(key, (rostered.get(key) ?? 0) + cover);
        const covers = rosteredCounters.get(key) ?? new Map<number, number>();
        covers.set(rule.counterId, (covers.get(rule.counterId) ?? 0) + cover);
        rosteredCounters.set(key, covers);
        if (rule.mode !== 'walk-in') rosteredForAppointments.set(key, (rosteredForAppointments.get(key) ?? 0) + cover);
      }
    }
  }

  // Skill groups: demand pools only where counters share services.
  const skillCounters = office.counters.map((c) => ({
    id: c.id,
    skills: [...c.skills].map((id) => codeById.get(id) ?? ''),
  }));
  const groups = skillGroups(
    skillCounters,
    walkInServices.map((s) => s.code),
  );
  // Within a group, counters that serve only some of its services (a pickup-only counter) cannot help the
  // rest: each set of services that some counters leave out must be met by the counters that serve them.
  // With the counters that serve one of them: the same for every day.
  const restricted = groups.map((group) =>
    restrictedServiceSets(skillCounters, group).map((codes) => ({
      codes,
      counters: new Set(skillCounters.filter((c) => c.skills.some((k) => codes.includes(k))).map((c) => c.id)),
    })),
  );
  // Minutes a counter spends per walk-in ticket, learned from the last four weeks' finished tickets.
  const learning = await deps.storage.read.queue.learningHistory(
    locationId,
    new Date(deps.clock.now().getTime() - LEARNING_DAYS * 86_400_000),
  );
  const perTicket = ticketMinutes(
    learning.serviceSamples,
    Object.fromEntries(walkInServices.map((s) => [s.code, s.minutesPerPerson])),
  );
  const minutesOf = new Map(walkInServices.map((s) => [s.code, perTicket.minutes[s.code] ?? s.minutesPerPerson]));
  const target = { share: location.serviceNormShare, withinMinutes: location.serviceNormMinutes };

  const plans = planOffice(office, from, to);
  // The opening hour's crowd by its time-dependent model: solved as a Markov chain for the coming weeks
  // the roster is made for; beyond, the same model over seeded days (within a counter of the chain, at a
  // fraction of its CPU: the year view sizes hundreds of opening hours).
  const markovUntil = markovWeeks > 0 ? addDaysIso(today, 7 * markovWeeks - 1) : '0000-00-00';
  const hours: ForecastHour[] = [];
  const days: ForecastDay[] = [];
  for (let date = from; date <= to; date = addDaysIso(date, 1)) {
    const plan = plans.get(date);
    const isClosedDay = !plan || plan.closed || plan.opening.length === 0;
    if (isClosedDay) {
      if (plan && DateTime.fromISO(date, { zone: 'UTC' }).weekday <= 5) {
        days.push({
          date,
          closed: true,
          walkInArrivals: 0,
          requiredCounterHours: 0,
          rosteredCounterHours: 0,
          shortHours: 0,
          releasableSlots: 0,
          appointmentsBooked: 0,
          appointmentsExpected: 0,
          appointmentVisitsExpected: 0,
          appointmentsByService: {},
          appointmentSlots: 0,
          slotsForNorm: 0,
          slotsShort: 0,
          warning: false,
        });
      }
      continue;
    }
    const first = DateTime.fromMillis(Math.min(...plan.opening.map((i) => i.start)), { zone });
    const last = DateTime.fromMillis(Math.max(...plan.opening.map((i) => i.end)), { zone });
    const dayHours: number[] = [];
    for (let h = first.hour; h < last.hour + (last.minute > 0 ? 1 : 0); h++) dayHours.push(h);
    const rosteredHours = dayHours.map((h) => rostered.get(`${date}|${h}`) ?? 0);
    // The hour the walk-in doors open (the crowd waits for it).
    const walkInStart = plan.walkInHours[0]?.start;
    const openingIndex =
      walkInStart === undefined ? -1 : dayHours.indexOf(DateTime.fromMillis(walkInStart, { zone }).hour);
    const appointmentHours = dayHours.map((h) => rosteredForAppointments.get(`${date}|${h}`) ?? 0);
    const bookedHours = dayHours.map((h) => bookedMinutes.get(`${date}|${h}`) ?? 0);
    // Expected appointment visits, spread over the hours rostered for appointments (or as booked, when
    // the book already holds more in an hour than that spread gives).
    let expectedMinutes = 0;
    let booked = 0;
    let expected = 0;
    let visits = 0;
    const byService: Record<string, number> = {};
    const minutesByService = new Map<string, number>();
    for (const s of bookable) {
      const v = apptDemand.get(s.code)?.get(date);
      if (!v) continue;
      byService[s.code] = round2(v.expected);
      booked += v.booked;
      expected += v.expected;
      visits += v.visits;
      expectedMinutes += v.visits * s.minutesPerPerson;
      minutesByService.set(s.code, v.visits * s.minutesPerPerson);
    }
    const apptTotal = appointmentHours.reduce((a, b) => a + b, 0);
    const apptMinutes = dayHours.map((_, i) =>
      Math.max(bookedHours[i] ?? 0, apptTotal > 0 ? (expectedMinutes * (appointmentHours[i] ?? 0)) / apptTotal : 0),
    );
    // Each hour's appointment minutes split over the services in the day's proportions, so they can join
    // the skill group whose counters serve them.
    const shareOf = (code: string) => (expectedMinutes > 0 ? (minutesByService.get(code) ?? 0) / expectedMinutes : 0);
    // One plan for both channels, per skill group: walk-ins alone (what is left for appointments) and
    // walk-ins with the group's appointment visits pooled on the same counters (what the hour needs).
    const required = dayHours.map(() => 0);
    const need = dayHours.map(() => 0);
    const pooled = new Set<string>();
    /**
     * Counters per hour the walk-ins of `codes` need alone (`walkIns`, what is left for appointments) and with
     * the appointment visits of those services pooled on the same counters (`both`, what the hour needs).
     */
    async function countersFor(
      codes: readonly string[],
      walkInsToo: boolean,
      staffed: readonly number[],
      spill?: { codes: readonly string[]; share: readonly number[] },
    ) {
      /** Walk-ins of `code` in hour i that come to these counters: all of its own, the spilled share of the others'. */
      const comes = (code: string, i: number) =>
        (demand.get(code)?.get(`${date}|${dayHours[i]}`) ?? 0) * (codes.includes(code) ? 1 : (spill?.share[i] ?? 0));
      const coming = spill ? [...codes, ...spill.codes.filter((c) => !codes.includes(c))] : codes;
      const arrivals = dayHours.map((_, i) => coming.reduce((s, code) => s + comes(code, i), 0));
      const total = arrivals.reduce((a, b) => a + b, 0);
      const codesBookable = bookable.filter((s) => codes.includes(s.code));
      const share = codesBookable.reduce((a, s) => a + shareOf(s.code), 0);
      if (total <= 0 && share <= 0) return null;
      const visitsOf = codesBookable.reduce((a, s) => a + (minutesByService.get(s.code) ?? 0) / s.minutesPerPerson, 0);
      const meanMinutes =
        total > 0
          ? dayHours.reduce(
              (s, _, i) => s + coming.reduce((x, code) => x + comes(code, i) * (minutesOf.get(code) ?? 10), 0),
              0,
            ) / total
          : 10;
      const base = {
        openingModel: date <= markovUntil ? ('markov' as const) : ('sampled' as const),
        arrivalsPerHour: arrivals,
        meanServiceMinutes: meanMinutes,
        serviceCv: perTicket.cv,
        walkUpMinutes: WALK_UP_MINUTES,
        target,
        // An hour the roster staffs below its need leaves a queue to the next (staffing.ts carries it).
        staffedCounters: staffed,
      };
      // The opening hour's chain is a few hundred ms of CPU: it pauses for the event loop between its steps.
      await pause();
      const walkIns =
        walkInsToo && total > 0
          ? await runCooperatively(requiredCountersWithCrowdSteps(base, openingIndex, crowdShare), pause)
          : null;
      await pause();
      const both = await runCooperatively(
        requiredCountersWithCrowdSteps(
          {
            ...base,
            appointmentMinutes: apptMinutes.map((m) => m * share),
            appointmentMeanMinutes: visitsOf > 0 ? (share * expectedMinutes) / visitsOf : meanMinutes,
          },
          openingIndex,
          crowdShare,
        ),
        pause,
      );
      return { walkIns, both };
    }
    /** Counters of `ids` rostered in each hour of the day. */
    const rosteredOf = (ids: ReadonlySet<number>) =>
      dayHours.map((h) => {
        let n = 0;
        for (const [id, cover] of rosteredCounters.get(`${date}|${h}`) ?? []) if (ids.has(id)) n += cover;
        return n;
      });
    /** Walk-in load (in counters: visits with the walk to the counter) of `codes` per hour. */
    const walkInLoad = (codes: readonly string[]) =>
      dayHours.map((h) =>
        codes.reduce(
          (s, code) =>
            s + ((demand.get(code)?.get(`${date}|${h}`) ?? 0) * ((minutesOf.get(code) ?? 10) + WALK_UP_MINUTES)) / 60,
          0,
        ),
      );
    /**
     * The counters that serve a restricted set also serve the group's other services: call-next gives such a
     * counter whichever ticket has waited longest against its target, so over an hour the group's rostered
     * counters are about equally busy, at the group's walk-in load over its counters (at most fully). The
     * others' own counters (serving none of the set) take that much of their load; the rest of their walk-ins
     * come to the set's counters. Per hour, the share of the other services' walk-ins that does. Without it
     * the passport and ID-card counters of the demo's Zijlsingel were sized as if theirs alone: ten o'clock
     * was called staffed on Thursdays and Fridays where the simulator calls 0.75–0.78 of passport and ID-card
     * walk-ins within the norm.
     */
    function spillOnto(group: readonly string[], codes: readonly string[], servingIds: ReadonlySet<number>) {
      const others = group.filter((code) => !codes.includes(code));
      const ownIds = new Set(
        skillCounters.filter((c) => !servingIds.has(c.id) && c.skills.some((k) => others.includes(k))).map((c) => c.id),
      );
      const groupIds = new Set(skillCounters.filter((c) => c.skills.some((k) => group.includes(k))).map((c) => c.id));
      const own = rosteredOf(ownIds);
      const groupCounters = rosteredOf(groupIds);
      const groupLoad = walkInLoad(group);
      const othersLoad = walkInLoad(others);
      const share = dayHours.map((_, i) => {
        const load = othersLoad[i] ?? 0;
        if (load <= 0) return 0;
        const counters = groupCounters[i] ?? 0;
        const busy = counters > 0 ? Math.min(1, (groupLoad[i] ?? 0) / counters) : 1;
        return Math.max(0, 1 - ((own[i] ?? 0) * busy) / load);
      });
      return { codes: others, share };
    }
    /** Per hour: how many more counters serving some restricted set of services the roster lacks (≥ 0). */
    const lacking = dayHours.map(() => 0);
    for (const [g, group] of groups.entries()) {
      for (const s of bookable) if (group.includes(s.code)) pooled.add(s.code);
      const groupIds = new Set(skillCounters.filter((c) => c.skills.some((k) => group.includes(k))).map((c) => c.id));
      const counters = await countersFor(group, true, rosteredOf(groupIds));
      if (!counters) continue;
      counters.walkIns?.forEach((n, i) => {
        required[i] = (required[i] ?? 0) + n;
      });
      counters.both.forEach((n, i) => {
        need[i] = (need[i] ?? 0) + n;
      });
      for (const { codes, counters: servingIds } of restricted[g] ?? []) {
        const serving = rosteredOf(servingIds);
        // A subset of the group's demand never needs more counters than the whole group: only where the
        // counters serving it are fewer than that can they be too few.
        if (!serving.some((r, i) => r < (counters.both[i] ?? 0))) continue;
        const subset = await countersFor(codes, false, serving, spillOnto(group, codes, servingIds));
        subset?.both.forEach((n, i) => {
          lacking[i] = Math.max(lacking[i] ?? 0, n - (serving[i] ?? 0));
        });
      }
    }
    // Appointment services no walk-in counter group serves keep counters of their own.
    const apart = 1 - bookable.filter((s) => pooled.has(s.code)).reduce((a, s) => a + shareOf(s.code), 0);
    if (apart > 1e-9)
      apptMinutes.forEach((m, i) => {
        need[i] = (need[i] ?? 0) + Math.ceil((m * apart) / 60 / APPOINTMENT_OCCUPANCY - 1e-9);
      });
    // Where the roster's counters that serve some services are too few for them, the hour needs that many
    // more than it has, however many others are idle: those cannot take their visitors.
    lacking.forEach((more, i) => {
      if (more > 1e-9) need[i] = Math.max(need[i] ?? 0, Math.ceil((rosteredHours[i] ?? 0) + more - 1e-9));
    });
    let short = 0;
    let arrivalsDay = 0;
    dayHours.forEach((h, i) => {
      const d: Record<string, number> = {};
      let sum = 0;
      for (const s of walkInServices) {
        const v = demand.get(s.code)?.get(`${date}|${h}`) ?? 0;
        d[s.code] = round2(v);
        sum += v;
      }
      arrivalsDay += sum;
      const gap = round2((rosteredHours[i] ?? 0) - (need[i] ?? 0));
      if (gap < 0) short++;
      hours.push({
        date,
        hour: h,
        demand: d,
        walkInArrivals: round2(sum),
        bookedMinutes: bookedHours[i] ?? 0,
        appointmentMinutes: Math.round(apptMinutes[i] ?? 0),
        requiredCounters: need[i] ?? 0,
        rosteredCounters: round2(rosteredHours[i] ?? 0),
        gap,
      });
    });
    // Appointment counters not needed for walk-ins or the expected appointment visits can take more — in the
    // part of the hour still to come: a slot released today for an hour that has passed can be booked by nobody.
    const spareForAppointments = appointmentHours.map(
      (a, i) =>
        Math.min(a, Math.max(0, (rosteredHours[i] ?? 0) - (need[i] ?? 0))) * stillToCome(date, dayHours[i] ?? 0),
    );
    // Appointment capacity after the walk-in need, in slots.
    const capacityForAppointments = appointmentHours.map((a, i) =>
      Math.min(a, Math.max(0, (rosteredHours[i] ?? 0) - (required[i] ?? 0))),
    );
    const appointmentSlots = releasableSlots(
      capacityForAppointments,
      capacityForAppointments.map(() => 0),
      slotMinutes,
    );
    days.push({
      date,
      closed: false,
      walkInArrivals: round2(arrivalsDay),
      requiredCounterHours: need.reduce((a, b) => a + b, 0),
      rosteredCounterHours: round2(rosteredHours.reduce((a, b) => a + b, 0)),
      shortHours: short,
      releasableSlots: releasableSlots(
        spareForAppointments,
        spareForAppointments.map(() => 0),
        slotMinutes,
      ),
      appointmentsBooked: booked,
      appointmentsExpected: round2(expected),
      appointmentVisitsExpected: round2(visits),
      appointmentsByService: byService,
      appointmentSlots,
      slotsForNorm: 0,
      slotsShort: 0,
      warning: short > 0,
    });
  }
  // The appointment norm, by the rule the staffing benchmark scores (`slotsForAppointmentNorm`).
  const meanMinutes =
    bookable.length > 0 ? bookable.reduce((a, s) => a + s.minutesPerPerson, 0) / bookable.length : slotMinutes;
  const slotsPerBooking = Math.max(1, Math.ceil(meanMinutes / slotMinutes - 1e-9));
  const open = days.filter((d) => !d.closed);
  const forNorm = slotsForAppointmentNorm(
    open.map((d) => d.appointmentsExpected),
    slotsPerBooking,
    APPOINTMENT_NORM_WORKING_DAYS,
  );
  open.forEach((d, i) => {
    d.slotsForNorm = forNorm[i] ?? 0;
    d.slotsShort = Math.max(0, d.slotsForNorm - d.appointmentSlots);
    if (d.slotsShort > 0) d.warning = true;
  });
  return {
    locationId,
    from,
    to,
    norm: { share: location.serviceNormShare, minutes: location.serviceNormMinutes },
    appointmentNorm: { workingDays: APPOINTMENT_NORM_WORKING_DAYS },
    noShowRates,
    fullDays,
    openingCrowdShare: round2(crowdShare),
    officeCounters: office.counters.filter((c) => c.skills.size > 0).length,
    slotMinutes,
    services: walkInServices.map((s) => s.code),
    historyDays: ownDates.size,
    usesRegistry: index !== null,
    hours,
    days,
  };
}

/**
 * Capacity per bookable service and local date: recorded for days before `today`, from the book and the
 * roster as they stand for `today` to `to` (`appointment-capacity.ts`).
 */
async function capacityByService(
  deps: Deps,
  office: Office,
  from: string,
  today: string,
  to: string,
  history: readonly AppointmentHistoryRecord[],
): Promise<Map<string, Map<string, number>>> {
  const out = new Map<string, Map<string, number>>();
  const put = (code: string, date: string, capacity: number) => {
    const m = out.get(code) ?? new Map<string, number>();
    m.set(date, capacity);
    out.set(code, m);
  };
  const locationId = office.location.id;
  const zone = office.location.timeZone;
  for (const r of await deps.storage.read.forecastHistory.appointmentCapacity(locationId, from, addDaysIso(today, -1)))
    put(r.serviceCode, r.date, r.capacity);
  if (to < today) return out;
  const start = localDayStart(today, zone).getTime();
  const end = localDayEnd(to, zone).getTime();
  const occupied = await deps.storage.read.appointments.occupancy(locationId, start, end, deps.clock.now());
  const books = new Map<string, { placed: PlacedAppointment[]; persons: Record<string, number> }>();
  const bookOf = (date: string) => {
    let b = books.get(date);
    if (!b) {
      b = { placed: [], persons: {} };
      books.set(date, b);
    }
    return b;
  };
  for (const o of occupied)
    bookOf(DateTime.fromMillis(o.startsAt, { zone }).toISODate() as string).placed.push({
      counterId: o.counterId,
      startsAt: o.startsAt,
      endsAt: o.endsAt,
    });
  for (const a of history) {
    if (a.status === 'cancelled' || a.status === 'expired' || a.startsAt.getTime() < start) continue;
    const b = bookOf(DateTime.fromJSDate(a.startsAt, { zone }).toISODate() as string);
    for (const i of a.items) b.persons[i.serviceCode] = (b.persons[i.serviceCode] ?? 0) + i.persons;
  }
  for (const [date, plan] of planOffice(office, today, to))
    for (const r of dayCapacity(office, plan, bookOf(date))) put(r.serviceCode, r.date, r.capacity);
  return out;
}

/** Booked service-persons per bookable service (all statuses), with local service and booking dates. */
function bookingRecords(history: readonly AppointmentHistoryRecord[], zone: string): Map<string, BookingRecord[]> {
  const out = new Map<string, BookingRecord[]>();
  for (const a of history) {
    // An expired hold never became an appointment; a live hold counts as booked (it takes the slot).
    if (a.status === 'expired') continue;
    const serviceDate = localDateOf(a.startsAt, zone);
    const bookedOn = localDateOf(a.createdAt, zone);
    const status = a.status === 'held' ? 'booked' : a.status;
    for (const item of a.items) {
      const list = out.get(item.serviceCode) ?? [];
      for (let i = 0; i < item.persons; i++) list.push({ serviceDate, bookedOn, status });
      out.set(item.serviceCode, list);
    }
  }
  return out;
}
