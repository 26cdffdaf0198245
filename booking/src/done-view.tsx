import { Button } from '@utrecht/button-react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatCheckInCode } from '../../server/contracts/check-in.ts';
import { ErrorAlert } from '../../shared-web/components/error-alert.tsx';
import { QrCode } from '../../shared-web/components/qr-code.tsx';
import { formatDateTime, formatLocalDate } from '../../shared-web/datetime.ts';
import { addressLine, type Booked, type Location, type Service } from './api.ts';
import { downloadCalendar, manageUrl } from './calendar.ts';
import { HoldNotice } from './steps/booking-rules.tsx';

export function DoneView({
  booked,
  services,
  location,
  onAnother,
}: {
  booked: Booked;
  services: Service[];
  location: Location | null;
  onAnother: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language.startsWith('en') ? 'en' : 'nl';
  const heading = useRef<HTMLHeadingElement>(null);
  const [calendarError, setCalendarError] = useState<unknown>(null);
  const where = booked.location ?? location;
  const zone = where?.timeZone ?? 'Europe/Amsterdam';
  useEffect(() => heading.current?.focus(), []);
  const link = manageUrl(booked.reference, booked.manageToken);
  const items = booked.services.length ? booked.services : [];
  return (
    <div className="done">
      <div className="utrecht-alert utrecht-alert--ok" role="status">
        <h1 className="utrecht-heading-1" ref={heading} tabIndex={-1}>
          {booked.holdExpiresAt ? t('booking.done.heldTitle') : t('booking.done.title')}
        </h1>
      </div>
      {booked.holdExpiresAt ? (
        <HoldNotice until={booked.holdExpiresAt} email={booked.customer?.email ?? ''} zone={zone} />
      ) : null}
      <div className="done__grid">
        <div>
          <p className="utrecht-paragraph">{t('booking.done.reference')}</p>
          <p className="done__reference" data-testid="reference">
            {booked.reference}
          </p>
          {booked.checkInCode ? (
            <div className="done__check-in">
              <p className="utrecht-paragraph">{t('booking.done.checkInCode')}</p>
              <p className="done__code" data-testid="check-in-code">
                {formatCheckInCode(booked.checkInCode)}
              </p>
              <p className="utrecht-paragraph">{t('booking.done.checkInHint')}</p>
            </div>
          ) : null}
          <dl className="summary">
            <div className="summary__row">
              <dt>{t('booking.confirm.when')}</dt>
              <dd>{formatDateTime(booked.start, i18n.language, zone)}</dd>
            </div>
            {where ? (
              <div className="summary__row">
                <dt>{t('booking.confirm.where')}</dt>
                <dd>
                  {where.name}
                  {addressLine(where.address) ? `, ${addressLine(where.address)}` : ''}
                </dd>
              </div>
            ) : null}
            {booked.followUp?.appointment ? (
              <div className="summary__row" data-testid="pickup">
                <dt>{t('booking.done.pickup')}</dt>
                <dd>
                  {formatDateTime(booked.followUp.appointment.start, i18n.language, zone)} (
                  {t('booking.done.pickupReference', { reference: booked.followUp.appointment.reference })})
                </dd>
              </div>
            ) : null}
            {items.map((i) => {
              const s = services.find((x) => x.code === i.code);
              return (
                <div className="summary__row" key={i.code}>
                  <dt>{s?.name[lang] ?? i.code}</dt>
                  <dd>
                    {t('common.persons', { count: i.persons })}
                    {s?.necessities[lang].length ? (
                      <>
                        {' — '}
                        {t('booking.services.bring')}: {s.necessities[lang].join('; ')}
                      </>
                    ) : null}
                  </dd>
                </div>
              );
            })}
          </dl>
        </div>
        <figure className="done__qr">
          <QrCode value={booked.reference} label={t('booking.done.qr', { reference: booked.reference })} size={180} />
          <figcaption className="utrecht-paragraph">
            {t(booked.checkInCode ? 'booking.done.qrHint' : 'booking.done.qrHintScanOnly')}
          </figcaption>
        </figure>
      </div>
      <div className="button-row">
        <Button
          appearance="secondary-action-button"
          onClick={() => {
            setCalendarError(null);
            downloadCalendar(booked.reference, booked.manageToken).catch(setCalendarError);
          }}
        >
          {t('booking.done.calendar')}
        </Button>
        <a
          className="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--secondary-action"
          href={link}
        >
          {t('booking.done.manage')}
        </a>
      </div>
      <ErrorAlert error={calendarError} />
      {booked.followUp && !booked.followUp.appointment ? (
        <p className="utrecht-paragraph" data-testid="pickup-note">
          {t(booked.followUp.byAppointment ? 'booking.done.pickupLater' : 'booking.done.pickupWalkIn', {
            date: formatLocalDate(booked.followUp.earliestDate, i18n.language),
          })}
        </p>
      ) : null}
      {booked.customer?.email && !booked.holdExpiresAt ? (
        <p className="utrecht-paragraph">{t('booking.done.emailSent', { email: booked.customer.email })}</p>
      ) : null}
      <p className="utrecht-paragraph">{t('booking.done.manageHint')}</p>
      <p className="utrecht-paragraph">
        <a className="utrecht-link manage-link" href={link}>
          {link}
        </a>
      </p>
      <p className="utrecht-paragraph">
        <Button appearance="subtle-button" onClick={onAnother}>
          {t('booking.done.another')}
        </Button>
      </p>
    </div>
  );
}
