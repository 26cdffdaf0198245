import type { CounterDto, QueueSnapshot, ServiceWaitDto, TicketDto } from '../../../server/contracts/queue.ts';

/** A location's live queue as a console sees it. Finished tickets leave, so the state stays a day's worth at most. */
export interface QueueState {
  locationId: string | null;
  tickets: Map<number, TicketDto>;
  counters: Map<number, CounterDto>;
  tickerText: string;
  waits: ServiceWaitDto[];
  /** The office serves from the call: "next" also finishes the visitor called last. */
  callAndStart: boolean;
}

export const emptyQueue: QueueState = {
  locationId: null,
  tickets: new Map(),
  counters: new Map(),
  tickerText: '',
  waits: [],
  callAndStart: false,
};

export type QueueEvent =
  | { type: 'snapshot'; snapshot: QueueSnapshot }
  | { type: 'ticket'; ticket: TicketDto }
  | { type: 'counter'; counter: CounterDto }
  | { type: 'ticker'; locationId: string; text: string }
  | { type: 'waits'; locationId: string; waits: ServiceWaitDto[] };

const open = new Set<TicketDto['status']>(['waiting', 'called', 'serving']);

export function reduceQueue(state: QueueState, event: QueueEvent): QueueState {
  switch (event.type) {
    case 'snapshot': {
      const s = event.snapshot;
      return {
        locationId: s.locationId,
        tickets: new Map(s.tickets.filter((t) => open.has(t.status)).map((t) => [t.id, t])),
        counters: new Map(s.counters.map((c) => [c.id, c])),
        tickerText: s.tickerText,
        waits: s.waits,
        callAndStart: s.callAndStart,
      };
    }
    case 'ticket': {
      const t = event.ticket;
      if (state.locationId && t.locationId !== state.locationId) return state;
      const tickets = new Map(state.tickets);
      if (open.has(t.status)) tickets.set(t.id, t);
      else tickets.delete(t.id);
      return { ...state, tickets };
    }
    case 'counter': {
      const c = event.counter;
      if (state.locationId && c.locationId !== state.locationId) return state;
      const counters = new Map(state.counters);
      counters.set(c.id, c);
      return { ...state, counters };
    }
    case 'ticker':
      if (state.locationId && event.locationId !== state.locationId) return state;
      return { ...state, tickerText: event.text };
    case 'waits':
      if (state.locationId && event.locationId !== state.locationId) return state;
      return { ...state, waits: event.waits };
  }
}

/** Waiting tickets this counter may serve, in the order call-next would consider them (due first, then oldest). */
export function queueForCounter(state: QueueState, counter: CounterDto | null): TicketDto[] {
  const skills = new Set(counter?.skills ?? []);
  return [...state.tickets.values()]
    .filter((t) => t.status === 'waiting')
    .filter((t) => !counter || t.services.every((s) => skills.has(s.code)))
    .sort((a, b) => {
      if (a.position !== null && b.position !== null && a.position !== b.position) return a.position - b.position;
      if (b.priority !== a.priority) return b.priority - a.priority;
      return Date.parse(a.issuedAt) - Date.parse(b.issuedAt);
    });
}

/** The ticket a counter has in hand (called or being served). */
export function currentTicket(state: QueueState, counter: CounterDto | null): TicketDto | null {
  if (!counter) return null;
  if (counter.currentTicketId !== null) {
    const t = state.tickets.get(counter.currentTicketId);
    if (t) return t;
  }
  for (const t of state.tickets.values()) {
    if (t.counterId === counter.id && (t.status === 'called' || t.status === 'serving')) return t;
  }
  return null;
}
