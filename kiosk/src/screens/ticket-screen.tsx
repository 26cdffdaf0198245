import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { TicketDto } from '../../../server/contracts/queue.ts';
import { formatTime } from '../../../shared-web/datetime.ts';

/** The issued ticket on screen (the printed slip is `print-ticket.tsx`). */
export function TicketScreen({
  ticket,
  waitText,
  serviceName,
  zone,
  onDone,
}: {
  ticket: TicketDto;
  waitText: string;
  serviceName: string;
  zone: string;
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const position = ticket.position;
  return (
    <div className="kiosk--center kiosk-ticket" data-testid="kiosk-ticket">
      <h1 className="kiosk__title" ref={heading} tabIndex={-1}>
        {t('kiosk.ticketTitle')}
      </h1>
      <p className="kiosk-ticket__number" data-testid="kiosk-ticket-number">
        {ticket.number}
      </p>
      <p className="kiosk__lead">{t('kiosk.ticketFor', { service: serviceName })}</p>
      {ticket.dueAt ? (
        <p className="kiosk__lead">
          {t('kiosk.checkedIn', {
            time: formatTime(ticket.dueAt, i18n.language, zone),
          })}
        </p>
      ) : null}
      {position !== null && ticket.status === 'waiting' ? (
        <p className="kiosk__lead">
          {position <= 1 ? t('kiosk.positionNext') : t('kiosk.position', { count: position - 1 })}
        </p>
      ) : null}
      {waitText ? <p className="kiosk__lead kiosk-ticket__wait">{waitText}</p> : null}
      <p className="kiosk__lead">{t('kiosk.takeTicket')}</p>
      <p className="kiosk__small">{t('kiosk.followPhone')}</p>
      <button type="button" className="kiosk-button kiosk-button--primary" onClick={onDone}>
        {t('kiosk.done')}
      </button>
    </div>
  );
}
