import { canReadQueue, type Principal } from '../auth/principal.ts';
import type { CounterDto, QueueSnapshot, TicketDto } from '../contracts/queue.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import type { Repositories } from '../storage.ts';
import { type Estimates, estimateWaits } from './estimate-waits.ts';
import { buildSnapshot, counterNamesOf, toCounterDto, toTicketDto } from './queue-dto.ts';
import type { QueueState, TicketRow } from './queue-model.ts';
import { loadQueueState } from './queue-state.ts';

/** How many of the day's last calls a snapshot carries (the waiting-room display's list). */
const RECENT_CALLS = 8;

/** The snapshot of a location's queue state: reads the day's last calls and maps both to DTOs. */
export async function snapshotOf(repos: Repositories, state: QueueState): Promise<QueueSnapshot> {
  const calls = await repos.queue.recentCalls(state.location.id, state.serviceDate, RECENT_CALLS);
  return buildSnapshot(state, calls);
}

/** The live snapshot for staff of the location or a device bound to it. */
export async function getQueueSnapshot(
  deps: Deps,
  principal: Principal | null | undefined,
  locationId: string,
): Promise<QueueSnapshot> {
  if (!principal) throw new AppError('unauthorized', 'Sign in or pair this device');
  const reads = deps.storage.read;
  const location = await reads.queue.location(locationId);
  if (!canReadQueue(principal, locationId, location?.municipalityId))
    throw new AppError('forbidden', 'Not your location');
  if (!location) throw new AppError('not-found', 'No such location');
  return snapshotOf(reads, await loadQueueState(reads, location, deps.clock.now()));
}

/** A ticket as DTO, with live position and estimate while it waits. */
export async function ticketView(
  repos: Repositories,
  row: TicketRow,
  now: Date,
  state?: QueueState,
  estimates?: Estimates,
): Promise<TicketDto> {
  const active = state?.tickets.find((t) => t.row.id === row.id);
  if (active && state) return toTicketDto(active, counterNamesOf(state), estimates ?? estimateWaits(state));
  if (row.status === 'waiting') {
    const location = await repos.queue.location(row.locationId);
    if (location) {
      const s = await loadQueueState(repos, location, now);
      const t = s.tickets.find((x) => x.row.id === row.id);
      if (t) return toTicketDto(t, counterNamesOf(s), estimates ?? estimateWaits(s));
    }
  }
  const [details] = await repos.queue.ticketsWithDetails([row.id]);
  if (!details) throw new AppError('not-found');
  const names = new Map((await repos.queue.counters(row.locationId)).map((c) => [c.id, c.name]));
  return toTicketDto(details, names);
}

/**
 * The answer to a ticket action: the ticket as the action's transaction left it, without reading it again —
 * unless it waits (again), when its position and estimate need the whole queue (`getTicketById`).
 */
export async function actedTicketView(
  deps: Deps,
  acted: { ticket: Pick<TicketRow, 'id' | 'status'>; dto: TicketDto },
): Promise<TicketDto> {
  return acted.ticket.status === 'waiting' ? getTicketById(deps, acted.ticket.id) : acted.dto;
}

export async function getTicketById(deps: Deps, ticketId: number): Promise<TicketDto> {
  const reads = deps.storage.read;
  const row = await reads.queue.ticket(ticketId);
  if (!row) throw new AppError('not-found', 'No such ticket');
  return ticketView(reads, row, deps.clock.now());
}

/**
 * The resident's phone page: anyone holding the unguessable public id may see the ticket's number,
 * status, position and expected wait — but not the appointment reference (that is a check-in secret).
 */
export async function getPublicTicket(deps: Deps, publicId: string): Promise<TicketDto> {
  const reads = deps.storage.read;
  const row = await reads.queue.ticketByPublicId(publicId);
  if (!row) throw new AppError('not-found', 'No such ticket');
  return { ...(await ticketView(reads, row, deps.clock.now())), appointmentReference: null };
}

/**
 * Live figures for GET /locations (owned by the scheduling routes): residents waiting now and the
 * expected wait in minutes for someone taking a ticket now (the longest of the walk-in services);
 * null while no counter is staffed.
 */
export async function liveLocationWaits(
  repos: Repositories,
  locationId: string,
  now: Date,
): Promise<{ waiting: number; waitMinutes: number | null }> {
  const location = await repos.queue.location(locationId);
  if (!location) return { waiting: 0, waitMinutes: null };
  const state = await loadQueueState(repos, location, now);
  const waiting = state.tickets.filter((t) => t.row.status === 'waiting').length;
  // No counter staffed (closed, or before opening): we do not know, rather than "more than an hour".
  if (!state.counters.some((c) => c.active && c.state !== 'closed')) return { waiting, waitMinutes: null };
  const { waits } = estimateWaits(state, { waitsOnly: true });
  if (waits.length === 0) return { waiting, waitMinutes: null };
  const minutes = Math.max(0, ...waits.map((w) => w.estimatedWait?.minutes ?? 0));
  return { waiting, waitMinutes: Math.round(minutes) };
}

/** A counter as DTO (with its current ticket). */
export async function getCounterView(deps: Deps, counterId: number): Promise<CounterDto> {
  const reads = deps.storage.read;
  const counter = await reads.queue.counter(counterId);
  if (!counter) throw new AppError('not-found', 'No such counter');
  const location = await reads.queue.location(counter.locationId);
  if (!location) throw new AppError('not-found');
  const state = await loadQueueState(reads, location, deps.clock.now());
  const c = state.counters.find((x) => x.id === counterId);
  if (!c) throw new AppError('not-found');
  return toCounterDto(c, location.id);
}
