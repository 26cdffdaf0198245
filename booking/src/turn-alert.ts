import type { TicketDto } from '../../server/contracts/queue.ts';

/** How close the resident is to their turn: `soon` (next, or one ahead), `called`, or nothing to say. */
export type TurnLevel = 'soon' | 'called' | null;

/** Positions at or below this count as "almost your turn" (1 = next, 2 = one person ahead). */
export const SOON_POSITION = 2;

export function turnLevel(ticket: TicketDto): TurnLevel {
  if (ticket.status === 'called') return 'called';
  if (ticket.status === 'waiting' && ticket.position !== null && ticket.position <= SOON_POSITION) return 'soon';
  return null;
}

/**
 * Whether to alert (sound, vibration, notification) on this update: once when the ticket becomes "soon",
 * and on every call (a recall calls again, so `callCount` rising alerts again). Never for the state the page
 * opened with, nor again for the same level.
 */
export function alertFor(previous: { level: TurnLevel; callCount: number } | null, ticket: TicketDto): TurnLevel {
  const level = turnLevel(ticket);
  if (previous === null || level === null) return null;
  if (level === 'called') return previous.level !== 'called' || ticket.callCount > previous.callCount ? 'called' : null;
  return previous.level === null ? 'soon' : null;
}
