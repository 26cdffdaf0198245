import type { TicketDto } from '../../server/contracts/queue.ts';
import type { ClientErrorCode } from '../../shared-web/api.ts';

/**
 * The kiosk's screens as a pure state machine. The rules that matter at the door:
 * one request at a time (a second tap while one is pending does nothing), a failed request is
 * retried as the SAME request, and a ticket is printed once — `printed` flips exactly once.
 */
export type PendingRequest =
  | { id: string; kind: 'ticket'; serviceCode: string; persons: number }
  | { id: string; kind: 'check-in'; reference: string; entered?: string };

export type KioskState =
  | { screen: 'home' }
  /** Check-in: what was entered stays after a refusal, with the reason (and `opensAt` when too early). */
  | { screen: 'appointment'; entered: string; code?: ClientErrorCode; opensAt?: string }
  | { screen: 'persons'; serviceCode: string; maxPersons: number }
  | { screen: 'pending'; request: PendingRequest }
  | { screen: 'retry'; request: PendingRequest; code: ClientErrorCode }
  | { screen: 'ticket'; ticket: TicketDto; printed: boolean }
  | { screen: 'error'; code: ClientErrorCode; from: 'ticket' | 'check-in'; opensAt?: string };

export type KioskAction =
  | { type: 'choose-service'; serviceCode: string; maxPersons: number; requestId: string }
  | { type: 'take-ticket'; serviceCode: string; persons: number; requestId: string }
  | { type: 'open-appointment' }
  | { type: 'enter'; entered: string }
  | { type: 'check-in'; reference: string; requestId: string; entered?: string }
  | { type: 'succeeded'; requestId: string; ticket: TicketDto }
  | { type: 'failed'; requestId: string; code: ClientErrorCode; opensAt?: string }
  | { type: 'retry' }
  | { type: 'printed'; ticketId: number }
  | { type: 'reset' };

export const initialKioskState: KioskState = { screen: 'home' };

/** Failures where the same request may simply be sent again (nothing was decided by the server). */
export function isRetryable(code: ClientErrorCode): boolean {
  return (
    code === 'network' || code === 'internal' || code === 'rate-limited' || code === 'unavailable' || code === 'unknown'
  );
}

/** Check-in refusals the resident can act on at the keypad (a wrong digit, too early, too late). */
const keepsInput = new Set<ClientErrorCode>([
  'not-found',
  'validation-failed',
  'check-in-too-early',
  'check-in-too-late',
  'invalid-state',
  // Too many wrong codes from this kiosk: retrying the same code would not help.
  'rate-limited',
]);

export function kioskReducer(state: KioskState, action: KioskAction): KioskState {
  switch (action.type) {
    case 'choose-service':
      if (state.screen !== 'home') return state;
      // Services one person at a time skip the question; others ask how many people come.
      if (action.maxPersons > 1)
        return { screen: 'persons', serviceCode: action.serviceCode, maxPersons: action.maxPersons };
      return {
        screen: 'pending',
        request: { id: action.requestId, kind: 'ticket', serviceCode: action.serviceCode, persons: 1 },
      };
    case 'take-ticket': {
      if (state.screen !== 'home' && state.screen !== 'persons') return state;
      if (state.screen === 'persons' && state.serviceCode !== action.serviceCode) return state;
      const max = state.screen === 'persons' ? state.maxPersons : 1;
      const persons = Math.min(Math.max(1, Math.floor(action.persons)), max);
      return {
        screen: 'pending',
        request: { id: action.requestId, kind: 'ticket', serviceCode: action.serviceCode, persons },
      };
    }
    case 'open-appointment':
      return state.screen === 'home' ? { screen: 'appointment', entered: '' } : state;
    case 'enter':
      // Typing again clears the reason of the last refusal.
      return state.screen === 'appointment' ? { screen: 'appointment', entered: action.entered } : state;
    case 'check-in': {
      if (state.screen !== 'home' && state.screen !== 'appointment') return state;
      const reference = action.reference.trim();
      if (!reference) return state;
      const entered = action.entered ?? (state.screen === 'appointment' ? state.entered : undefined);
      return {
        screen: 'pending',
        request: { id: action.requestId, kind: 'check-in', reference, ...(entered ? { entered } : {}) },
      };
    }
    case 'succeeded':
      // Only the answer to the request we are waiting for counts; a late duplicate is ignored.
      if ((state.screen !== 'pending' && state.screen !== 'retry') || state.request.id !== action.requestId)
        return state;
      return { screen: 'ticket', ticket: action.ticket, printed: false };
    case 'failed':
      if ((state.screen !== 'pending' && state.screen !== 'retry') || state.request.id !== action.requestId)
        return state;
      // A refused check-in goes back to the keypad with what was typed, so one wrong digit is one fix.
      if (state.request.kind === 'check-in' && keepsInput.has(action.code))
        return {
          screen: 'appointment',
          entered: state.request.entered ?? state.request.reference,
          code: action.code,
          ...(action.opensAt ? { opensAt: action.opensAt } : {}),
        };
      return isRetryable(action.code)
        ? { screen: 'retry', request: state.request, code: action.code }
        : {
            screen: 'error',
            code: action.code,
            from: state.request.kind,
            ...(action.opensAt ? { opensAt: action.opensAt } : {}),
          };
    case 'retry':
      return state.screen === 'retry' ? { screen: 'pending', request: state.request } : state;
    case 'printed':
      if (state.screen !== 'ticket' || state.ticket.id !== action.ticketId || state.printed) return state;
      return { ...state, printed: true };
    case 'reset':
      // Never abandon a request in flight: its answer still has to be printed (or reported).
      return state.screen === 'pending' ? state : initialKioskState;
  }
}

/** A QR code or a wedge scanner gives either the bare reference or a link containing it. */
export function parseScannedReference(text: string): string {
  const trimmed = text.trim();
  const fromLink = /\/manage\/([A-Za-z0-9-]+)/.exec(trimmed);
  const raw = fromLink?.[1] ?? trimmed;
  return raw.replace(/[^A-Za-z0-9-]/g, '').toUpperCase();
}
