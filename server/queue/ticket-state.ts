/**
 * The ticket state machine (pure). ARCHITECTURE.md (queue): waiting → called → serving → done | no-show | cancelled;
 * transfer and park move a ticket back to waiting elsewhere; a no-show can be returned to the queue.
 */
export type TicketStatus = 'waiting' | 'called' | 'serving' | 'done' | 'no-show' | 'cancelled';
export type TicketAction =
  | 'call'
  | 'recall'
  | 'start'
  | 'finish'
  | 'no-show'
  | 'return'
  | 'transfer'
  | 'park'
  | 'cancel';

/** The ticket-event type each action appends to the log. */
export const eventOf = {
  call: 'called',
  recall: 'recalled',
  start: 'started',
  finish: 'finished',
  'no-show': 'no-show',
  return: 'returned',
  transfer: 'transferred',
  park: 'parked',
  cancel: 'cancelled',
} as const satisfies Record<TicketAction, string>;

const transitions: Record<TicketAction, { from: readonly TicketStatus[]; to: TicketStatus }> = {
  call: { from: ['waiting'], to: 'called' },
  recall: { from: ['called'], to: 'called' },
  start: { from: ['called'], to: 'serving' },
  finish: { from: ['serving'], to: 'done' },
  'no-show': { from: ['called'], to: 'no-show' },
  return: { from: ['no-show'], to: 'waiting' },
  transfer: { from: ['waiting', 'called', 'serving'], to: 'waiting' },
  park: { from: ['called', 'serving'], to: 'waiting' },
  cancel: { from: ['waiting', 'called'], to: 'cancelled' },
};

/** The status after `action`, or null when the action is not possible from `status`. */
export function nextStatus(status: TicketStatus, action: TicketAction): TicketStatus | null {
  const t = transitions[action];
  return t.from.includes(status) ? t.to : null;
}

export function allowedActions(status: TicketStatus): TicketAction[] {
  return (Object.keys(transitions) as TicketAction[]).filter((a) => transitions[a].from.includes(status));
}

/** Statuses in which a ticket occupies a counter. */
export const atCounter: readonly TicketStatus[] = ['called', 'serving'];
/** Statuses after which nothing more happens (a no-show may still be returned). */
export const finished: readonly TicketStatus[] = ['done', 'cancelled'];

/** A recall beyond the limit is refused: the agent marks the ticket no-show instead. */
export function canRecall(callCount: number, maxCalls: number): boolean {
  return callCount < maxCalls;
}
