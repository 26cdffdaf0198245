import type { Repositories } from '../storage.ts';
import { learnedServiceTimes } from './learned-times.ts';
import type { ActiveTicket, CounterInfo, CounterState, LocationRow, QueueState } from './queue-model.ts';
import { serviceDateOf } from './queue-model.ts';
import { walkInHours } from './walk-in-hours.ts';

/** Counters with the ticket each one has called or is serving now. */
export function withCurrentTickets(counters: CounterInfo[], active: ActiveTicket[]): CounterState[] {
  return counters.map((c) => ({
    ...c,
    currentTicketId:
      active.find((t) => t.row.counterId === c.id && (t.row.status === 'called' || t.row.status === 'serving'))?.row
        .id ?? null,
  }));
}

/**
 * Reads one location's live queue (today's active tickets, counters, services) into the read model of
 * queue-model.ts, with learned service times and today's walk-in hours. Read-only; use-cases call it
 * with their transaction's repositories (`tx`), the hub and the read endpoints with `storage.read`.
 */
export async function loadQueueState(repos: Repositories, location: LocationRow, now: Date): Promise<QueueState> {
  const serviceDate = serviceDateOf(now, location.timeZone);
  const live = await repos.queue.liveQueue(location, serviceDate);
  const configured = Object.fromEntries(live.services.map((s) => [s.code, s.minutesPerPerson]));
  return {
    location,
    now,
    serviceDate,
    services: live.services,
    counters: withCurrentTickets(live.counters, live.tickets),
    tickets: live.tickets,
    learned: await learnedServiceTimes(repos, location.id, now, configured),
    walkInHours: await walkInHours(repos, location.id, serviceDate),
  };
}
