/**
 * Counters needed per hour to meet a service norm (pure).
 *
 * Hour-by-hour stationary Erlang C (SIPP) assumes each hour starts empty and ends in equilibrium; an
 * office does not: the congestion of an arrival peak comes later than the peak, and the crowd at the
 * door at opening is a backlog, not a rate. We therefore use the modified offered load (MOL): the
 * infinite-server load m(t), with m′ = λ(t) − m/τ starting from the crowd, averaged over each hour,
 * is fed to exact Erlang C (or Erlang A with abandonment) instead of λ·τ. The opening hour with a crowd
 * is sized by a time-dependent model of that hour (`opening-crowd.ts`): every counter starts at once and
 * visits vary less than an exponential, which neither Erlang nor MOL can see. MOL's infinite-server decay
 * knows no counters either: an hour staffed below its need (the roster) leaves people waiting at its end,
 * and the next hour starts behind them; that queue is carried into it (`carryover.ts`). Nor does the
 * stationary Erlang know that a queue takes time to build up after a better-staffed hour: a day of walk-ins
 * alone is sized hour by hour on the carried days from its opening.
 *
 * Appointments and walk-ins share the counters, so their loads are pooled: one Erlang on the sum of the
 * walk-in load and the expected appointment visits' load (the mean visit weighted over both), never a
 * rounded-up appointment counter on top of a rounded-up walk-in count — that staffs up to two counters
 * too many whenever both are fractional.
 */

import { learnServiceTimes, type ServiceSample } from '../queue/service-times.ts';
import { type CarryState, carryHour, carryHourMeets, openingState } from './carryover.ts';
import { requiredServers, type StaffingTarget, serviceLevel } from './erlang.ts';
import { drain, openingHourServiceLevelSampled, openingHourServiceLevelSteps } from './opening-crowd.ts';

export interface HourlyStaffingInput {
  /** Walk-in arrivals per hour, one entry per opening hour (first = opening hour). */
  arrivalsPerHour: number[];
  meanServiceMinutes: number;
  /** Coefficient of variation of a visit (default 1, the exponential Erlang assumes). */
  serviceCv?: number;
  /** Minutes from a call to the start at the counter: the counter is taken for them too (default 0). */
  walkUpMinutes?: number;
  target: StaffingTarget;
  /** People already waiting when the doors open. */
  crowdAtOpening?: number;
  /** Expected appointment visit minutes per hour (booked or forecast, no-shows left out). */
  appointmentMinutes?: number[];
  /** Minutes per appointment visit (default meanServiceMinutes). */
  appointmentMeanMinutes?: number;
  /**
   * 'mol' (default): modified offered load, the opening crowd modelled, appointments pooled;
   * 'sipp': stationary hour-by-hour Erlang C; 'occupancy': load ÷ 0.85. The two baselines count the crowd
   * as arrivals of the opening hour and add appointment counters (at 90 % occupancy) on top.
   */
  method?: 'mol' | 'sipp' | 'occupancy';
  /**
   * The opening hour with a crowd: 'markov' (default) the time-dependent model of `opening-crowd.ts`,
   * solved as a Markov chain; 'sampled' the same model over seeded days (`openingHourServiceLevelSampled`:
   * within a counter of the chain at a fraction of its CPU, for the months ahead); 'load' the modified
   * offered load starting from the crowd (the old months-ahead model: up to ten counters too many, kept
   * as the benchmark's baseline).
   */
  openingModel?: 'markov' | 'sampled' | 'load';
  /**
   * Counters each hour will have where the office cannot staff it as needed (the roster): an hour staffed
   * below its need leaves a queue that the next hour starts with (`carryover.ts`). Absent or 0 (nobody
   * rostered yet): as needed.
   */
  staffedCounters?: readonly number[];
}

/**
 * The fewest counters from `least` up (at most 1,000) for which `meets` holds, when it is monotone in the counters:
 * gallop up (1, 2, 4… more), then halve the gap. `meets` may yield (a turn for the event loop per try).
 */
function* fewestMeeting(least: number, meets: (n: number) => Generator<void, boolean>): Generator<void, number> {
  let low = least - 1;
  let high = least;
  let step = 1;
  while (high < 1000 && !(yield* meets(high))) {
    low = high;
    high += step;
    step *= 2;
  }
  high = Math.min(high, 1000);
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    if (yield* meets(mid)) high = mid;
    else low = mid;
  }
  return high;
}

/** Occupancy at which the baselines plan appointment counters on top of the walk-in ones. */
const APPOINTMENT_OCCUPANCY = 0.9;

/** Average infinite-server offered load per hour: m′ = λ − m/τ, m(0) = crowd. */
export function modifiedOfferedLoad(arrivalsPerHour: number[], meanServiceMinutes: number, crowd = 0): number[] {
  return modifiedOfferedLoadParts(arrivalsPerHour, meanServiceMinutes, crowd, 1).map((parts) => parts[0] ?? 0);
}

/** The same load averaged over each of `parts` equal parts of every hour. */
export function modifiedOfferedLoadParts(
  arrivalsPerHour: number[],
  meanServiceMinutes: number,
  crowd = 0,
  parts = QUARTERS,
): number[][] {
  const tau = meanServiceMinutes;
  const out: number[][] = [];
  let m = crowd;
  const step = 0.25;
  const partMinutes = 60 / parts;
  const decay = Math.exp(-step / tau);
  for (const perHour of arrivalsPerHour) {
    const lambda = perHour / 60;
    const hour: number[] = [];
    for (let p = 0; p < parts; p++) {
      let sum = 0;
      for (let t = 0; t < partMinutes - 1e-9; t += step) {
        // Exact solution over the step for constant λ.
        const next = lambda * tau + (m - lambda * tau) * decay;
        sum += ((m + next) / 2) * step;
        m = next;
      }
      hour.push(sum / partMinutes);
    }
    out.push(hour);
  }
  return out;
}

/**
 * The hour's service level is the mean over its arrivals, and within an hour the load moves (it builds
 * up after opening and after a rise, drains after a peak): averaging the load first would hide a last
 * quarter where it exceeds the counters. So the modified load is taken per quarter hour and the quarters'
 * service levels are averaged.
 */
const QUARTERS = 4;

/**
 * People still waiting, on average, at an hour's end from which the next hour is sized on the carried days:
 * an opening hour staffed as its model asks leaves a fraction of one (0.2–0.5 in the benchmark's mornings),
 * one staffed two counters short several.
 */
const CARRIED_QUEUE = 1;

/** Carried plans by their inputs: the months ahead repeat a weekday's hours (bounded, cleared when full). */
const carried = new Map<string, number[]>();

/** Counters needed per hour. */
export function requiredCounters(input: HourlyStaffingInput): number[] {
  return drain(requiredCountersSteps(input));
}

/**
 * `requiredCounters` in slices: it yields within the opening hour's Markov chain (`openingHourServiceLevelSteps`),
 * the one long computation, so a caller on the event loop can pause in between.
 */
export function* requiredCountersSteps(input: HourlyStaffingInput): Generator<void, number[]> {
  return yield* countersSteps(input, Number.POSITIVE_INFINITY);
}

/**
 * `requiredCountersSteps`, the carried days sized through hour `carryThrough` only (the hours after it keep
 * the modified offered load's answer). Exact for the hours up to it: the carry runs forward, and an hour's
 * sizing looks ahead only at the next hour's offered-load answer, never at a later hour's carried one.
 */
function* countersSteps(input: HourlyStaffingInput, carryThrough: number): Generator<void, number[]> {
  const walkUp = input.walkUpMinutes ?? 0;
  const tau = input.meanServiceMinutes + walkUp;
  const method = input.method ?? 'mol';
  const crowd = input.crowdAtOpening ?? 0;
  const appointmentMean = (input.appointmentMeanMinutes ?? input.meanServiceMinutes) + walkUp;
  if (method !== 'mol') {
    return input.arrivalsPerHour.map((l, i) => {
      const load = ((l + (i === 0 ? crowd : 0)) * tau) / 60;
      const minutes = input.appointmentMinutes?.[i] ?? 0;
      const walkIn =
        load < 0.05
          ? 0
          : method === 'occupancy'
            ? Math.ceil(load / 0.85 - 1e-9)
            : requiredServers((load * 60) / tau, tau, input.target);
      return Math.max(0, Math.ceil(walkIn + minutes / 60 / APPOINTMENT_OCCUPANCY - 1e-9));
    });
  }
  const cv = input.serviceCv ?? 1;
  const maxOccupancy = input.target.maxOccupancy ?? 0.95;
  const counters: number[] = [];
  const hours = modifiedOfferedLoadParts(input.arrivalsPerHour, tau, crowd);
  for (let i = 0; i < hours.length; i++) counters.push(yield* countersForHour(i, hours[i] ?? []));
  if ((input.openingModel ?? 'markov') === 'load') return counters;
  return yield* carryOver(counters);

  /** Counters the hour's appointment visits keep busy (as the opening-hour model leaves them out). */
  function appointmentCounters(i: number): number {
    const minutes = input.appointmentMinutes?.[i] ?? 0;
    return minutes > 0 ? Math.ceil(((minutes / (appointmentMean - walkUp)) * appointmentMean) / 60 - 1e-9) : 0;
  }

  /**
   * The queue left at the end of an hour, under the counters it will have, is the next hour's backlog. A day
   * of walk-ins alone is carried from its opening and every hour (but the opening hour with a crowd, the
   * opening-hour model's) sized on the carried days (`carryHour`), up or down from the modified offered
   * load's answer. With appointment visits, which the carried days do not hold, only where at least one
   * person is left on average (CARRIED_QUEUE) is that hour sized on them, upwards from that answer, never
   * below it; only days with a crowd at the door or an hour staffed below its need are carried at all, and
   * only while a queue is left. Memoised by input (rates to half an arrival, visits to a tenth of a minute).
   */
  function* carryOver(planned: number[]): Generator<void, number[]> {
    const out = [...planned];
    // An hour nobody is rostered for yet is taken as staffed as needed.
    const staffed = (i: number) => {
      const rostered = Math.round(input.staffedCounters?.[i] ?? 0);
      return rostered > 0 ? Math.min(out[i] ?? 0, rostered) : (out[i] ?? 0);
    };
    const day = {
      crowd,
      // To half an arrival: the months ahead's days then share their carried days and results.
      arrivalsPerHour: input.arrivalsPerHour.map((x) => Math.round(x * 2) / 2),
      meanServiceMinutes: Math.ceil(tau * 10 - 1e-9) / 10,
      serviceCv: input.serviceCv,
      withinMinutes: input.target.withinMinutes,
    };
    const appointments = out.map((_, i) => appointmentCounters(i));
    const last = Math.min(out.length - 1, carryThrough);
    const key = JSON.stringify([day, input.target.share, planned, out.map((_, i) => staffed(i)), appointments, last]);
    const known = carried.get(key);
    if (known) return [...known];
    // A day of walk-ins alone is carried from its opening, every hour sized on the carried days. With appointment
    // visits (which the carried days do not hold) only days with a crowd at the door or an hour staffed below
    // its need are carried, and only while a queue is left.
    const walkInsAlone = appointments.every((n) => n === 0);
    if (!walkInsAlone && !(crowd > 0) && !out.some((n, i) => staffed(i) < n)) return out;
    let state: CarryState | null = walkInsAlone ? openingState() : null;
    for (let i = 0; i <= last; i++) {
      const own = appointments[i] ?? 0;
      /** The hour's end with each counter number the search tried. */
      const tried = new Map<number, CarryState>();
      const from = state;
      // Its walk-ins still waiting at its end go to the next hour's counters, as planned so far (after the
      // last hour with any, these counters serve the waiting room empty).
      const later = i + 1 < out.length ? staffed(i + 1) - (appointments[i + 1] ?? 0) : 0;
      const next = (n: number) => (later > 0 ? later : n - own);
      const meets = function* (n: number): Generator<void, boolean> {
        if (!from) return false;
        // A failing hour's simulation stops once decided (its days are then not kept: rarely wanted).
        const hour = carryHourMeets(day, from, n - own, next(n), input.target.share);
        if (hour.state) tried.set(n, hour.state);
        yield;
        return hour.meets;
      };
      const backlog = from !== null && from.queue >= CARRIED_QUEUE;
      if (from && walkInsAlone && !(i === 0 && crowd > 0) && ((out[i] ?? 0) > 0 || backlog)) {
        // Sized on the carried days outright, up or down from the offered load's answer (the opening hour
        // with a crowd is the opening-hour model's): they start the hour with the queue and the busy counters
        // the hour before leaves, where the stationary Erlang behind that answer has the hour in equilibrium
        // from its first minute — after a better-staffed hour a queue takes most of the hour to build up, so
        // the hour needs fewer counters (track 2's crowd morning: a counter at ten and one at one o'clock).
        // Never above the occupancy ceiling; searched from the offered load's answer, usually one off it
        // (monotone in the counters: common random numbers).
        const least = Math.max(1, Math.ceil(((day.arrivalsPerHour[i] ?? 0) * tau) / 60 / maxOccupancy - 1e-9));
        let n = Math.max(least, out[i] ?? 0);
        if (yield* meets(n)) while (n > least && (yield* meets(n - 1))) n--;
        else n = yield* fewestMeeting(n + 1, meets);
        out[i] = n;
      } else if (backlog) {
        // Upwards from the offered load's answer, for the backlog — a long one may need many more.
        out[i] = yield* fewestMeeting(out[i] ?? 0, meets);
      } else if (from && !walkInsAlone) {
        // Drained: the hours on are the modified offered load's, until one is staffed below its need.
        state = null;
      }
      if (!state && ((i === 0 && crowd > 0) || staffed(i) < (out[i] ?? 0))) {
        // From the opening, or warmed up by the hour before at the counters it will have.
        state = openingState();
        if (i > 0) state = carryHour(day, openingState(i - 1), staffed(i - 1) - (appointments[i - 1] ?? 0)).state;
      }
      if (state) {
        state = tried.get(staffed(i)) ?? carryHour(day, state, staffed(i) - own).state;
        yield;
      }
    }
    if (carried.size >= 5_000) carried.clear();
    carried.set(key, out);
    return [...out];
  }

  function* countersForHour(i: number, quarters: number[]): Generator<void, number> {
    // Pooled: walk-ins and appointment visits share the counters; the visits' load is spread evenly.
    const minutes = input.appointmentMinutes?.[i] ?? 0;
    const visitsPerHour = minutes > 0 ? minutes / (appointmentMean - walkUp) : 0;
    const appointmentLoad = (visitsPerHour * appointmentMean) / 60;
    const walkInLoad = quarters.reduce((a, b) => a + b, 0) / quarters.length;
    // The tail of an earlier peak (or nobody at all): no counter is needed for a twentieth of one.
    if (walkInLoad + appointmentLoad < 0.05) return 0;
    const loads = quarters.map((q) => (walkInLoad < 0.05 ? 0 : q) + appointmentLoad);
    const mean = loads.reduce((a, b) => a + b, 0) / loads.length || 0;
    // The mean visit, weighted by the two channels' shares of the load.
    const perHour = ((walkInLoad < 0.05 ? 0 : walkInLoad) * 60) / tau + visitsPerHour;
    const visitMinutes = perHour > 0 ? (mean * 60) / perHour : tau;
    const level = (n: number) =>
      loads.reduce((a, load) => a + serviceLevel(load, n, visitMinutes, input.target, cv), 0) / loads.length;
    const openingModel = input.openingModel ?? 'markov';
    if (i === 0 && crowd > 0 && openingModel !== 'load') {
      // The opening hour with a crowd is its own model's (the crowd is no rate): upwards from what the
      // hour's walk-ins and appointment visits would keep busy at the occupancy ceiling.
      const arrivals = input.arrivalsPerHour[0] ?? 0;
      const opening = (n: number) => ({
        crowd,
        arrivalsPerHour: arrivals,
        servers: n,
        meanServiceMinutes: tau,
        serviceCv: input.serviceCv,
        withinMinutes: input.target.withinMinutes,
      });
      const least = Math.max(1, Math.ceil(((arrivals * tau) / 60 + appointmentLoad) / maxOccupancy - 1e-9));
      const counters = (n: number) => n - Math.ceil(appointmentLoad - 1e-9);
      if (openingModel === 'markov') {
        // The chain's cost grows steeply with the counters: upwards one at a time, never past the answer.
        let s = least;
        while (s < 1000 && (yield* openingHourServiceLevelSteps(opening(counters(s)))) < input.target.share) s++;
        return s;
      }
      // A few ms each: a turn for the caller after every counter number tried.
      const meets = function* (n: number): Generator<void, boolean> {
        yield;
        return openingHourServiceLevelSampled(opening(counters(n))) >= input.target.share;
      };
      // Sampled (monotone in the counters).
      return yield* fewestMeeting(least, meets);
    }
    let s = Math.max(1, Math.ceil(mean / maxOccupancy - 1e-9));
    while (s < 1000 && level(s) < input.target.share) s++;
    return s;
  }
}

/**
 * Counters per hour with the crowd at the door: the share `crowdShare` of the walk-in opening hour's
 * arrivals (index `opening`) waits at opening and the rest arrive during the hour; that hour is sized by
 * the opening-hour model (`requiredCounters` with `crowdAtOpening`), the hours before it without a crowd;
 * never fewer counters in an hour than with the opening hour taken as a rate.
 */
export function requiredCountersWithCrowd(input: HourlyStaffingInput, opening: number, crowdShare: number): number[] {
  return drain(requiredCountersWithCrowdSteps(input, opening, crowdShare));
}

/** `requiredCountersWithCrowd` in slices (see `requiredCountersSteps`). */
export function* requiredCountersWithCrowdSteps(
  input: HourlyStaffingInput,
  opening: number,
  crowdShare: number,
): Generator<void, number[]> {
  if (opening < 0 || crowdShare <= 0) return requiredCounters(input);
  const arrivals = input.arrivalsPerHour;
  const crowd = opening >= 0 ? (arrivals[opening] ?? 0) * crowdShare : 0;
  if (crowd <= 0) return requiredCounters(input);
  const slice = (from: number, to?: number) => ({
    ...input,
    arrivalsPerHour: arrivals.slice(from, to),
    appointmentMinutes: input.appointmentMinutes?.slice(from, to),
    staffedCounters: input.staffedCounters?.slice(from, to),
  });
  const before = opening > 0 ? requiredCounters(slice(0, opening)) : [];
  const rest = slice(opening);
  // Rounded up (more waiting, more arriving): the opening-hour model's results repeat across days.
  rest.arrivalsPerHour[0] = Math.ceil((rest.arrivalsPerHour[0] ?? 0) - crowd);
  const withDoor = [...before, ...(yield* requiredCountersSteps({ ...rest, crowdAtOpening: Math.ceil(crowd) }))];
  // The crowd is learned, and uncertain: it may add counters to the plan that takes the opening hour as a
  // rate, never take them away — at the opening hour (and before it), and after it on days with appointment
  // visits. On a day of walk-ins alone every hour after the opening is sized on the carried days, which start
  // from the crowd and the queue it leaves: the hour as a rate adds nothing there but the crowd's load as if it
  // still arrived at the opening hour's end, and an hour-by-hour maximum of the two plans would take each
  // one's extra counter (track 2's crowd morning: one at one o'clock from the one, one at two from the other).
  // Only its hours up to the opening are taken on such a day: the carried days of the rest are not simulated.
  const walkInsAlone = !(input.appointmentMinutes ?? []).some((m) => m > 0);
  const asRate = drain(countersSteps(input, walkInsAlone ? opening : Number.POSITIVE_INFINITY));
  return withDoor.map((n, i) => (i <= opening || !walkInsAlone ? Math.max(n, asRate[i] ?? 0) : n));
}

export interface SkillCounter {
  id: number;
  skills: readonly string[];
}

/**
 * Services that share counters form one skill group (connected components of the counter–service
 * graph): within a group demand can be pooled, across groups it cannot.
 */
export function skillGroups(counters: readonly SkillCounter[], services: readonly string[]): string[][] {
  const parent = new Map(services.map((s) => [s, s]));
  const find = (s: string): string => {
    let p = parent.get(s) ?? s;
    while (p !== (parent.get(p) ?? p)) p = parent.get(p) ?? p;
    return p;
  };
  for (const c of counters) {
    const skills = c.skills.filter((s) => parent.has(s));
    for (let i = 1; i < skills.length; i++) {
      const a = find(skills[0] as string);
      const b = find(skills[i] as string);
      if (a !== b) parent.set(b, a);
    }
  }
  const groups = new Map<string, string[]>();
  for (const s of services) {
    const root = find(s);
    groups.set(root, [...(groups.get(root) ?? []), s]);
  }
  return [...groups.values()];
}

/**
 * The sets of a skill group's services that some of its counters cannot serve at all: for each distinct
 * skill set of a counter in the group, the group's services outside it (a pickup-only counter leaves out every
 * service but pickup). Demand pooled over the group assumes any counter takes any visitor; the visitors of
 * such a set can only go to the counters that serve one of its services, so those must be enough for them
 * (Hall's condition for the sets that matter: the ones a counter's skills cut off). Sorted, without
 * duplicates, never the whole group or empty.
 */
export function restrictedServiceSets(counters: readonly SkillCounter[], group: readonly string[]): string[][] {
  const inGroup = new Set(group);
  const sets = new Map<string, string[]>();
  for (const c of counters) {
    if (!c.skills.some((k) => inGroup.has(k))) continue;
    const left = group.filter((code) => !c.skills.includes(code)).sort();
    if (left.length > 0) sets.set(left.join('|'), left);
  }
  return [...sets.values()];
}

/**
 * Appointment slots that can be released on a day: the rostered counter-minutes left after the walk-in
 * requirement and the booked load, in slots of `slotMinutes` (never negative).
 */
export function releasableSlots(rosteredPerHour: number[], requiredPerHour: number[], slotMinutes: number): number {
  let spare = 0;
  rosteredPerHour.forEach((r, i) => {
    spare += Math.max(0, r - (requiredPerHour[i] ?? 0)) * 60;
  });
  return Math.floor(spare / slotMinutes);
}

/**
 * The appointment norm "an appointment within N working days" as slots per open day: the requests of any
 * N working days must fit in the slots of those N days, so a day offers at least the mean expected
 * bookings of the N open days from it (the last days of the list average over what is left), in slots.
 * The planner and the staffing benchmark both size slots with this one rule.
 */
export function slotsForAppointmentNorm(
  expectedBookingsPerOpenDay: readonly number[],
  slotsPerBooking: number,
  workingDays: number,
): number[] {
  return expectedBookingsPerOpenDay.map((_, i) => {
    const window = expectedBookingsPerOpenDay.slice(i, i + workingDays);
    const mean = window.reduce((a, x) => a + x, 0) / Math.max(1, window.length);
    return Math.ceil(mean * slotsPerBooking - 1e-9);
  });
}

/** What a counter spends on one ticket of a service, learned from finished tickets. */
export interface TicketMinutes {
  /** Minutes per ticket (persons per ticket × learned minutes per person), per service. */
  minutes: Record<string, number>;
  /** Coefficient of variation of a visit, over the services with enough samples (1 when unknown). */
  cv: number;
}

/**
 * Staffing needs minutes per ticket, not per person: a ticket may bring two people, and clerks are
 * rarely as quick as configured. The live predictor's learned minutes per person (service-times.ts,
 * shrunk to the configured value when samples are few) times the persons a ticket of the service brought.
 */
export function ticketMinutes(samples: readonly ServiceSample[], configured: Record<string, number>): TicketMinutes {
  const learned = learnServiceTimes([...samples], configured);
  const persons: Record<string, number> = {};
  const tickets: Record<string, number> = {};
  for (const sample of samples)
    for (const s of sample.services) {
      persons[s.code] = (persons[s.code] ?? 0) + s.persons;
      tickets[s.code] = (tickets[s.code] ?? 0) + 1;
    }
  const minutes: Record<string, number> = {};
  for (const [code, perPerson] of Object.entries(learned.meanMinutesPerPerson)) {
    const n = tickets[code] ?? 0;
    minutes[code] = perPerson * (n > 0 ? (persons[code] ?? n) / n : 1);
  }
  let cvSum = 0;
  let cvWeight = 0;
  for (const [code, cv] of Object.entries(learned.serviceCv)) {
    const n = learned.samples[code] ?? 0;
    cvSum += cv * n;
    cvWeight += n;
  }
  return { minutes, cv: cvWeight > 0 ? cvSum / cvWeight : 1 };
}
