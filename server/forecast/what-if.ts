import { DateTime } from 'luxon';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { getOffice, type Office } from '../scheduling/office-cache.ts';
import { expandDates } from '../scheduling/recurrence.ts';
import { cachedLocationForecast } from './forecast-cache.ts';
import type { LocationForecast } from './location-forecast.ts';
import { simulate } from './simulator/engine.ts';
import { parseScenario, type Scenario } from './simulator/scenario.ts';
import { restrictedServiceSets, skillGroups } from './staffing.ts';

/**
 * What-if: simulate one day of an office with a proposed roster, using the forecast for that day for both
 * channels — walk-ins per service and hour, and the appointment visits residents are expected to have
 * booked by then (never only the nearly empty future book) — with the production call-next policy.
 * Replications of the same day give the expected service level per hour.
 */

export interface WhatIfInput {
  date: string;
  /** Proposed shifts per counter; counters left out keep their rostered shifts, an empty list closes one. */
  counters: { counterId: number; shifts: [string, string][] }[];
  replications: number;
}

export interface DaySimulation {
  replications: number;
  counterHours: number;
  overall: { walkIns: number; shareWithinNorm: number | null; meanWaitMinutes: number | null };
  appointments: { visits: number; shareWithinNorm: number | null; meanWaitMinutes: number | null };
  hours: {
    hour: number;
    walkInsPerDay: number;
    shareWithinNorm: number | null;
    /**
     * The walk-ins of each set of services that some counters cannot serve (`restrictedServiceSets`), as the
     * planner sizes them: the hour meets the norm only when the hour as a whole and every such set do.
     */
    serviceSets: { services: string[]; walkInsPerDay: number; shareWithinNorm: number | null }[];
    meetsNorm: boolean;
  }[];
}

export interface WhatIfResult extends DaySimulation {
  locationId: string;
  date: string;
  norm: { share: number; minutes: number };
}

export interface DayDemand {
  /** Expected walk-ins per service and local hour. */
  walkIns: Map<string, Map<number, number>>;
  /** Expected appointment bookings per service and local hour (no-shows are drawn by the simulator). */
  appointments: Map<string, Map<number, number>>;
  noShowRate: number;
  opensAtHour: number;
  closesAtHour: number;
  /**
   * Share of the walk-in opening hour's walk-ins who wait at the door and come in at once when it opens
   * (`LocationForecast.openingCrowdShare`); the rest arrive during the hour. 0 or absent: no crowd.
   */
  doorCrowdShare?: number;
}

export interface SimCounterShifts {
  id: number;
  skills: string[];
  shifts: [string, string][];
}

function toWall(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
function wall(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** The forecast demand of one open day for both channels, per service and hour. */
export async function forecastDayDemand(deps: Deps, locationId: string, date: string): Promise<DayDemand | null> {
  // The day's forecast is the same for every proposal: kept (forecast-cache.ts) while its inputs hold.
  return dayDemandFrom((await cachedLocationForecast(deps, locationId, date, date)).value, date);
}

/** One day's demand for both channels out of a location forecast that covers it (pure). */
export function dayDemandFrom(forecast: LocationForecast, date: string): DayDemand | null {
  const day = forecast.days.find((d) => d.date === date);
  if (!day || day.closed) return null;
  const hours = forecast.hours.filter((h) => h.date === date);
  if (hours.length === 0) return null;
  const walkIns = new Map<string, Map<number, number>>();
  for (const h of hours) {
    for (const [code, n] of Object.entries(h.demand)) {
      const m = walkIns.get(code) ?? new Map<number, number>();
      m.set(h.hour, n);
      walkIns.set(code, m);
    }
  }
  // Appointment bookings: the day's expected bookings per service, spread like the expected minutes.
  const totalMinutes = hours.reduce((a, h) => a + h.appointmentMinutes, 0);
  const appointments = new Map<string, Map<number, number>>();
  for (const [code, expected] of Object.entries(day.appointmentsByService)) {
    const m = new Map<number, number>();
    for (const h of hours) if (totalMinutes > 0) m.set(h.hour, (expected * h.appointmentMinutes) / totalMinutes);
    appointments.set(code, m);
  }
  const rates = Object.values(forecast.noShowRates);
  return {
    walkIns,
    appointments,
    noShowRate: rates.length > 0 ? rates.reduce((a, b) => a + b, 0) / rates.length : 0.1,
    opensAtHour: Math.min(...hours.map((h) => h.hour)),
    closesAtHour: Math.max(...hours.map((h) => h.hour)) + 1,
    doorCrowdShare: forecast.openingCrowdShare,
  };
}

/** Minutes after the walk-in opening in which the simulated crowd at the door comes in (ticket by ticket). */
const DOOR_CROWD_SPREAD_MINUTES = 3;

/**
 * The walk-ins of a day as the simulator takes them: per service and hour, and the crowd at the door. As
 * the planner sizes the opening hour (`requiredCountersWithCrowd`): the share `doorCrowdShare` of the
 * walk-in opening hour's walk-ins — the first hour with any — waits at the door and comes in within
 * the first minutes, the rest of that hour arrive at a rate; the crowd's services in the hour's mix.
 */
export function walkInArrivals(demand: DayDemand): {
  perHour: Map<string, Map<number, number>>;
  walkInOpensAtHour: number | null;
  doorCrowd: { mean: number; spreadMinutes: number; services: Record<string, number> };
} {
  const byHour = new Map<number, number>();
  for (const m of demand.walkIns.values()) for (const [h, n] of m) if (n > 0) byHour.set(h, (byHour.get(h) ?? 0) + n);
  const opening = byHour.size > 0 ? Math.min(...byHour.keys()) : null;
  const share = Math.min(1, Math.max(0, demand.doorCrowdShare ?? 0));
  const services: Record<string, number> = {};
  let mean = 0;
  const perHour = new Map(
    [...demand.walkIns].map(([code, m]) => {
      const atOpening = opening === null ? 0 : (m.get(opening) ?? 0);
      if (share <= 0 || atOpening <= 0) return [code, new Map(m)] as const;
      services[code] = atOpening * share;
      mean += atOpening * share;
      return [code, new Map([...m].map(([h, n]) => [h, h === opening ? n * (1 - share) : n]))] as const;
    }),
  );
  return {
    perHour,
    walkInOpensAtHour: opening,
    doorCrowd: { mean, spreadMinutes: DOOR_CROWD_SPREAD_MINUTES, services },
  };
}

/** The counters and shifts rostered on a date. */
export function rosteredCounters(office: Office, date: string): SimCounterShifts[] {
  const codeById = new Map([...office.services.values()].map((s) => [s.id, s.code]));
  const rostered = new Map<number, [string, string][]>();
  for (const rule of office.rosterRules) {
    if (expandDates(rule, date, date).length === 0) continue;
    rostered.set(rule.counterId, [...(rostered.get(rule.counterId) ?? []), [rule.startsAt, rule.endsAt]]);
  }
  return office.counters
    .map((c) => ({
      id: c.id,
      skills: [...c.skills].map((id) => codeById.get(id) ?? '').filter((x) => x !== ''),
      shifts: rostered.get(c.id) ?? [],
    }))
    .filter((c) => c.skills.length > 0);
}

/**
 * The simulator's scenario for `replications` runs of one day with the given demand (both channels) and
 * counters (pure; `simulateDay` runs it). Throws when no counter is staffed.
 */
export function daySimulationScenario(
  office: Pick<Office, 'location' | 'services'>,
  date: string,
  demand: DayDemand,
  counters: readonly SimCounterShifts[],
  replications: number,
  seed = 1,
): Scenario {
  const { location } = office;
  const staffed = counters.filter((c) => c.shifts.length > 0 && c.skills.length > 0);
  if (staffed.length === 0) throw new AppError('validation-failed', 'No counter is staffed in this proposal');
  const codes = new Set([...demand.walkIns.keys(), ...demand.appointments.keys()]);
  const walkIns = walkInArrivals(demand);
  const services = [...office.services.values()]
    .filter((s) => codes.has(s.code))
    .map((s) => ({
      code: s.code,
      meanMinutes: s.minutesPerPerson,
      walkInPerHour: Object.fromEntries([...(walkIns.perHour.get(s.code) ?? [])].map(([h, n]) => [String(h), n])),
      appointmentsPerHour: Object.fromEntries(
        [...(demand.appointments.get(s.code) ?? [])].map(([h, n]) => [String(h), n]),
      ),
      targetWaitMinutes: s.targetWaitMinutes,
    }));
  const latestShift = Math.max(...staffed.flatMap((c) => c.shifts.map(([, b]) => wall(b))));
  const earliestShift = Math.min(...staffed.flatMap((c) => c.shifts.map(([a]) => wall(a))));
  return parseScenario({
    name: `what-if-${location.id}-${date}`,
    startDate: date,
    days: replications,
    timeZone: location.timeZone,
    opensAt: toWall(Math.min(demand.opensAtHour * 60, earliestShift)),
    closesAt: toWall(Math.max(demand.closesAtHour * 60, latestShift)),
    // The crowd comes in when the walk-in doors open, not when the first appointment is due.
    walkInFrom: toWall((walkIns.walkInOpensAtHour ?? demand.opensAtHour) * 60),
    walkInTo: toWall(demand.closesAtHour * 60),
    busynessCv: 0.1,
    doorCrowd: walkIns.doorCrowd,
    normMinutes: location.serviceNormMinutes,
    normShare: location.serviceNormShare,
    appointments: { noShowRate: demand.noShowRate, arrivalMeanMinutes: -6, arrivalSdMinutes: 6 },
    services,
    counters: staffed.map((c) => ({ id: c.id, skills: c.skills, shifts: c.shifts })),
    seed,
  });
}

/** Simulates one day `replications` times with the given demand (both channels) and counters. */
export function simulateDay(
  office: Office,
  date: string,
  demand: DayDemand,
  counters: readonly SimCounterShifts[],
  replications: number,
  seed = 1,
): DaySimulation {
  const { location } = office;
  const scenario = daySimulationScenario(office, date, demand, counters, replications, seed);
  const counterHours = scenario.counters.reduce(
    (s, c) => s + c.shifts.reduce((x, [a, b]) => x + (wall(b) - wall(a)) / 60, 0),
    0,
  );
  const result = simulate(scenario, { predict: false, learn: false });
  const byHour = new Map<number, { walkIns: number; within: number }>();
  for (const h of result.hours) {
    const acc = byHour.get(h.hour) ?? { walkIns: 0, within: 0 };
    acc.walkIns += h.walkIns;
    acc.within += h.withinNorm;
    byHour.set(h.hour, acc);
  }
  const summary = (list: typeof result.tickets) => {
    const waits = list.map((t) => t.waitMinutes).filter((w): w is number => w !== null);
    const within = list.filter((t) => t.waitMinutes !== null && t.waitMinutes <= location.serviceNormMinutes).length;
    return {
      n: list.length,
      share: list.length > 0 ? Math.round((within / list.length) * 1000) / 1000 : null,
      mean: waits.length > 0 ? Math.round((waits.reduce((a, b) => a + b, 0) / waits.length) * 10) / 10 : null,
    };
  };
  // The sets of walk-in services only some of the day's counters serve: each must meet the norm on its own.
  const walkInCodes = scenario.services
    .filter((s) => Object.values(s.walkInPerHour).some((n) => n > 0))
    .map((s) => s.code);
  const sets = skillGroups(scenario.counters, walkInCodes).flatMap((group) =>
    restrictedServiceSets(scenario.counters, group).filter((codes) => codes.some((c) => walkInCodes.includes(c))),
  );
  const bySet = new Map<string, { walkIns: number; within: number }>();
  for (const t of result.tickets) {
    if (t.source !== 'kiosk') continue;
    const hour = DateTime.fromJSDate(t.issuedAt, { zone: location.timeZone }).hour;
    sets.forEach((codes, k) => {
      if (!t.services.some((s) => codes.includes(s.code))) return;
      const key = `${hour}|${k}`;
      const acc = bySet.get(key) ?? { walkIns: 0, within: 0 };
      acc.walkIns++;
      if (t.waitMinutes !== null && t.waitMinutes <= location.serviceNormMinutes) acc.within++;
      bySet.set(key, acc);
    });
  }
  const walk = summary(result.tickets.filter((t) => t.source === 'kiosk'));
  const appt = summary(result.tickets.filter((t) => t.source === 'check-in'));
  return {
    replications,
    counterHours: Math.round(counterHours * 100) / 100,
    overall: {
      walkIns: Math.round((walk.n / replications) * 10) / 10,
      shareWithinNorm: walk.share,
      meanWaitMinutes: walk.mean,
    },
    appointments: {
      visits: Math.round((appt.n / replications) * 10) / 10,
      shareWithinNorm: appt.share,
      meanWaitMinutes: appt.mean,
    },
    hours: [...byHour]
      .sort(([a], [b]) => a - b)
      .map(([hour, acc]) => {
        const shareOf = (x: { walkIns: number; within: number }) =>
          x.walkIns > 0 ? Math.round((x.within / x.walkIns) * 1000) / 1000 : null;
        const meets = (share: number | null) => share === null || share >= location.serviceNormShare;
        const share = shareOf(acc);
        const serviceSets = sets.flatMap((codes, k) => {
          const x = bySet.get(`${hour}|${k}`);
          return x
            ? [
                {
                  services: codes,
                  walkInsPerDay: Math.round((x.walkIns / replications) * 10) / 10,
                  shareWithinNorm: shareOf(x),
                },
              ]
            : [];
        });
        return {
          hour,
          walkInsPerDay: Math.round((acc.walkIns / replications) * 10) / 10,
          shareWithinNorm: share,
          serviceSets,
          meetsNorm: meets(share) && serviceSets.every((x) => meets(x.shareWithinNorm)),
        };
      }),
  };
}

export async function runWhatIf(deps: Deps, locationId: string, input: WhatIfInput): Promise<WhatIfResult> {
  const office = await getOffice(deps.storage.read, locationId);
  if (!office) throw new AppError('not-found', 'No such location');
  const known = new Set(office.counters.map((c) => c.id));
  for (const c of input.counters) {
    if (!known.has(c.counterId))
      throw new AppError('validation-failed', `Counter ${c.counterId} is not at this location`);
    for (const [a, b] of c.shifts)
      if (wall(a) >= wall(b)) throw new AppError('validation-failed', `Shift ${a}–${b} ends before it starts`);
  }
  const demand = await forecastDayDemand(deps, locationId, input.date);
  if (!demand) throw new AppError('outside-opening-hours', 'The office is closed that day');
  const proposed = new Map(input.counters.map((c) => [c.counterId, c.shifts]));
  const counters = rosteredCounters(office, input.date).map((c) => ({
    ...c,
    shifts: (proposed.get(c.id) ?? c.shifts).map(([a, b]) => [a, b] as [string, string]),
  }));
  const sim = simulateDay(office, input.date, demand, counters, input.replications);
  return {
    locationId,
    date: input.date,
    norm: { share: office.location.serviceNormShare, minutes: office.location.serviceNormMinutes },
    ...sim,
  };
}
