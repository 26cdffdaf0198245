import { canAccessLocation, type Principal, type StaffPrincipal } from '../auth/principal.ts';
import { AppError } from '../errors.ts';
import type { Repositories } from '../storage.ts';
import type { CounterRow, TicketEventType, TicketRow } from './queue-model.ts';

export type { CounterRow };

/** A staff member who may work at the location (agents: assigned there; admins: whole municipality). */
export function assertStaffAt(principal: Principal | null | undefined, locationId: string): StaffPrincipal {
  if (!principal) throw new AppError('unauthorized', 'Sign in first');
  if (principal.kind !== 'staff') throw new AppError('forbidden', 'Staff only');
  if (!canAccessLocation(principal, locationId)) throw new AppError('forbidden', 'Not your location');
  return principal;
}

export async function loadCounter(repos: Repositories, counterId: number): Promise<CounterRow> {
  const counter = await repos.queue.counter(counterId);
  if (!counter) throw new AppError('not-found', 'No such counter');
  return counter;
}

/**
 * Who may work a counter: the agent signed in at it, or a supervisor/admin of its location (the
 * supervisor view can step in). Anyone else gets 403 — also an agent of the same office at another desk.
 */
export function assertOperator(principal: Principal | null | undefined, counter: CounterRow): StaffPrincipal {
  const staff = assertStaffAt(principal, counter.locationId);
  if (staff.role === 'agent' && counter.agentId !== staff.userId) {
    throw new AppError('forbidden', 'Sign in at this counter first');
  }
  return staff;
}

/** Appends to the ticket-event log (append-only: nothing ever updates or deletes these rows). */
export function appendTicketEvent(
  tx: Repositories,
  ticket: Pick<TicketRow, 'id' | 'locationId'>,
  type: TicketEventType,
  at: Date,
  actor: { counterId?: number | null; agentId?: number | null },
  data?: Record<string, unknown>,
): Promise<void> {
  return tx.queue.appendTicketEvent({
    ticketId: ticket.id,
    locationId: ticket.locationId,
    type,
    at,
    counterId: actor.counterId ?? null,
    agentId: actor.agentId ?? null,
    data: data ?? null,
  });
}
