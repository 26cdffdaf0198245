import type { CallDto, CounterDto, QueueSnapshot, TicketDto } from '../contracts/queue.ts';
import { type Estimates, estimateWaits } from './estimate-waits.ts';
import type { ActiveTicket, CounterState, QueueState } from './queue-model.ts';
import type { RecentCallRecord } from './queue-store.ts';

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

/** The last calls of the day as the waiting-room display shows them, newest first. */
export function toCallDtos(calls: RecentCallRecord[], counterNames: Map<number, string>): CallDto[] {
  return calls.map((c) => ({
    ticketId: c.ticketId,
    number: c.number,
    counterId: c.counterId,
    counterName: counterNames.get(c.counterId) ?? '',
    calledAt: c.at.toISOString(),
    recall: c.recall,
  }));
}

/** The snapshot of a location's queue, given its last calls (queue-read.ts#snapshotOf reads both). */
export function buildSnapshot(state: QueueState, calls: RecentCallRecord[]): QueueSnapshot {
  // The mean-value replay, as the hub's broadcast after every change: a screen's numbers do not jump between its
  // snapshot and the next update, and a snapshot storm (a node's screens reconnecting elsewhere) costs a tenth.
  const estimates = estimateWaits(state, { live: true });
  const names = counterNamesOf(state);
  return {
    locationId: state.location.id,
    serviceDate: state.serviceDate,
    at: state.now.toISOString(),
    tickets: state.tickets.map((t) => toTicketDto(t, names, estimates)),
    counters: state.counters.filter((c) => c.active).map((c) => toCounterDto(c, state.location.id)),
    recentCalls: toCallDtos(calls, names),
    waits: estimates.waits,
    tickerText: state.location.tickerText,
    callAndStart: state.location.callAndStart,
  };
}
