import type { useTranslation } from 'react-i18next';
import type { CounterDto, TicketDto } from '../../server/contracts/queue.ts';
import { ApiError, type ClientErrorCode } from '../../shared-web/api.ts';
import { errorMessage } from '../../shared-web/errors.ts';
import { waitBandText } from '../../shared-web/wait-band.ts';
import type { KioskState } from './kiosk-machine.ts';

type T = ReturnType<typeof useTranslation>['t'];

/** True when the hub told us the counters and none that is open can serve the service. */
export function noOpenCounter(counters: CounterDto[] | null, code: string): boolean {
  return counters !== null && !counters.some((c) => c.state === 'open' && c.skills.includes(code));
}

/** The wait line of a ticket: the band, or why there is none worth showing. */
export function ticketWaitText(t: T, ticket: TicketDto, noCounter: boolean): string {
  if (ticket.status !== 'waiting') return '';
  if (noCounter) return t('kiosk.noCounterWait');
  if (!ticket.estimatedWait) return '';
  if (ticket.estimatedWait.band === 'none') return t('kiosk.expectedWaitNone');
  return t('kiosk.expectedWait', { band: waitBandText(t, ticket.estimatedWait) });
}

/** At the kiosk some codes deserve words of their own (no links to check, staff nearby). */
export function kioskErrorMessage(t: T, code: ClientErrorCode): string {
  return t(`kiosk.errors.${code}`, { defaultValue: errorMessage(t, new ApiError(code, 0)) });
}

/** The essential text of each screen, read aloud when the resident asks for it. */
export function spokenText(
  state: KioskState,
  noCounter: (code: string) => boolean,
  t: T,
  serviceName: (c: string) => string,
): string {
  switch (state.screen) {
    case 'home':
      return `${t('kiosk.title')}. ${t('kiosk.choose')}`;
    case 'appointment':
      return t('kiosk.scanText');
    case 'ticket': {
      const tk = state.ticket;
      const parts = [`${t('kiosk.ticketTitle')}: ${tk.number.split('').join(' ')}`];
      if (tk.services[0]) parts.push(t('kiosk.ticketFor', { service: serviceName(tk.services[0].code) }));
      const wait = ticketWaitText(t, tk, noCounter(tk.services[0]?.code ?? ''));
      if (wait) parts.push(wait);
      parts.push(t('kiosk.takeTicket'));
      return parts.join('. ');
    }
    case 'error':
    case 'retry':
      return kioskErrorMessage(t, state.code);
    default:
      return '';
  }
}
