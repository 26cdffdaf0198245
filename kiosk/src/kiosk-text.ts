import type { useTranslation } from 'react-i18next';
import type { CounterDto, TicketDto } from '../../server/contracts/queue.ts';
import { ApiError, type ClientErrorCode } from '../../shared-web/api.ts';
import { formatLocalDate, formatTime, localDateOf } from '../../shared-web/datetime.ts';
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

/** "10:30" today, "dinsdag 24 november 09:00" on another day: when something opens, in the office's zone. */
export function whenText(iso: string, language: string, zone: string, now: Date = new Date()): string {
  const at = new Date(iso);
  const time = formatTime(at, language, zone);
  const date = localDateOf(at, zone);
  if (date === localDateOf(now, zone)) return time;
  return `${formatLocalDate(date, language, 'short')} ${time}`;
}

/** The message of a refusal, with the time from when it will work where the server said so. */
export function refusalText(t: T, code: ClientErrorCode, opensAt: string | undefined, language: string, zone: string) {
  const base = kioskErrorMessage(t, code);
  if (!opensAt) return base;
  const when = whenText(opensAt, language, zone);
  if (code === 'outside-walk-in-hours') return `${base} ${t('kiosk.walkInOpensAt', { time: when })}`;
  if (code === 'check-in-too-early') return `${base} ${t('kiosk.opensAt', { time: when })}`;
  return base;
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
  language = 'nl',
  zone = 'Europe/Amsterdam',
  /** The home screen's buttons as read: each service with its wait. */
  homeItems: readonly string[] = [],
): string {
  switch (state.screen) {
    case 'home':
      return [
        t('kiosk.title'),
        t('kiosk.choose'),
        ...homeItems,
        t('kiosk.appointment'),
        t('kiosk.appointmentHint'),
      ].join('. ');
    case 'appointment': {
      const parts = [t('kiosk.scanTitle'), t('kiosk.scanText')];
      if (state.entered) parts.push(`${t('kiosk.codeLabel')}: ${state.entered.split('').join(' ')}`);
      if (state.code) parts.push(refusalText(t, state.code, state.opensAt, language, zone));
      return parts.join('. ');
    }
    case 'persons':
      return `${t('kiosk.personsTitle')} ${t('kiosk.personsText', { service: serviceName(state.serviceCode) })}`;
    case 'ticket': {
      const tk = state.ticket;
      const parts = [`${t('kiosk.ticketTitle')}: ${tk.number.split('').join(' ')}`];
      if (tk.services[0]) parts.push(t('kiosk.ticketFor', { service: serviceName(tk.services[0].code) }));
      if (tk.dueAt) parts.push(t('kiosk.checkedIn', { time: formatTime(tk.dueAt, language, zone) }));
      if (tk.position !== null && tk.status === 'waiting')
        parts.push(tk.position <= 1 ? t('kiosk.positionNext') : t('kiosk.position', { count: tk.position - 1 }));
      const wait = ticketWaitText(t, tk, noCounter(tk.services[0]?.code ?? ''));
      if (wait) parts.push(wait);
      parts.push(t('kiosk.takeTicket'), t('kiosk.followPhone'));
      return parts.join('. ');
    }
    case 'error':
      return `${t('kiosk.errorTitle')}. ${refusalText(t, state.code, state.opensAt, language, zone)}`;
    case 'retry':
      return `${t('kiosk.retryTitle')}. ${t('kiosk.retryText')}`;
    default:
      return '';
  }
}
