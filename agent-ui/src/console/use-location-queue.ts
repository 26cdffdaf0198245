import { useEffect, useReducer, useState } from 'react';
import type { CounterDto, QueueSnapshot, ServiceWaitDto, TicketDto } from '../../../server/contracts/queue.ts';
import type { HubSocket } from '../../../shared-web/hub.ts';
import { emptyQueue, type QueueState, reduceQueue } from './console-state.ts';

/**
 * A location's live queue: subscribe on every (re)connect (the ack carries a fresh snapshot, so anything
 * missed while offline is right again), then apply the hub's facts.
 */
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
  const [online, setOnline] = useState(socket?.connected ?? false);

  useEffect(() => {
    if (!socket || !locationId) return;
    const subscribe = () => {
      setOnline(true);
      socket.emit('queue:subscribe', { locationId }, (ack) => {
        if (ack.ok) dispatch({ type: 'snapshot', snapshot: ack.data });
      });
    };
    const down = () => setOnline(false);
    const onSnapshot = (snapshot: QueueSnapshot) => {
      if (snapshot.locationId === locationId) dispatch({ type: 'snapshot', snapshot });
    };
    const onTicket = (ticket: TicketDto) => dispatch({ type: 'ticket', ticket });
    const onCalled = ({ ticket }: { ticket: TicketDto }) => dispatch({ type: 'ticket', ticket });
    const onCounter = (counter: CounterDto) => dispatch({ type: 'counter', counter });
    const onTicker = (payload: { locationId: string; text: string }) => dispatch({ type: 'ticker', ...payload });
    const onWaits = (payload: { locationId: string; waits: ServiceWaitDto[] }) =>
      dispatch({ type: 'waits', locationId: payload.locationId, waits: payload.waits });
    socket.on('connect', subscribe);
    socket.on('disconnect', down);
    socket.on('queue:snapshot', onSnapshot);
    socket.on('ticket:issued', onTicket);
    socket.on('ticket:updated', onTicket);
    socket.on('ticket:called', onCalled);
    socket.on('counter:updated', onCounter);
    socket.on('display:ticker-changed', onTicker);
    socket.on('wait:estimates', onWaits);
    if (socket.connected) subscribe();
    return () => {
      socket.off('connect', subscribe);
      socket.off('disconnect', down);
      socket.off('queue:snapshot', onSnapshot);
      socket.off('ticket:issued', onTicket);
      socket.off('ticket:updated', onTicket);
      socket.off('ticket:called', onCalled);
      socket.off('counter:updated', onCounter);
      socket.off('display:ticker-changed', onTicker);
      socket.off('wait:estimates', onWaits);
    };
  }, [socket, locationId]);

  return {
    queue,
    online,
    applyTicket: (ticket) => dispatch({ type: 'ticket', ticket }),
    applyCounter: (counter) => dispatch({ type: 'counter', counter }),
  };
}
