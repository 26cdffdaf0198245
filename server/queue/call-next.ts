import type { Principal } from '../auth/principal.ts';
import type { TicketDto } from '../contracts/queue.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { appendTicketEvent, assertOperator, loadCounter } from './access.ts';
import { pickNextTicket } from './call-next-policy.ts';
import { type ChangedTicket, publishQueueChange, type QueueChange } from './queue-change.ts';
import { counterNamesOf, toTicketDto } from './queue-dto.ts';
import type { TicketRow } from './queue-model.ts';
import { policyOptions, serviceDateOf, toPolicyTicket } from './queue-model.ts';
import { withCurrentTickets } from './queue-state.ts';
import { queueWrite } from './queue-transaction.ts';

/** Tickets a counter tries before giving up when other counters keep taking them first. */
const MAX_PICKS = 5;

export interface CallNextResult {
  called: TicketRow | null;
  /** The ticket the counter was serving, finished by pressing "next". */
  finished: TicketRow | null;
  /** Both as the API and the hub show them, built from the rows the transaction already read. */
  calledTicket: TicketDto | null;
  finishedTicket: TicketDto | null;
  /** Both as stored, for the hub (queue-change.ts). */
  change: QueueChange;
}

/**
 * "Next" at a counter: finishes the ticket being served (if any; with the office's "call and start"
 * setting also the ticket called last, served from its call) and calls the best waiting ticket
 * the counter may serve (call-next-policy.ts). Invariant 3 (ARCHITECTURE.md#invariants) holds because this runs in one write
 * transaction that reads the queue and writes — two counters (or two processes on one database file) are
 * serialised by SQLite's BEGIN IMMEDIATE — and the update is guarded by `status = 'waiting'`
 * (`updateTicketIf`), so a ticket changes hands at most once; on PostgreSQL a counter that loses a ticket to
 * another node's counter picks the next one.
 */
export async function callNext(
  deps: Deps,
  principal: Principal | null | undefined,
  input: { counterId: number },
): Promise<CallNextResult> {
  const now = deps.clock.now();
  const result = await queueWrite(deps, async (tx): Promise<CallNextResult> => {
    const counter = await loadCounter(tx, input.counterId);
    const staff = assertOperator(principal, counter);
    if (!counter.active) throw new AppError('invalid-state', 'This counter is not in use');
    if (counter.state !== 'open') throw new AppError('invalid-state', `The counter is ${counter.state}`);
    const location = await tx.queue.location(counter.locationId);
    if (!location) throw new AppError('not-found');
    // The line as this transaction sees it, with only the columns ranking and answering need (LineTicket): no
    // learned times or walk-in hours (the estimates' parts), no full rows (the hub gets the changed ones in full).
    const line = await tx.queue.callLine(location, serviceDateOf(now, location.timeZone));
    const state = { location, services: line.services, tickets: line.tickets };
    const counters = withCurrentTickets(line.counters, line.tickets);
    const actor = { counterId: counter.id, agentId: staff.userId };

    let finished: TicketRow | null = null;
    const current = state.tickets.find((t) => t.row.counterId === counter.id && t.row.status !== 'waiting');
    if (current?.row.status === 'called') {
      if (!location.callAndStart) {
        throw new AppError(
          'invalid-state',
          `Ticket ${current.row.number} is still called: start it, recall it or mark it no-show`,
        );
      }
      // "Call and start" (a per-office setting, as peers do): service counts from the call, so the
      // next press finishes the visitor who came — no separate "start". A no-show is still marked as one.
      const calledAt = current.row.calledAt ?? now;
      finished = await tx.queue.updateTicketIf(current.row.id, 'called', {
        status: 'done',
        startedAt: calledAt,
        finishedAt: now,
      });
      if (finished) {
        await appendTicketEvent(tx, finished, 'started', calledAt, actor, { callAndStart: true });
        await appendTicketEvent(tx, finished, 'finished', now, actor);
      }
    }
    if (current?.row.status === 'serving') {
      finished = await tx.queue.updateTicketIf(current.row.id, 'serving', { status: 'done', finishedAt: now });
      if (finished) await appendTicketEvent(tx, finished, 'finished', now, actor);
    }

    const skills = counters.find((c) => c.id === counter.id)?.skills ?? [];
    let waiting = state.tickets.filter((t) => t.row.status === 'waiting').map(toPolicyTicket);
    let called: TicketRow | null = null;
    // On SQLite nobody else can take a ticket inside this transaction. On PostgreSQL a counter on another
    // node may call the same ticket at the same moment: the guarded update then waits for its commit and
    // changes nothing, and this counter takes the next best one instead (a bounded number of times).
    for (let attempt = 0; attempt < MAX_PICKS && !called; attempt++) {
      const next = pickNextTicket(waiting, { id: counter.id, skills }, now, policyOptions(state));
      if (!next) break;
      called = await tx.queue.updateTicketIf(next.id, 'waiting', {
        status: 'called',
        counterId: counter.id,
        agentId: staff.userId,
        callCount: 1,
        calledAt: now,
        startedAt: null,
      });
      waiting = waiting.filter((t) => t.id !== next.id);
    }
    if (
      !called &&
      waiting.length > 0 &&
      pickNextTicket(waiting, { id: counter.id, skills }, now, policyOptions(state))
    ) {
      throw new AppError('conflict', 'The tickets were just taken by other counters; press next again');
    }
    if (called) await appendTicketEvent(tx, called, 'called', now, actor);
    await tx.audit.record(staff, location.municipalityId, now, {
      action: 'queue.call-next',
      targetType: 'ticket',
      targetId: called?.id,
      locationId: location.id,
      details: { counterId: counter.id, finishedTicketId: finished?.id ?? null },
    });
    const names = counterNamesOf({ counters });
    const picked = called ? state.tickets.find((t) => t.row.id === called?.id) : undefined;
    const changed: ChangedTicket[] = [];
    if (finished && current) {
      const ticket = { ...current, row: finished };
      // Served from its call: `started` and `finished` in one step, two facts.
      const facts = current.row.status === 'called' ? 2 : 1;
      changed.push({ fact: 'ticket:updated', recall: false, facts, ticket, dto: toTicketDto(ticket, names) });
    }
    if (called && picked) {
      const ticket = { ...picked, row: called };
      changed.push({ fact: 'ticket:called', recall: false, facts: 1, ticket, dto: toTicketDto(ticket, names) });
    }
    const dtoOf = (id: number | undefined) => changed.find((c) => c.ticket.row.id === id)?.dto ?? null;
    return {
      called,
      finished,
      calledTicket: dtoOf(called?.id),
      finishedTicket: dtoOf(finished?.id),
      change: { locationId: location.id, tickets: changed, counters: [] },
    };
  });
  publishQueueChange(deps.events, result.change);
  if (result.finished) {
    deps.events.publish('ticket:updated', {
      locationId: result.finished.locationId,
      ticketId: result.finished.id,
      ticket: result.finishedTicket ?? undefined,
    });
  }
  if (result.called) {
    deps.events.publish('ticket:called', {
      locationId: result.called.locationId,
      ticketId: result.called.id,
      counterId: input.counterId,
      recall: false,
      ticket: result.calledTicket ?? undefined,
    });
  }
  return result;
}
