import type { CallDto, QueueSnapshot, ServiceWaitDto } from '../../server/contracts/queue.ts';

/** Everything the waiting-room screen shows. Bounded: a display runs for days. */
export interface DisplayState {
  locationId: string | null;
  latest: CallDto | null;
  /** Most recent first, one entry per ticket, at most MAX_RECENT. */
  recent: CallDto[];
  waits: ServiceWaitDto[];
  ticker: string;
  /** Server time of the last snapshot, to tell calls missed while offline from old ones. */
  syncedAt: string | null;
}

export const MAX_RECENT = 6;

export const initialDisplayState: DisplayState = {
  locationId: null,
  latest: null,
  recent: [],
  waits: [],
  ticker: '',
  syncedAt: null,
};

export type DisplayEvent =
  | { type: 'snapshot'; snapshot: QueueSnapshot }
  | { type: 'called'; call: CallDto }
  | { type: 'waits'; locationId: string; waits: ServiceWaitDto[] }
  | { type: 'ticker'; locationId: string; text: string };

// ISO strings may carry different offsets, so compare instants, not text.
const at = (iso: string) => Date.parse(iso);
const byCalledAtDesc = (a: CallDto, b: CallDto) => at(b.calledAt) - at(a.calledAt);

function withCall(recent: CallDto[], call: CallDto): CallDto[] {
  // A recall moves the ticket back to the top instead of listing it twice.
  return [call, ...recent.filter((c) => c.ticketId !== call.ticketId)].slice(0, MAX_RECENT);
}

export function reduceDisplay(state: DisplayState, event: DisplayEvent): DisplayState {
  switch (event.type) {
    case 'snapshot': {
      const { snapshot } = event;
      const recent: CallDto[] = [];
      for (const call of [...snapshot.recentCalls].sort(byCalledAtDesc)) {
        if (!recent.some((c) => c.ticketId === call.ticketId)) recent.push(call);
        if (recent.length === MAX_RECENT) break;
      }
      return {
        locationId: snapshot.locationId,
        latest: recent[0] ?? null,
        recent,
        waits: snapshot.waits,
        ticker: snapshot.tickerText,
        syncedAt: snapshot.at,
      };
    }
    case 'called': {
      if (state.locationId && state.latest && at(event.call.calledAt) < at(state.latest.calledAt)) {
        // An older call arriving late (after a resync) updates the list but not the big number.
        return { ...state, recent: withCall(state.recent, event.call).sort(byCalledAtDesc) };
      }
      return { ...state, latest: event.call, recent: withCall(state.recent, event.call) };
    }
    case 'waits':
      if (state.locationId && event.locationId !== state.locationId) return state;
      return { ...state, waits: event.waits };
    case 'ticker':
      if (state.locationId && event.locationId !== state.locationId) return state;
      return { ...state, ticker: event.text };
  }
}

/**
 * Calls in a fresh snapshot that this screen has not announced yet and that are recent enough to still
 * matter (missed while the connection was down), oldest first.
 */
export function missedCalls(previous: DisplayState, snapshot: QueueSnapshot, withinMs = 120_000): CallDto[] {
  if (!previous.syncedAt) return [];
  const newestKnown = at(previous.latest?.calledAt ?? previous.syncedAt);
  const horizon = at(snapshot.at) - withinMs;
  return snapshot.recentCalls
    .filter((c) => at(c.calledAt) > newestKnown && at(c.calledAt) >= horizon)
    .sort((a, b) => at(a.calledAt) - at(b.calledAt));
}

export function totalWaiting(waits: ServiceWaitDto[]): number {
  return waits.reduce((sum, w) => sum + w.waiting, 0);
}
