import type { Repositories } from '../storage.ts';
import { learnedServiceTimes } from './learned-times.ts';
import type { ActiveTicket, CounterInfo, CounterState, LocationRow, QueueState } from './queue-model.ts';
import { serviceDateOf } from './queue-model.ts';
import { walkInHours } from './walk-in-hours.ts';

/** Counters with the ticket each one has called or is serving now (the first by id, as the tickets come). */
export function withCurrentTickets(
  counters: CounterInfo[],
  active: readonly { row: Pick<ActiveTicket['row'], 'id' | 'counterId' | 'status'> }[],
): CounterState[] {
  const current = new Map<number, number>();
  for (const t of active) {
    const { counterId, status, id } = t.row;
    if (counterId !== null && (status === 'called' || status === 'serving') && !current.has(counterId))
      current.set(counterId, id);
  }
  return counters.map((c) => ({ ...c, currentTicketId: current.get(c.id) ?? null }));
}

/**
 * Reads one location's live queue (today's active tickets, counters, services) into the read model of
 * queue-model.ts, with learned service times and today's walk-in hours. Read-only; use-cases call it
 * with their transaction's repositories (`tx`), the hub and the read endpoints with `storage.read`.
 * Call-next reads `QueueStore.callLine` instead (lean tickets, none of the estimates' parts).
 */
export async function loadQueueState(repos: Repositories, location: LocationRow, now: Date): Promise<QueueState> {
  const serviceDate = serviceDateOf(now, location.timeZone);
  const live = await repos.queue.liveQueue(location, serviceDate);
  const state: QueueState = {
    location,
    now,
    serviceDate,
    services: live.services,
    counters: withCurrentTickets(live.counters, live.tickets),
    tickets: live.tickets,
  };
  return {
    ...state,
    learned: await learnedTimesFor(repos, state, now),
    walkInHours: await walkInHours(repos, location.id, serviceDate),
  };
}

/** The learned service times for a state's office (learned-times.ts caches them for a few minutes). */
export function learnedTimesFor(
  repos: Repositories,
  state: Pick<QueueState, 'location' | 'services'>,
  now: Date,
): ReturnType<typeof learnedServiceTimes> {
  const configured = Object.fromEntries(state.services.map((s) => [s.code, s.minutesPerPerson]));
  return learnedServiceTimes(repos, state.location.id, now, configured);
}
