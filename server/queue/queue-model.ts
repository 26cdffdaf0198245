import { DateTime } from 'luxon';
import type { locations, tickets } from '../../db/schema/index.ts';
import { POLICY_DEFAULTS, type PolicyOptions } from './call-next-policy.ts';
import type { LearnedServiceTimes } from './service-times.ts';

/**
 * The queue's read model: one location's live queue (today's active tickets, counters, services) as plain
 * types. Built by queue-state.ts, mapped to the contracts' DTOs by queue-dto.ts.
 */
export type TicketRow = typeof tickets.$inferSelect;
export type LocationRow = typeof locations.$inferSelect;

export interface ServiceInfo {
  id: number;
  code: string;
  letter: string;
  minutesPerPerson: number;
  targetWaitMinutes: number;
  maxPersons: number;
  walkIn: boolean;
  offered: boolean;
}

export interface CounterState {
  id: number;
  name: string;
  active: boolean;
  state: 'closed' | 'open' | 'paused';
  agentId: number | null;
  agentName: string | null;
  skills: string[];
  currentTicketId: number | null;
}

export interface ActiveTicket {
  row: TicketRow;
  services: { code: string; persons: number }[];
  appointmentReference: string | null;
}

export interface QueueState {
  location: LocationRow;
  now: Date;
  serviceDate: string;
  services: ServiceInfo[];
  counters: CounterState[];
  /** Today's waiting, called and serving tickets. */
  tickets: ActiveTicket[];
  /** Service times learned from recent finished tickets (forecast module); absent: configured times. */
  learned?: LearnedServiceTimes;
  /** Today's walk-in hours (epoch ms), for "no counter open — opens at …"; absent: unknown. */
  walkInHours?: { start: number; end: number }[];
}

export function serviceDateOf(now: Date, timeZone: string): string {
  return DateTime.fromJSDate(now, { zone: timeZone }).toISODate() ?? now.toISOString().slice(0, 10);
}

export function policyOptions(state: Pick<QueueState, 'location' | 'services'>): PolicyOptions {
  return {
    targetWaitMinutes: Object.fromEntries(state.services.map((s) => [s.code, s.targetWaitMinutes])),
    lateGraceMinutes: state.location.checkInLateGraceMinutes,
    dueEarlyMinutes: POLICY_DEFAULTS.dueEarlyMinutes,
  };
}

/** A waiting ticket as the call-next policy and the predictor see it. */
export function toPolicyTicket(t: ActiveTicket) {
  return {
    id: t.row.id,
    services: t.services,
    queuedAt: t.row.queuedAt,
    dueAt: t.row.dueAt,
    priority: t.row.priority,
    targetCounterId: t.row.targetCounterId,
  };
}
