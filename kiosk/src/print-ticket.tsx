import { useTranslation } from 'react-i18next';
import type { TicketDto } from '../../server/contracts/queue.ts';
import { QrCode } from '../../shared-web/components/qr-code.tsx';
import { formatTime } from '../../shared-web/datetime.ts';
import { useMunicipality } from '../../shared-web/municipality.ts';

/** The 80 mm receipt: hidden on screen, the only thing on paper (see kiosk.css @media print). */
export function PrintTicket({
  ticket,
  waitText,
  serviceName,
  locationName,
  zone,
}: {
  ticket: TicketDto;
  /** The same wait line as on screen (band, or why none). */
  waitText: string;
  serviceName: string;
  locationName: string;
  zone: string;
}) {
  const { t, i18n } = useTranslation();
  const municipality = useMunicipality();
  const statusUrl = `${window.location.origin}/t/${encodeURIComponent(ticket.publicId)}`;
  return (
    <section className="print-ticket" aria-hidden="true" data-testid="print-ticket">
      <p className="print-ticket__header">
        {municipality?.name ?? ''}
        <br />
        {locationName || t('kiosk.printHeader')}
      </p>
      <p className="print-ticket__number">{ticket.number}</p>
      <p className="print-ticket__service">{serviceName}</p>
      {ticket.position !== null && ticket.status === 'waiting' ? (
        <p className="print-ticket__position">
          {ticket.position <= 1 ? t('kiosk.positionNext') : t('kiosk.position', { count: ticket.position - 1 })}
        </p>
      ) : null}
      {waitText ? <p className="print-ticket__wait">{waitText}</p> : null}
      <p className="print-ticket__time">
        {t('kiosk.printIssued', { time: formatTime(ticket.issuedAt, i18n.language, zone) })}
      </p>
      <QrCode value={statusUrl} label="" size={150} className="print-ticket__qr" />
      <p className="print-ticket__hint">{t('kiosk.printQr')}</p>
    </section>
  );
}
