import { useEffect, useRef, useState } from 'react';
import type { FactOrder, HubSnapshot, ServerToClientEvents } from '../server/contracts/hub.ts';
import type { QueueSnapshot } from '../server/contracts/queue.ts';
import { type HubSocket, onCommandFacts } from './hub.ts';

/** The live facts about one location a screen may listen to (every one carries its location). */
export type LocationFacts = Partial<Omit<ServerToClientEvents, 'queue:snapshot'>>;
type FactName = keyof LocationFacts;

/** After a subscription the hub could not answer (its storage unavailable, a timeout, a limit), ask again this late. */
export const SUBSCRIBE_RETRY_MS = 2000;
const RETRIED_SUBSCRIBE_ERRORS = new Set(['unavailable', 'internal', 'rate-limited']);

const factNames: FactName[] = [
  'ticket:issued',
  'ticket:updated',
  'ticket:called',
  'counter:updated',
  'wait:estimates',
  'display:ticker-changed',
];

type CalledFact = Parameters<ServerToClientEvents['ticket:called']>[0];

/** The location a fact is about. */
function locationOf(name: FactName, payload: unknown): string {
  if (name === 'ticket:called') return (payload as CalledFact).ticket.locationId;
  return (payload as { locationId: string }).locationId;
}

/**
 * One location's live feed, the way every screen needs it: subscribe on every (re)connect (the ack
 * carries a fresh snapshot, so anything missed while offline is right again), apply each snapshot,
 * then apply the hub's facts in between. Facts and snapshots of other locations are ignored. Once the
 * feed has a seq it subscribes with it, and the ack is `{ current }` (nothing to apply) when the snapshot the
 * hub sent this connection unasked — applied before the ack arrives — is still current.
 *
 * Order (ARCHITECTURE.md#scale-out): snapshots and queue facts carry the location's `seq`, facts also `prev`
 * (the seq of the fact sent before). A fact or snapshot at or below the last seq seen is stale (it reached
 * this client through another node, or before a newer snapshot) and is ignored; a fact whose `prev` is above
 * the last seq means one went missing (a node died, the client moved to another): it is applied and a fresh
 * snapshot is asked for with `queue:subscribe`, one request at a time.
 *
 * `locationId` may be unknown at first: a paired kiosk or display gets its location's snapshot from
 * the hub unasked, and the feed then keeps to that location. Handlers may change on every render;
 * the feed resubscribes only when the socket or the location changes.
 */
export function useLocationFeed(
  socket: HubSocket | null,
  options: {
    locationId?: string | null;
    onSnapshot: (snapshot: QueueSnapshot) => void;
    facts?: LocationFacts;
  },
): { online: boolean } {
  const [online, setOnline] = useState(socket?.connected ?? false);
  const handlers = useRef(options);
  handlers.current = options;
  const wanted = options.locationId ?? null;

  useEffect(() => {
    if (!socket) return;
    let location = wanted;
    /** The newest seq applied (null: no sequenced snapshot yet). */
    let lastSeq: number | null = null;
    let resyncing = false;
    /** The hub refused a subscription with a seq (a node of before): ask without it on this socket. */
    let oldHub = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const applySnapshot = (snapshot: HubSnapshot) => {
      if (location && snapshot.locationId !== location) return;
      if (typeof snapshot.seq === 'number') {
        if (lastSeq !== null && snapshot.seq < lastSeq) return;
        lastSeq = snapshot.seq;
      }
      location = snapshot.locationId;
      handlers.current.onSnapshot(snapshot);
    };
    const subscribe = () => {
      setOnline(true);
      if (!location) return;
      resyncing = true;
      clearTimeout(retry);
      // With the seq this feed has, the hub answers `{ current }` instead of the snapshot it just sent unasked.
      const withSeq = lastSeq !== null && !oldHub;
      const request = withSeq ? { locationId: location, seq: lastSeq as number } : { locationId: location };
      socket.emit('queue:subscribe', request, (ack) => {
        resyncing = false;
        if (ack.ok) {
          if (!('current' in ack.data)) applySnapshot(ack.data);
        } else if (withSeq && ack.error.code === 'validation-failed') {
          // A node of before 2026-12-07 (a rolling deploy) refuses the seq: ask it as before.
          oldHub = true;
          resync();
        }
        // Refused for a passing reason (e.g. the node's database out of connections): without asking again the screen
        // would keep its old (or empty) state until the next reconnect.
        else if (RETRIED_SUBSCRIBE_ERRORS.has(ack.error.code)) retry = setTimeout(() => resync(), SUBSCRIBE_RETRY_MS);
      });
    };
    const resync = () => {
      if (resyncing || !socket.connected) return;
      subscribe();
    };
    /** Whether to apply a fact: false when stale; asks for a snapshot when one before it is missing. */
    const inOrder = (order: FactOrder): boolean => {
      if (typeof order.seq !== 'number' || lastSeq === null) return true;
      if (order.seq <= lastSeq) return false;
      const gap = typeof order.prev === 'number' ? order.prev > lastSeq : order.seq > lastSeq + 1;
      lastSeq = order.seq;
      if (gap) resync();
      return true;
    };
    const down = () => setOnline(false);
    const listeners = factNames.map((name) => {
      const listener = (payload: unknown) => {
        if (location && locationOf(name, payload) !== location) return;
        if (!inOrder(payload as FactOrder)) return;
        const handler = handlers.current.facts?.[name] as ((p: unknown) => void) | undefined;
        handler?.(payload);
        // A call may carry the office's waits after it, instead of a `wait:estimates` of its own.
        const estimates = name === 'ticket:called' ? (payload as CalledFact).estimates : undefined;
        if (estimates)
          handlers.current.facts?.['wait:estimates']?.({ locationId: locationOf(name, payload), ...estimates });
      };
      return [name, listener] as const;
    });
    const byName = new Map<string, (payload: unknown) => void>(listeners);
    // A staff socket taking batched facts (shared-web/hub.ts): a round's facts in one message, each as its own event.
    const onBatch = (batch: { locationId: string; facts: { event: string; data: unknown }[] }) => {
      if (location && batch.locationId !== location) return;
      for (const fact of batch.facts) byName.get(fact.event)?.(fact.data);
    };
    // The facts of this socket's own command were not sent: its ack says up to which seq they went, and the waits a
    // call carried to the others.
    const stopAcks = onCommandFacts(socket, ({ seq, estimates }) => {
      if (typeof seq === 'number' && lastSeq !== null && seq > lastSeq) lastSeq = seq;
      if (estimates && location) handlers.current.facts?.['wait:estimates']?.({ locationId: location, ...estimates });
    });
    // socket.io's typed on/off cannot follow a name from a list; the handlers' types come from the contract.
    const untyped = socket as unknown as {
      on(event: string, fn: (...args: never[]) => void): void;
      off(event: string, fn: (...args: never[]) => void): void;
    };
    untyped.on('connect', subscribe);
    untyped.on('disconnect', down);
    untyped.on('queue:snapshot', applySnapshot);
    for (const [name, listener] of listeners) untyped.on(name, listener);
    untyped.on('queue:facts', onBatch);
    if (socket.connected) subscribe();
    return () => {
      clearTimeout(retry);
      untyped.off('connect', subscribe);
      untyped.off('disconnect', down);
      untyped.off('queue:snapshot', applySnapshot);
      for (const [name, listener] of listeners) untyped.off(name, listener);
      untyped.off('queue:facts', onBatch);
      stopAcks();
    };
  }, [socket, wanted]);

  return { online };
}
