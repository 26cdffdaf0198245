import { useReducer } from 'react';
import type { CounterDto, TicketDto } from '../../../server/contracts/queue.ts';
import type { HubSocket } from '../../../shared-web/hub.ts';
import { useLocationFeed } from '../../../shared-web/use-location-feed.ts';
import { emptyQueue, type QueueState, reduceQueue } from './console-state.ts';

/** A location's live queue for the console and the supervisor: the shared feed into `reduceQueue`. */
export function useLocationQueue(
  socket: HubSocket | null,
  locationId: string | null,
): {
  queue: QueueState;
  online: boolean;
  /** Apply what an ack returned at once, without waiting for the broadcast. */
  applyTicket: (ticket: TicketDto) => void;
  applyCounter: (counter: CounterDto) => void;
} {
  const [queue, dispatch] = useReducer(reduceQueue, emptyQueue);
  const onTicket = (ticket: TicketDto) => dispatch({ type: 'ticket', ticket });
  const { online } = useLocationFeed(locationId ? socket : null, {
    locationId,
    onSnapshot: (snapshot) => dispatch({ type: 'snapshot', snapshot }),
    facts: {
      'ticket:issued': onTicket,
      'ticket:updated': onTicket,
      'ticket:called': ({ ticket }) => onTicket(ticket),
      'counter:updated': (counter) => dispatch({ type: 'counter', counter }),
      'display:ticker-changed': (payload) => dispatch({ type: 'ticker', ...payload }),
      'wait:estimates': (payload) => dispatch({ type: 'waits', locationId: payload.locationId, waits: payload.waits }),
    },
  });

  return {
    queue,
    online,
    applyTicket: onTicket,
    applyCounter: (counter) => dispatch({ type: 'counter', counter }),
  };
}
