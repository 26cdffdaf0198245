import { and, eq } from 'drizzle-orm';
import { appointments, ticketItems, tickets } from '../../db/schema/index.ts';
import { recordAudit } from '../auth/audit.ts';
import type { Principal, StaffPrincipal } from '../auth/principal.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { appendTicketEvent, assertOperator, assertStaffAt, loadCounter } from './access.ts';
import { canCounterServe, queuedAtAfterTransfer } from './call-next-policy.ts';
import { loadCounters, loadLocation, loadServices } from './queue-config.ts';
import type { TicketRow } from './queue-model.ts';
import { withDetails } from './queue-state.ts';
import { loadTicketRow } from './queue-statements.ts';
import { queueTransaction } from './queue-transaction.ts';
import { eventOf, nextStatus, type TicketAction } from './ticket-state.ts';

type Db = Deps['db'];

function loadTicket(tx: Db, ticketId: number): TicketRow {
  const ticket = loadTicketRow(tx, ticketId);
  if (!ticket) throw new AppError('not-found', 'No such ticket');
  return ticket;
}

/**
 * Who may act on a ticket: while it is at a counter, that counter's operator (its agent, or a
 * supervisor of the location); otherwise any staff member of the location.
 */
function assertMayAct(tx: Db, principal: Principal | null | undefined, ticket: TicketRow): StaffPrincipal {
  // Tickets of other locations are "not found" to staff who cannot see them.
  try {
    assertStaffAt(principal, ticket.locationId);
  } catch (err) {
    if (err instanceof AppError && err.code === 'forbidden' && principal?.kind === 'staff') {
      throw new AppError('not-found', 'No such ticket');
    }
    throw err;
  }
  if (ticket.counterId !== null && (ticket.status === 'called' || ticket.status === 'serving')) {
    return assertOperator(principal, loadCounter(tx, ticket.counterId));
  }
  return assertStaffAt(principal, ticket.locationId);
}

function transition(ticket: TicketRow, action: TicketAction): TicketRow['status'] {
  const to = nextStatus(ticket.status, action);
  if (!to) throw new AppError('invalid-state', `Ticket ${ticket.number} is ${ticket.status}: cannot ${action}`);
  return to;
}

interface ActionOutcome {
  ticket: TicketRow;
  /** A recall re-announces the ticket on the displays. */
  recalled: boolean;
}

function runAction(
  deps: Deps,
  principal: Principal | null | undefined,
  ticketId: number,
  action: TicketAction,
  apply: (
    tx: Db,
    ticket: TicketRow,
    staff: StaffPrincipal,
    now: Date,
  ) => { set: Partial<TicketRow>; data?: Record<string, unknown>; effective?: TicketAction },
): ActionOutcome {
  const now = deps.clock.now();
  const outcome = queueTransaction(deps.db, (tx): ActionOutcome => {
    const ticket = loadTicket(tx, ticketId);
    const staff = assertMayAct(tx, principal, ticket);
    const { set, data, effective = action } = apply(tx, ticket, staff, now);
    const status = transition(ticket, effective);
    const updated = tx
      .update(tickets)
      .set({ ...set, status })
      .where(and(eq(tickets.id, ticket.id), eq(tickets.status, ticket.status)))
      .returning()
      .get();
    if (!updated) throw new AppError('conflict', 'The ticket changed meanwhile; try again');
    const counterId = ticket.counterId ?? updated.counterId;
    appendTicketEvent(tx, updated, eventOf[effective], now, { counterId, agentId: staff.userId }, data);
    recordAudit(tx, staff, staff.municipalityId, now, {
      action: `ticket.${effective}`,
      targetType: 'ticket',
      targetId: ticket.id,
      locationId: ticket.locationId,
      details: { counterId, from: ticket.status, to: status, ...data },
    });
    if (updated.appointmentId !== null && (status === 'done' || status === 'no-show')) {
      tx.update(appointments)
        .set({ status: status === 'done' ? 'served' : 'no-show' })
        .where(eq(appointments.id, updated.appointmentId))
        .run();
    }
    if (updated.appointmentId !== null && action === 'return') {
      tx.update(appointments).set({ status: 'checked-in' }).where(eq(appointments.id, updated.appointmentId)).run();
    }
    return { ticket: updated, recalled: effective === 'recall' };
  });
  const t = outcome.ticket;
  if (outcome.recalled && t.counterId !== null) {
    deps.events.publish('ticket:called', {
      locationId: t.locationId,
      ticketId: t.id,
      counterId: t.counterId,
      recall: true,
    });
  } else {
    deps.events.publish('ticket:updated', { locationId: t.locationId, ticketId: t.id });
  }
  return outcome;
}

/**
 * Calls the ticket again. After QUEUE_MAX_RECALLS recalls the next recall marks it no-show instead
 * (it can be returned to the queue when the resident turns up).
 */
export function recallTicket(
  deps: Deps,
  principal: Principal | null | undefined,
  input: { ticketId: number },
): TicketRow {
  return runAction(deps, principal, input.ticketId, 'recall', (_tx, ticket, _staff, now) => {
    if (ticket.status === 'called' && ticket.callCount > deps.config.QUEUE_MAX_RECALLS) {
      return { set: {}, data: { reason: 'recall-limit', calls: ticket.callCount }, effective: 'no-show' };
    }
    return { set: { callCount: ticket.callCount + 1, calledAt: now }, data: { call: ticket.callCount + 1 } };
  }).ticket;
}

export function startTicket(
  deps: Deps,
  principal: Principal | null | undefined,
  input: { ticketId: number },
): TicketRow {
  return runAction(deps, principal, input.ticketId, 'start', (_tx, _t, _s, now) => ({ set: { startedAt: now } }))
    .ticket;
}

export function finishTicket(
  deps: Deps,
  principal: Principal | null | undefined,
  input: { ticketId: number },
): TicketRow {
  return runAction(deps, principal, input.ticketId, 'finish', (_tx, _t, _s, now) => ({ set: { finishedAt: now } }))
    .ticket;
}

export function markNoShow(
  deps: Deps,
  principal: Principal | null | undefined,
  input: { ticketId: number },
): TicketRow {
  return runAction(deps, principal, input.ticketId, 'no-show', (_tx, t) => ({ set: {}, data: { calls: t.callCount } }))
    .ticket;
}

/** A no-show who turns up after all: back in line from now (they missed their turn), any skilled counter. */
export function returnTicket(
  deps: Deps,
  principal: Principal | null | undefined,
  input: { ticketId: number },
): TicketRow {
  return runAction(deps, principal, input.ticketId, 'return', (_tx, _t, _s, now) => ({
    set: { queuedAt: now, counterId: null, targetCounterId: null, callCount: 0, calledAt: null, startedAt: null },
  })).ticket;
}

/**
 * Park: the resident must fetch something; the ticket waits for this same counter, behind the ones
 * waiting now (queuedAt = now), so the agent gets it back without anyone being skipped.
 */
export function parkTicket(
  deps: Deps,
  principal: Principal | null | undefined,
  input: { ticketId: number },
): TicketRow {
  return runAction(deps, principal, input.ticketId, 'park', (_tx, ticket, _s, now) => ({
    set: {
      queuedAt: now,
      targetCounterId: ticket.counterId,
      counterId: null,
      calledAt: null,
      startedAt: null,
      callCount: 0,
    },
    data: { parkedAt: ticket.counterId },
  })).ticket;
}

export function cancelTicket(
  deps: Deps,
  principal: Principal | null | undefined,
  input: { ticketId: number },
): TicketRow {
  return runAction(deps, principal, input.ticketId, 'cancel', () => ({ set: {} })).ticket;
}

/**
 * Transfer to another service (the ticket's items become that service, persons kept) and/or to one
 * counter. Fair: the ticket keeps the time it already waited, the time at the counter is not counted
 * (queuedAtAfterTransfer). A counter that cannot serve the ticket's services is refused: it would
 * never call it.
 */
export function transferTicket(
  deps: Deps,
  principal: Principal | null | undefined,
  input: { ticketId: number; serviceCode?: string; counterId?: number },
): TicketRow {
  if (input.serviceCode === undefined && input.counterId === undefined) {
    throw new AppError('validation-failed', 'Give a service, a counter or both');
  }
  return runAction(deps, principal, input.ticketId, 'transfer', (tx, ticket, _staff, now) => {
    const location = loadLocation(tx, ticket.locationId);
    if (!location) throw new AppError('not-found');
    let codes = withDetails(tx, [ticket])[0]?.services ?? [];
    if (input.serviceCode !== undefined) {
      const service = loadServices(tx, location).find((s) => s.code === input.serviceCode && s.offered);
      if (!service) throw new AppError('validation-failed', `Service ${input.serviceCode} is not offered here`);
      const persons = Math.min(service.maxPersons, Math.max(1, ...codes.map((c) => c.persons)));
      tx.delete(ticketItems).where(eq(ticketItems.ticketId, ticket.id)).run();
      tx.insert(ticketItems).values({ ticketId: ticket.id, serviceId: service.id, persons }).run();
      codes = [{ code: service.code, persons }];
    }
    let targetCounterId: number | null = null;
    if (input.counterId !== undefined) {
      const counter = loadCounters(tx, ticket.locationId).find((c) => c.id === input.counterId);
      if (!counter?.active) throw new AppError('validation-failed', 'No such counter at this location');
      const probe = { id: 0, services: codes, queuedAt: now, dueAt: null, priority: 0, targetCounterId: null };
      if (!canCounterServe({ id: counter.id, skills: counter.skills }, probe)) {
        throw new AppError('invalid-state', `${counter.name} cannot serve this ticket's services`);
      }
      targetCounterId = counter.id;
    }
    return {
      set: {
        queuedAt: queuedAtAfterTransfer(ticket.queuedAt, ticket.calledAt, now),
        targetCounterId,
        counterId: null,
        calledAt: null,
        startedAt: null,
        callCount: 0,
      },
      data: { fromCounterId: ticket.counterId, toCounterId: targetCounterId, serviceCode: input.serviceCode ?? null },
    };
  }).ticket;
}
