import type { CommandFacts } from '../contracts/hub.ts';
import type { DomainEvents } from '../events.ts';

/**
 * The socket whose command made a change, for the publisher: a socket that takes batched facts is not sent the facts
 * of its own change — the publisher reports them here (`report`), and the command's ack carries their last seq and
 * the waits that came with a call (ARCHITECTURE.md#events).
 */
export interface CommandActor {
  socketId: string;
  /** Whether the socket takes batched facts (then its own change's facts may be left out for it). */
  batched: boolean;
  /** Set by the publisher when the command published a change (its ack then waits for the report, bounded). */
  pending?: boolean;
  /** Set by the publisher when it has sent the change (empty: the socket got the facts too). */
  report?: CommandFacts;
  /** Called when the report is set; the hub waits for it before it acks (a bounded wait). */
  reported?: () => void;
  /** The hub stopped waiting (acked without a report): from then on the socket gets its facts like any other. */
  gaveUp?: boolean;
}

/** The changes (`queue:changed` payloads) a command published, by the command's socket. */
const actors = new WeakMap<object, CommandActor>();

/**
 * The domain events a command's use-case publishes to: the same events, its `queue:changed` marked as this socket's
 * (publish is synchronous, so the publisher finds the mark when the change arrives). Passed as the use-case's deps
 * rather than kept in an AsyncLocalStorage, which on Node 20 hooks every promise of the process.
 */
export function eventsOf(events: DomainEvents, actor: CommandActor): DomainEvents {
  return {
    publish: (type, payload) => {
      if (type === 'queue:changed') actors.set(payload, actor);
      events.publish(type, payload);
    },
    subscribe: (type, listener) => events.subscribe(type, listener),
  };
}

/** The socket whose command published `change` (undefined: HTTP, timers, another node). */
export function actorOf(change: object): CommandActor | undefined {
  return actors.get(change);
}
