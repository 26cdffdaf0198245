import { and, eq, gte, inArray, lt } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { appointmentItems, appointments } from '../../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { loadOffice } from '../scheduling/office.ts';
import { expandDates } from '../scheduling/recurrence.ts';
import { getLocationForecast } from './location-forecast.ts';
import { simulate } from './simulator/engine.ts';
import { parseScenario } from './simulator/scenario.ts';

/**
 * What-if: simulate one day of an office with a proposed roster, using the demand forecast for that
 * day (walk-ins per service and hour) and the appointments already booked, with the production
 * call-next policy. Replications of the same day give the expected service level per hour.
 */

export interface WhatIfInput {
  date: string;
  /** Proposed shifts per counter; counters left out keep their rostered shifts, an empty list closes one. */
  counters: { counterId: number; shifts: [string, string][] }[];
  replications: number;
}

export interface WhatIfResult {
  locationId: string;
  date: string;
  norm: { share: number; minutes: number };
  replications: number;
  counterHours: number;
  overall: { walkIns: number; shareWithinNorm: number | null; meanWaitMinutes: number | null };
  hours: { hour: number; walkInsPerDay: number; shareWithinNorm: number | null; meetsNorm: boolean }[];
}

function toWall(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
function wall(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

export function runWhatIf(deps: Deps, locationId: string, input: WhatIfInput): WhatIfResult {
  const office = loadOffice(deps.db, locationId);
  if (!office) throw new AppError('not-found', 'No such location');
  const { location } = office;
  const zone = location.timeZone;
  const known = new Set(office.counters.map((c) => c.id));
  for (const c of input.counters) {
    if (!known.has(c.counterId))
      throw new AppError('validation-failed', `Counter ${c.counterId} is not at this location`);
    for (const [a, b] of c.shifts)
      if (wall(a) >= wall(b)) throw new AppError('validation-failed', `Shift ${a}–${b} ends before it starts`);
  }
  const forecast = getLocationForecast(deps, locationId, input.date, input.date);
  const day = forecast.days.find((d) => d.date === input.date);
  if (!day || day.closed) throw new AppError('outside-opening-hours', 'The office is closed that day');
  const hours = forecast.hours.filter((h) => h.date === input.date);
  const opens = Math.min(...hours.map((h) => h.hour)) * 60;
  const closes = (Math.max(...hours.map((h) => h.hour)) + 1) * 60;

  // Booked appointments that day, per service and hour.
  const start = DateTime.fromISO(input.date, { zone }).startOf('day');
  const booked = deps.db
    .select({ startsAt: appointments.startsAt, serviceId: appointmentItems.serviceId })
    .from(appointments)
    .innerJoin(appointmentItems, eq(appointmentItems.appointmentId, appointments.id))
    .where(
      and(
        eq(appointments.locationId, locationId),
        inArray(appointments.status, ['booked', 'checked-in']),
        gte(appointments.startsAt, start.toJSDate()),
        lt(appointments.startsAt, start.plus({ days: 1 }).toJSDate()),
      ),
    )
    .all();
  const codeById = new Map([...office.services.values()].map((s) => [s.id, s.code]));
  const apptPerHour = new Map<string, Record<string, number>>();
  for (const b of booked) {
    const code = codeById.get(b.serviceId) ?? '';
    const hour = String(DateTime.fromJSDate(b.startsAt, { zone }).hour);
    const m = apptPerHour.get(code) ?? {};
    m[hour] = (m[hour] ?? 0) + 1;
    apptPerHour.set(code, m);
  }

  // Shifts: the proposal where given, else the roster of that day.
  const proposed = new Map(input.counters.map((c) => [c.counterId, c.shifts]));
  const rostered = new Map<number, [string, string][]>();
  for (const rule of office.rosterRules) {
    if (expandDates(rule, input.date, input.date).length === 0) continue;
    rostered.set(rule.counterId, [...(rostered.get(rule.counterId) ?? []), [rule.startsAt, rule.endsAt]]);
  }
  const counters = office.counters
    .map((c) => ({
      id: c.id,
      skills: [...c.skills].map((id) => codeById.get(id) ?? '').filter((s) => s !== ''),
      shifts: (proposed.get(c.id) ?? rostered.get(c.id) ?? []).map(([a, b]) => [a, b] as [string, string]),
    }))
    .filter((c) => c.shifts.length > 0 && c.skills.length > 0);
  if (counters.length === 0) throw new AppError('validation-failed', 'No counter is staffed in this proposal');
  const counterHours = counters.reduce(
    (s, c) => s + c.shifts.reduce((x, [a, b]) => x + (wall(b) - wall(a)) / 60, 0),
    0,
  );

  const services = [...office.services.values()]
    .filter((s) => s.walkIn || apptPerHour.has(s.code))
    .map((s) => ({
      code: s.code,
      meanMinutes: s.minutesPerPerson,
      walkInPerHour: Object.fromEntries(hours.map((h) => [String(h.hour), h.demand[s.code] ?? 0])),
      appointmentsPerHour: apptPerHour.get(s.code) ?? {},
      targetWaitMinutes: s.targetWaitMinutes,
    }));
  const scenario = parseScenario({
    name: `what-if-${locationId}-${input.date}`,
    startDate: input.date,
    days: input.replications,
    timeZone: zone,
    opensAt: toWall(opens),
    closesAt: toWall(closes),
    walkInFrom: toWall(opens),
    walkInTo: toWall(closes),
    busynessCv: 0.1,
    normMinutes: location.serviceNormMinutes,
    normShare: location.serviceNormShare,
    services,
    counters,
    seed: 1,
  });
  const result = simulate(scenario, { predict: false, learn: false });
  const byHour = new Map<number, { walkIns: number; within: number }>();
  for (const h of result.hours) {
    const acc = byHour.get(h.hour) ?? { walkIns: 0, within: 0 };
    acc.walkIns += h.walkIns;
    acc.within += h.withinNorm;
    byHour.set(h.hour, acc);
  }
  const walkIns = result.tickets.filter((t) => t.source === 'kiosk');
  const waits = walkIns.map((t) => t.waitMinutes).filter((w): w is number => w !== null);
  const within = walkIns.filter((t) => t.waitMinutes !== null && t.waitMinutes <= location.serviceNormMinutes).length;
  return {
    locationId,
    date: input.date,
    norm: { share: location.serviceNormShare, minutes: location.serviceNormMinutes },
    replications: input.replications,
    counterHours: Math.round(counterHours * 100) / 100,
    overall: {
      walkIns: Math.round((walkIns.length / input.replications) * 10) / 10,
      shareWithinNorm: walkIns.length > 0 ? Math.round((within / walkIns.length) * 1000) / 1000 : null,
      meanWaitMinutes:
        waits.length > 0 ? Math.round((waits.reduce((a, b) => a + b, 0) / waits.length) * 10) / 10 : null,
    },
    hours: [...byHour]
      .sort(([a], [b]) => a - b)
      .map(([hour, acc]) => {
        const share = acc.walkIns > 0 ? Math.round((acc.within / acc.walkIns) * 1000) / 1000 : null;
        return {
          hour,
          walkInsPerDay: Math.round((acc.walkIns / input.replications) * 10) / 10,
          shareWithinNorm: share,
          meetsNorm: share === null || share >= location.serviceNormShare,
        };
      }),
  };
}
