import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TicketDto } from '../../server/contracts/queue.ts';
import { ErrorAlert } from '../../shared-web/components/error-alert.tsx';
import { emitCommand, type HubSocket, useHub } from '../../shared-web/hub.ts';
import { waitBandText } from '../../shared-web/wait-band.ts';
import { bookingApi } from './api.ts';
import { turnLevel } from './turn-alert.ts';
import { useTurnAlert } from './use-turn-alert.ts';

export const pollSeconds = 15;

/** The resident's phone page for a ticket: live over the hub, polling the API when the hub is away. */
export function TicketPage({ publicId, pollMs = pollSeconds * 1000 }: { publicId: string; pollMs?: number }) {
  const { t } = useTranslation();
  const [ticket, setTicket] = useState<TicketDto | null>(null);
  const [error, setError] = useState<unknown>(null);

  const accept = useCallback(
    (next: TicketDto) => {
      if (next.publicId === publicId) setTicket(next);
    },
    [publicId],
  );

  const follow = useCallback(
    (socket: HubSocket) => {
      void emitCommand(socket, 'ticket:follow', { publicId }).then((ack) => {
        if (ack.ok) {
          setError(null);
          accept(ack.data);
        }
      });
    },
    [publicId, accept],
  );

  const { socket, connected } = useHub({ onConnect: follow });
  const alert = useTurnAlert(ticket, {
    title: t('ticket.alertTitle'),
    soon: t('ticket.soon'),
    called: t('ticket.called', { counter: ticket?.counterName ?? '' }),
  });

  useEffect(() => {
    if (!socket) return;
    const onUpdated = (next: TicketDto) => accept(next);
    const onCalled = (call: { ticket: TicketDto }) => accept(call.ticket);
    socket.on('ticket:updated', onUpdated);
    socket.on('ticket:called', onCalled);
    return () => {
      socket.off('ticket:updated', onUpdated);
      socket.off('ticket:called', onCalled);
    };
  }, [socket, accept]);

  // HTTP first (fast first paint, works without sockets), then every pollSeconds while the hub is down.
  useEffect(() => {
    let live = true;
    const load = () =>
      bookingApi.ticket(publicId).then(
        (next) => {
          if (!live) return;
          setError(null);
          accept(next);
        },
        (err: unknown) => {
          if (live) setError(err);
        },
      );
    void load();
    if (connected)
      return () => {
        live = false;
      };
    const timer = setInterval(load, pollMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [publicId, connected, accept, pollMs]);

  return (
    <div className="ticket">
      <h1 className="utrecht-heading-1">{t('ticket.title')}</h1>
      {!ticket && error ? <ErrorAlert error={error} /> : null}
      {!ticket && !error ? <p role="status">{t('common.loading')}</p> : null}
      {ticket && turnLevel(ticket) === 'soon' ? (
        <div className="utrecht-alert utrecht-alert--warning ticket__soon" data-testid="almost-your-turn">
          <p className="utrecht-paragraph">
            <strong>{t('ticket.soon')}</strong>
          </p>
        </div>
      ) : null}
      {ticket ? <TicketStatus ticket={ticket} /> : null}
      {ticket && (ticket.status === 'waiting' || ticket.status === 'called') ? (
        <div className="ticket__alerts">
          {alert.enabled ? (
            <p className="utrecht-paragraph" data-testid="alerts-on">
              {alert.permission === 'granted' ? t('ticket.alertsOnNotify') : t('ticket.alertsOn')}
            </p>
          ) : (
            <>
              <button
                type="button"
                className="utrecht-button utrecht-button--primary-action"
                onClick={() => void alert.enable()}
              >
                {t('ticket.enableAlerts')}
              </button>
              <p className="utrecht-paragraph ticket__alerts-hint">{t('ticket.enableAlertsHint')}</p>
            </>
          )}
        </div>
      ) : null}
      <p className="utrecht-paragraph ticket__live" role="status">
        {connected ? t('ticket.live') : t('ticket.polling', { seconds: pollSeconds })}
      </p>
    </div>
  );
}

export function TicketStatus({ ticket }: { ticket: TicketDto }) {
  const { t } = useTranslation();
  const counter = ticket.counterName ?? '';
  let message: string;
  switch (ticket.status) {
    case 'called':
      message = t('ticket.called', { counter });
      break;
    case 'serving':
      message = t('ticket.serving', { counter });
      break;
    case 'done':
      message = t('ticket.done');
      break;
    case 'no-show':
      message = t('ticket.noShow');
      break;
    case 'cancelled':
      message = t('ticket.cancelled');
      break;
    default:
      message =
        ticket.position === null
          ? ''
          : ticket.position <= 1
            ? t('ticket.positionNext')
            : t('ticket.position', { count: ticket.position - 1 });
  }
  return (
    <div className={`ticket__card ticket__card--${ticket.status}`}>
      <p className="ticket__label">{t('ticket.number')}</p>
      <p className="ticket__number" data-testid="ticket-number">
        {ticket.number}
      </p>
      <div aria-live="polite" aria-atomic="true">
        {message ? <p className="ticket__message">{message}</p> : null}
        {ticket.status === 'waiting' && ticket.estimatedWait ? (
          <p className="utrecht-paragraph">{t('ticket.wait', { band: waitBandText(t, ticket.estimatedWait) })}</p>
        ) : null}
      </div>
    </div>
  );
}
