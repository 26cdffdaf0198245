import type { TicketDto } from '../contracts/queue.ts';
import type { DomainEvents } from '../events.ts';
import type { ActiveTicket, CounterInfo } from './queue-model.ts';

/**
 * What a queue use-case changed, as its transaction left it (published after commit as `queue:changed`, before
 * the facts themselves). The hub sends these tickets and counters for the cluster log's facts of the change
 * instead of reading them again, and keeps its view of the office's live queue current with them
 * (server/hub/live-queue.ts), so one change costs the reads its own transaction made and none for its broadcast
 * or the estimates after it (ARCHITECTURE.md#scale-out). Another node's change carries nothing there: it is read.
 */
export interface QueueChange {
  locationId: string;
  tickets: ChangedTicket[];
  /** Counters whose state or agent changed (one `counter:updated` fact each), as stored after the change. */
  counters: CounterInfo[];
}

export interface ChangedTicket {
  /** The fact the change wrote for this ticket (the cluster log's kind; a call or a recall). */
  fact: 'ticket:issued' | 'ticket:called' | 'ticket:updated';
  recall: boolean;
  /** How many facts of that kind the change wrote for it (call-and-start: `started` and `finished`, two). */
  facts: number;
  /** As stored after the change, with its services and appointment reference. */
  ticket: ActiveTicket;
  /** As staff see it (no position or estimate: those follow with the estimates). */
  dto: TicketDto;
}

// The queue's own domain event, added to the map of server/events.ts by declaration merging (the base
// modules import no domain).
declare module '../events.ts' {
  interface DomainEventMap {
    'queue:changed': QueueChange;
  }
}

/** Publishes the change (after commit, before its facts: the hub then finds it when the facts wake it). */
export function publishQueueChange(events: DomainEvents, change: QueueChange): void {
  if (change.tickets.length > 0 || change.counters.length > 0) events.publish('queue:changed', change);
}
