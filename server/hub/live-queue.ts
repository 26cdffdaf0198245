import type { ActiveTicket, CounterInfo, QueueState } from '../queue/queue-model.ts';
import { withCurrentTickets } from '../queue/queue-state.ts';

/**
 * The hub's view of each office's live queue as of one seq of the cluster log (ARCHITECTURE.md#scale-out), so the
 * estimates after a change, and the counters of a `counter:updated`, need no read of the queue:
 * - a view is set from a read whose seq did not move while it ran (the seq read before and after it), and only when
 *   this node has processed no later fact of the office;
 * - each fact of the log then moves it on by one seq, with the ticket or counter this process's use-case carried
 *   for it (server/queue/queue-change.ts); a fact that carries nothing (another node's change, a set-up change), a
 *   gap in the seqs, a new service day or an age above `maxAgeMs` drops it, and the next use reads again.
 * The age bound covers rows changed without a fact (fixtures written straight into the database).
 */
export interface LiveQueues {
  /** The office's queue as of its newest processed fact, or null (read it). */
  get(locationId: string, serviceDate: string, atLeastSeq: number): QueueState | null;
  /** The office's queue as of its newest processed fact when at `atLeastSeq` or later and young enough, or null. */
  peek(locationId: string, atLeastSeq: number): QueueState | null;
  /** A state read at `seq` (the seq before and after the read); ignored when a later fact was processed. */
  set(locationId: string, seq: number, state: QueueState, latestProcessedSeq: number): void;
  /** Moves the view on by the fact `seq`: with what its change carried, or drops it. */
  apply(locationId: string, seq: number, carried: { ticket?: ActiveTicket; counter?: CounterInfo } | null): void;
  drop(locationId: string): void;
}

const ACTIVE = new Set(['waiting', 'called', 'serving']);

export function liveQueues(maxAgeMs: number, nowMs: () => number = Date.now): LiveQueues {
  const views = new Map<string, { seq: number; at: number; state: QueueState }>();
  return {
    get(locationId, serviceDate, atLeastSeq) {
      const v = views.get(locationId);
      if (!v) return null;
      if (v.state.serviceDate !== serviceDate || nowMs() - v.at > maxAgeMs || v.seq < atLeastSeq) {
        views.delete(locationId);
        return null;
      }
      return v.state;
    },
    peek(locationId, atLeastSeq) {
      const v = views.get(locationId);
      if (!v || nowMs() - v.at > maxAgeMs || v.seq < atLeastSeq) return null;
      return v.state;
    },
    set(locationId, seq, state, latestProcessedSeq) {
      if (seq < latestProcessedSeq) return;
      views.set(locationId, { seq, at: nowMs(), state });
    },
    apply(locationId, seq, carried) {
      const v = views.get(locationId);
      if (!v || seq <= v.seq) return; // none, or the read already saw this fact
      if (seq !== v.seq + 1 || !carried || (!carried.ticket && !carried.counter)) {
        views.delete(locationId);
        return;
      }
      const state = carried.ticket ? withTicket(v.state, carried.ticket) : withCounter(v.state, carried.counter);
      if (!state) {
        views.delete(locationId);
        return;
      }
      v.seq = seq;
      v.state = state;
    },
    drop(locationId) {
      views.delete(locationId);
    },
  };
}

/** The state with the ticket as changed: replaced, added in id order, or gone when it left the line. */
function withTicket(state: QueueState, ticket: ActiveTicket): QueueState | null {
  if (ticket.row.locationId !== state.location.id) return null;
  const id = ticket.row.id;
  const tickets = state.tickets.filter((t) => t.row.id !== id);
  if (ACTIVE.has(ticket.row.status) && ticket.row.serviceDate === state.serviceDate) {
    let at = tickets.length;
    while (at > 0 && (tickets[at - 1] as ActiveTicket).row.id > id) at--;
    tickets.splice(at, 0, ticket);
  }
  return { ...state, tickets, counters: withCurrentTickets(state.counters, tickets) };
}

/** The state with the counter as changed (its current ticket from the line); null for a counter it does not know. */
function withCounter(state: QueueState, counter: CounterInfo | undefined): QueueState | null {
  if (!counter || !state.counters.some((c) => c.id === counter.id)) return null;
  const counters = state.counters.map((c) => (c.id === counter.id ? { ...counter, currentTicketId: null } : c));
  return { ...state, counters: withCurrentTickets(counters, state.tickets) };
}
