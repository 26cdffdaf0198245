import { useReducer, useRef } from 'react';
import type { CallDto, QueueSnapshot } from '../../server/contracts/queue.ts';
import type { HubSocket } from '../../shared-web/hub.ts';
import { useLocationFeed } from '../../shared-web/use-location-feed.ts';
import { type DisplayState, initialDisplayState, missedCalls, reduceDisplay } from './display-state.ts';

export type { HubSocket };

/**
 * The display's state from the shared location feed: each snapshot replaces what we had, live facts
 * update it in between. `onCall` hears every new call (and calls missed during a short outage, found
 * by comparing the snapshot with what was shown) so the screen can announce them.
 */
export function useDisplayFeed(
  socket: HubSocket,
  options: { locationId?: string | null; onCall: (call: CallDto) => void },
): { state: DisplayState; online: boolean } {
  const [state, dispatch] = useReducer(reduceDisplay, initialDisplayState);
  const stateRef = useRef(state);
  stateRef.current = state;

  const { online } = useLocationFeed(socket, {
    locationId: options.locationId,
    onSnapshot: (snapshot: QueueSnapshot) => {
      const missed = missedCalls(stateRef.current, snapshot);
      stateRef.current = reduceDisplay(stateRef.current, { type: 'snapshot', snapshot });
      dispatch({ type: 'snapshot', snapshot });
      for (const call of missed) options.onCall(call);
    },
    facts: {
      'ticket:called': ({ ticket: _ticket, estimates: _estimates, ...call }) => {
        dispatch({ type: 'called', call });
        options.onCall(call);
      },
      'wait:estimates': (payload) => dispatch({ type: 'waits', locationId: payload.locationId, waits: payload.waits }),
      'display:ticker-changed': (payload) =>
        dispatch({ type: 'ticker', locationId: payload.locationId, text: payload.text }),
    },
  });

  return { state, online };
}
