import { useEffect, useReducer, useRef, useState } from 'react';
import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../server/contracts/hub.ts';
import type { CallDto, QueueSnapshot } from '../../server/contracts/queue.ts';
import { type DisplayState, initialDisplayState, missedCalls, reduceDisplay } from './display-state.ts';

export type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Keeps the display's state in step with the hub: a snapshot on every (re)connect replaces what we had
 * (so anything missed while offline is right again), live facts update it in between. `onCall` hears every
 * new call (and calls missed during a short outage) so the screen can announce them.
 */
export function useDisplayFeed(
  socket: HubSocket,
  options: { locationId?: string | null; onCall: (call: CallDto) => void },
): { state: DisplayState; online: boolean } {
  const [state, dispatch] = useReducer(reduceDisplay, initialDisplayState);
  const [online, setOnline] = useState(socket.connected);
  const stateRef = useRef(state);
  stateRef.current = state;
  const onCallRef = useRef(options.onCall);
  onCallRef.current = options.onCall;
  const locationRef = useRef(options.locationId ?? null);

  useEffect(() => {
    const applySnapshot = (snapshot: QueueSnapshot) => {
      if (locationRef.current && snapshot.locationId !== locationRef.current) return;
      locationRef.current = snapshot.locationId;
      const missed = missedCalls(stateRef.current, snapshot);
      const next = reduceDisplay(stateRef.current, { type: 'snapshot', snapshot });
      stateRef.current = next;
      dispatch({ type: 'snapshot', snapshot });
      for (const call of missed) onCallRef.current(call);
    };
    const subscribe = () => {
      setOnline(true);
      const locationId = locationRef.current;
      if (!locationId) return; // a paired display gets its location's snapshot from the hub unasked
      socket.emit('queue:subscribe', { locationId }, (ack) => {
        if (ack.ok) applySnapshot(ack.data);
      });
    };
    const onDisconnect = () => setOnline(false);
    const onCalled: ServerToClientEvents['ticket:called'] = ({ ticket: _ticket, ...call }) => {
      if (locationRef.current && _ticket.locationId !== locationRef.current) return;
      dispatch({ type: 'called', call });
      onCallRef.current(call);
    };
    const onWaits: ServerToClientEvents['wait:estimates'] = (payload) =>
      dispatch({ type: 'waits', locationId: payload.locationId, waits: payload.waits });
    const onTicker: ServerToClientEvents['display:ticker-changed'] = (payload) =>
      dispatch({ type: 'ticker', locationId: payload.locationId, text: payload.text });

    socket.on('connect', subscribe);
    socket.on('disconnect', onDisconnect);
    socket.on('queue:snapshot', applySnapshot);
    socket.on('ticket:called', onCalled);
    socket.on('wait:estimates', onWaits);
    socket.on('display:ticker-changed', onTicker);
    if (socket.connected) subscribe();
    return () => {
      socket.off('connect', subscribe);
      socket.off('disconnect', onDisconnect);
      socket.off('queue:snapshot', applySnapshot);
      socket.off('ticket:called', onCalled);
      socket.off('wait:estimates', onWaits);
      socket.off('display:ticker-changed', onTicker);
    };
  }, [socket]);

  return { state, online };
}
