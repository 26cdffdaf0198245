import type { Principal, StaffPrincipal } from '../auth/principal.ts';
import type { TicketDto } from '../contracts/queue.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import type { Repositories } from '../storage.ts';
import { appendTicketEvent, assertOperator, assertStaffAt, loadCounter } from './access.ts';
import { canCounterServe, queuedAtAfterTransfer } from './call-next-policy.ts';
import { publishQueueChange, type QueueChange } from './queue-change.ts';
import { toTicketDto } from './queue-dto.ts';
import type { ActiveTicket, CounterRow, TicketRow } from './queue-model.ts';
import type { TicketChanges } from './queue-store.ts';
import { queueWrite } from './queue-transaction.ts';
import { eventOf, nextStatus, type TicketAction } from './ticket-state.ts';

/** The ticket with its services and appointment reference (what the hub and the answer show of it). */
async function loadTicket(tx: Repositories, ticketId: number): Promise<ActiveTicket> {
  const [ticket] = await tx.queue.ticketsWithDetails([ticketId]);
  if (!ticket) throw new AppError('not-found', 'No such ticket');
  return ticket;
}

/**
 * Who may act on a ticket: while it is at a counter, that counter's operator (its agent, or a
 * supervisor of the location); otherwise any staff member of the location.
 */
async function assertMayAct(
  tx: Repositories,
  principal: Principal | null | undefined,
  ticket: TicketRow,
): Promise<{ staff: StaffPrincipal; counter: CounterRow | null }> {
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
    const counter = await loadCounter(tx, ticket.counterId);
    return { staff: assertOperator(principal, counter), counter };
  }
  return { staff: assertStaffAt(principal, ticket.locationId), counter: null };
}

function transition(ticket: TicketRow, action: TicketAction): TicketRow['status'] {
  const to = nextStatus(ticket.status, action);
  if (!to) throw new AppError('invalid-state', `Ticket ${ticket.number} is ${ticket.status}: cannot ${action}`);
  return to;
}

/** A ticket after an action: as stored, and as the API and the hub show it (queue-read.ts#actedTicketView). */
export interface ActedTicket {
  ticket: TicketRow;
  /** Without position and estimate (a waiting ticket's answer reads them: queue-read.ts#actedTicketView). */
  dto: TicketDto;
}

interface ActionOutcome extends ActedTicket {
  /** A recall re-announces the ticket on the displays. */
  recalled: boolean;
  change: QueueChange;
}

interface Applied {
  set: TicketChanges;
  data?: Record<string, unknown>;
  effective?: TicketAction;
  /** The ticket's services after the action, when it changes them (a transfer). */
  services?: ActiveTicket['services'];
}

async function runAction(
  deps: Deps,
  principal: Principal | null | undefined,
  ticketId: number,
  action: TicketAction,
  apply: (tx: Repositories, ticket: TicketRow, staff: StaffPrincipal, now: Date) => Applied | Promise<Applied>,
): Promise<ActionOutcome> {
  const now = deps.clock.now();
  const outcome = await queueWrite(deps, async (tx): Promise<ActionOutcome> => {
    const before = await loadTicket(tx, ticketId);
    const ticket = before.row;
    const { staff, counter } = await assertMayAct(tx, principal, ticket);
    const { set, data, effective = action, services } = await apply(tx, ticket, staff, now);
    const status = transition(ticket, effective);
    // Guarded by the status read above: a concurrent change makes this a visible conflict, not a lost one.
    const updated = await tx.queue.updateTicketIf(ticket.id, ticket.status, { ...set, status });
    if (!updated) throw new AppError('conflict', 'The ticket changed meanwhile; try again');
    const counterId = ticket.counterId ?? updated.counterId;
    await appendTicketEvent(tx, updated, eventOf[effective], now, { counterId, agentId: staff.userId }, data);
    await tx.audit.record(staff, staff.municipalityId, now, {
      action: `ticket.${effective}`,
      targetType: 'ticket',
      targetId: ticket.id,
      locationId: ticket.locationId,
      details: { counterId, from: ticket.status, to: status, ...data },
    });
    if (updated.appointmentId !== null && (status === 'done' || status === 'no-show')) {
      await tx.queue.setAppointmentStatus(updated.appointmentId, status === 'done' ? 'served' : 'no-show');
    }
    if (updated.appointmentId !== null && action === 'return') {
      await tx.queue.setAppointmentStatus(updated.appointmentId, 'checked-in');
    }
    const after: ActiveTicket = { ...before, row: updated, services: services ?? before.services };
    const names = new Map<number, string>();
    if (updated.counterId !== null) {
      const at = counter?.id === updated.counterId ? counter : await tx.queue.counter(updated.counterId);
      if (at) names.set(at.id, at.name);
    }
    const dto = toTicketDto(after, names);
    const recalled = effective === 'recall';
    return {
      ticket: updated,
      dto,
      recalled,
      change: {
        locationId: updated.locationId,
        tickets: [
          { fact: recalled ? 'ticket:called' : 'ticket:updated', recall: recalled, facts: 1, ticket: after, dto },
        ],
        counters: [],
      },
    };
  });
  const t = outcome.ticket;
  publishQueueChange(deps.events, outcome.change);
  if (outcome.recalled && t.counterId !== null) {
    deps.events.publish('ticket:called', {
      locationId: t.locationId,
      ticketId: t.id,
      counterId: t.counterId,
      recall: true,
      ticket: outcome.dto,
    });
  } else {
    deps.events.publish('ticket:updated', { locationId: t.locationId, ticketId: t.id, ticket: outcome.dto });
  }
  return outcome;
}

/**
 * Calls the ticket again. After QUEUE_MAX_RECALLS recalls the next recall marks it no-show instead
 * (it can be returned to the queue when the resident turns up).
 */
export async function recallTicket(
  deps: Deps,
  principal: Principal | null | undefined,
  input: { ticketId: number },
): Promise<ActedTicket> {
  return runAction(deps, principal, input.ticketId, 'recall', (_tx, ticket, _staff, now) => {
    if (ticket.status === 'called' && ticket.callCount > deps.config.QUEUE_MAX_RECALLS) {
      return { set: {}, data: { reason: 'recall-limit', calls: ticket.callCount }, effective: 'no-show' };
    }
    return { set: { callCount: ticket.callCount + 1, calledAt: now }, data: { call: ticket.callCount + 1 } };
  });
}

export async function startTicket(
  deps: Deps,
  principal: Principal | null | undefined,
  input: { ticketId: number },
): Promise<ActedTicket> {
  return runAction(deps, principal, input.ticketId, 'start', (_tx, _t, _s, now) => ({ set: { startedAt: now } }));
}

export async function finishTicket(
  deps: Deps,
  principal: Principal | null | undefined,
  input: { ticketId: number },
): Promise<ActedTicket> {
  return runAction(deps, principal, input.ticketId, 'finish', (_tx, _t, _s, now) => ({ set: { finishedAt: now } }));
}

export async function markNoShow(
  deps: Deps,
  principal: Principal | null | undefined,
  input: { ticketId: number },
): Promise<ActedTicket> {
  return runAction(deps, principal, input.ticketId, 'no-show', (_tx, t) => ({
    set: {},
    data: { calls: t.callCount },
  }));
}

/** A no-show who turns up after all: back in line from now (they missed their turn), any skilled counter. */
export async function returnTicket(
  deps: Deps,
  principal: Principal | null | undefined,
  input: { ticketId: number },
): Promise<ActedTicket> {
  return runAction(deps, principal, input.ticketId, 'return', (_tx, _t, _s, now) => ({
    set: { queuedAt: now, counterId: null, targetCounterId: null, callCount: 0, calledAt: null, startedAt: null },
  }));
}

/**
 * Park: the resident must fetch something; the ticket waits for this same counter, behind the ones
 * waiting now (queuedAt = now), so the agent gets it back without anyone being skipped.
 */
export async function parkTicket(
  deps: Deps,
  principal: Principal | null | undefined,
  input: { ticketId: number },
): Promise<ActedTicket> {
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
  }));
}

export async function cancelTicket(
  deps: Deps,
  principal: Principal | null | undefined,
  input: { ticketId: number },
): Promise<ActedTicket> {
  return runAction(deps, principal, input.ticketId, 'cancel', (_tx, t) =>
    // A walk-in taken out of the line before any call is one who left (the counter cancels the tickets of
    // residents who are gone): the reason lets patience.ts learn from production, not only from the demo.
    t.status === 'waiting' && t.dueAt === null ? { set: {}, data: { reason: 'abandoned' } } : { set: {} },
  );
}

/**
 * Transfer to another service (the ticket's items become that service, persons kept) and/or to one
 * counter. Fair: the ticket keeps the time it already waited, the time at the counter is not counted
 * (queuedAtAfterTransfer). A counter that cannot serve the ticket's services is refused: it would
 * never call it.
 */
export async function transferTicket(
  deps: Deps,
  principal: Principal | null | undefined,
  input: { ticketId: number; serviceCode?: string; counterId?: number },
): Promise<ActedTicket> {
  if (input.serviceCode === undefined && input.counterId === undefined) {
    throw new AppError('validation-failed', 'Give a service, a counter or both');
  }
  return runAction(deps, principal, input.ticketId, 'transfer', async (tx, ticket, _staff, now) => {
    const location = await tx.queue.location(ticket.locationId);
    if (!location) throw new AppError('not-found');
    let codes = (await tx.queue.ticketsWithDetails([ticket.id]))[0]?.services ?? [];
    if (input.serviceCode !== undefined) {
      const service = (await tx.queue.services(location)).find((s) => s.code === input.serviceCode && s.offered);
      if (!service) throw new AppError('validation-failed', `Service ${input.serviceCode} is not offered here`);
      const persons = Math.min(service.maxPersons, Math.max(1, ...codes.map((c) => c.persons)));
      await tx.queue.replaceTicketService(ticket.id, service.id, persons);
      codes = [{ code: service.code, persons }];
    }
    let targetCounterId: number | null = null;
    if (input.counterId !== undefined) {
      const counter = (await tx.queue.counters(ticket.locationId)).find((c) => c.id === input.counterId);
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
  });
}
