import { AsyncLocalStorage } from 'node:async_hooks';
import type { CommandFacts } from '../contracts/hub.ts';

/**
 * The socket whose command is running, for the hub to know whose change a use-case published (`queue:changed` is
 * published synchronously in the command's async context). A socket that takes batched facts is not sent the facts
 * of its own change: the publisher reports them here (`published`), and the command's ack carries their last seq
 * and the waits that came with a call (ARCHITECTURE.md#events).
 */
export interface CommandActor {
  socketId: string;
  /** Whether the socket takes batched facts (then its own change's facts may be left out for it). */
  batched: boolean;
  /** Set by the publisher when the command published a change (its ack then waits for the report, bounded). */
  pending?: boolean;
  /** Set by the publisher when it left this socket out of its change's facts (one report per command). */
  report?: CommandFacts;
  /** Called when the report is set; the hub waits for it before it acks (a bounded wait). */
  reported?: () => void;
  /** The hub stopped waiting (acked without a report): from then on the socket gets its facts like any other. */
  gaveUp?: boolean;
}

const actors = new AsyncLocalStorage<CommandActor>();

/** Runs a command's handler with its socket known to the publisher. */
export function asActor<T>(actor: CommandActor, run: () => T): T {
  return actors.run(actor, run);
}

/** The socket whose command published the change now being carried (undefined: HTTP, timers, another node). */
export function currentActor(): CommandActor | undefined {
  return actors.getStore();
}
