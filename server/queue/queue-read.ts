import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { counters, tickets } from '../../db/schema/index.ts';
import { canReadQueue, type Principal } from '../auth/principal.ts';
import type { QueueSnapshot, TicketDto } from '../contracts/queue.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { type Estimates, estimateWaits } from './estimate-waits.ts';
import { loadCounters, loadLocation } from './queue-config.ts';
import { buildSnapshot, counterNamesOf, toCounterDto, toTicketDto } from './queue-dto.ts';
import type { QueueState, TicketRow } from './queue-model.ts';
import { loadQueueState, withDetails } from './queue-state.ts';
import { loadTicketRow } from './queue-statements.ts';

/** The live snapshot for staff of the location or a device bound to it. */
export function getQueueSnapshot(
  deps: Deps,
  principal: Principal | null | undefined,
  locationId: string,
): QueueSnapshot {
  if (!principal) throw new AppError('unauthorized', 'Sign in or pair this device');
  const location = loadLocation(deps.db, locationId);
  if (!canReadQueue(principal, locationId, location?.municipalityId))
    throw new AppError('forbidden', 'Not your location');
  if (!location) throw new AppError('not-found', 'No such location');
  return buildSnapshot(deps.db, loadQueueState(deps.db, location, deps.clock.now()));
}

/** A ticket as DTO, with live position and estimate while it waits. */
export function ticketView(db: Db, row: TicketRow, now: Date, state?: QueueState, estimates?: Estimates): TicketDto {
  const active = state?.tickets.find((t) => t.row.id === row.id);
  if (active && state) return toTicketDto(active, counterNamesOf(state), estimates ?? estimateWaits(state));
  if (row.status === 'waiting') {
    const location = loadLocation(db, row.locationId);
    if (location) {
      const s = loadQueueState(db, location, now);
      const t = s.tickets.find((x) => x.row.id === row.id);
      if (t) return toTicketDto(t, counterNamesOf(s), estimates ?? estimateWaits(s));
    }
  }
  const [details] = withDetails(db, [row]);
  const names = new Map(loadCounters(db, row.locationId).map((c) => [c.id, c.name]));
  if (!details) throw new AppError('not-found');
  return toTicketDto(details, names);
}

export function getTicketById(deps: Deps, ticketId: number): TicketDto {
  const row = loadTicketRow(deps.db, ticketId);
  if (!row) throw new AppError('not-found', 'No such ticket');
  return ticketView(deps.db, row, deps.clock.now());
}

/**
 * The resident's phone page: anyone holding the unguessable public id may see the ticket's number,
 * status, position and expected wait — but not the appointment reference (that is a check-in secret).
 */
export function getPublicTicket(deps: Deps, publicId: string): TicketDto {
  const row = deps.db.select().from(tickets).where(eq(tickets.publicId, publicId)).get();
  if (!row) throw new AppError('not-found', 'No such ticket');
  return { ...ticketView(deps.db, row, deps.clock.now()), appointmentReference: null };
}

/**
 * Live figures for GET /locations (owned by the scheduling routes): residents waiting now and the
 * expected wait in minutes for someone taking a ticket now (the longest of the walk-in services);
 * null while no counter is staffed.
 */
export function liveLocationWaits(
  db: Db,
  locationId: string,
  now: Date,
): { waiting: number; waitMinutes: number | null } {
  const location = loadLocation(db, locationId);
  if (!location) return { waiting: 0, waitMinutes: null };
  const state = loadQueueState(db, location, now);
  const waiting = state.tickets.filter((t) => t.row.status === 'waiting').length;
  // No counter staffed (closed, or before opening): we do not know, rather than "more than an hour".
  if (!state.counters.some((c) => c.active && c.state !== 'closed')) return { waiting, waitMinutes: null };
  const { waits } = estimateWaits(state);
  if (waits.length === 0) return { waiting, waitMinutes: null };
  const minutes = Math.max(0, ...waits.map((w) => w.estimatedWait?.minutes ?? 0));
  return { waiting, waitMinutes: Math.round(minutes) };
}

/** A counter as DTO (with its current ticket). */
export function getCounterView(deps: Deps, counterId: number) {
  const counter = loadCountersRow(deps.db, counterId);
  const location = loadLocation(deps.db, counter.locationId);
  if (!location) throw new AppError('not-found');
  const state = loadQueueState(deps.db, location, deps.clock.now());
  const c = state.counters.find((x) => x.id === counterId);
  if (!c) throw new AppError('not-found');
  return toCounterDto(c, location.id);
}

function loadCountersRow(db: Db, counterId: number) {
  const row = db.select().from(counters).where(eq(counters.id, counterId)).get();
  if (!row) throw new AppError('not-found', 'No such counter');
  return row;
}
