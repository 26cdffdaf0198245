import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { ticketEvents, tickets } from '../../db/schema/index.ts';
import type { CallDto, CounterDto, QueueSnapshot, TicketDto } from '../contracts/queue.ts';
import { type Estimates, estimateWaits } from './estimate-waits.ts';
import type { ActiveTicket, CounterState, QueueState } from './queue-model.ts';

/** The read model as the contracts' DTOs (server/contracts/queue.ts): tickets, counters, calls, snapshots. */
export function toTicketDto(
  t: ActiveTicket,
  counterNames: Map<number, string>,
  estimates?: Pick<Estimates, 'perTicket' | 'positions'>,
): TicketDto {
  const r = t.row;
  return {
    id: r.id,
    publicId: r.publicId,
    locationId: r.locationId,
    serviceDate: r.serviceDate,
    number: r.number,
    status: r.status,
    source: r.source,
    priority: r.priority,
    services: t.services,
    appointmentReference: t.appointmentReference,
    dueAt: r.dueAt?.toISOString() ?? null,
    counterId: r.counterId,
    counterName: r.counterId !== null ? (counterNames.get(r.counterId) ?? null) : null,
    callCount: r.callCount,
    issuedAt: r.issuedAt.toISOString(),
    calledAt: r.calledAt?.toISOString() ?? null,
    startedAt: r.startedAt?.toISOString() ?? null,
    position: r.status === 'waiting' ? (estimates?.positions.get(r.id) ?? null) : null,
    estimatedWait: r.status === 'waiting' ? (estimates?.perTicket.get(r.id) ?? null) : null,
    waitStatus:
      r.status !== 'waiting' || !estimates ? null : estimates.perTicket.has(r.id) ? 'wait' : 'no-counter-open',
  };
}

export function toCounterDto(c: CounterState, locationId: string): CounterDto {
  return {
    id: c.id,
    locationId,
    name: c.name,
    state: c.state,
    agentName: c.agentName,
    skills: c.skills,
    currentTicketId: c.currentTicketId,
  };
}

export function counterNamesOf(state: Pick<QueueState, 'counters'>): Map<number, string> {
  return new Map(state.counters.map((c) => [c.id, c.name]));
}

/** The last calls of the day, newest first, for the waiting-room display. */
export function recentCalls(db: Db, state: QueueState, limit = 8): CallDto[] {
  const names = counterNamesOf(state);
  const rows = db
    .select({ event: ticketEvents, number: tickets.number })
    .from(ticketEvents)
    .innerJoin(tickets, eq(tickets.id, ticketEvents.ticketId))
    .where(
      and(
        eq(ticketEvents.locationId, state.location.id),
        inArray(ticketEvents.type, ['called', 'recalled']),
        eq(tickets.serviceDate, state.serviceDate),
      ),
    )
    .orderBy(desc(ticketEvents.id))
    .limit(limit)
    .all();
  return rows
    .filter((r) => r.event.counterId !== null)
    .map((r) => ({
      ticketId: r.event.ticketId,
      number: r.number,
      counterId: r.event.counterId as number,
      counterName: names.get(r.event.counterId as number) ?? '',
      calledAt: r.event.at.toISOString(),
      recall: r.event.type === 'recalled',
    }));
}

export function buildSnapshot(db: Db, state: QueueState): QueueSnapshot {
  const estimates = estimateWaits(state);
  const names = counterNamesOf(state);
  return {
    locationId: state.location.id,
    serviceDate: state.serviceDate,
    at: state.now.toISOString(),
    tickets: state.tickets.map((t) => toTicketDto(t, names, estimates)),
    counters: state.counters.filter((c) => c.active).map((c) => toCounterDto(c, state.location.id)),
    recentCalls: recentCalls(db, state),
    waits: estimates.waits,
    tickerText: state.location.tickerText,
    callAndStart: state.location.callAndStart,
  };
}
