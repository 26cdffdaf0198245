import { useTranslation } from 'react-i18next';
import { bandForMinutes, waitBandText } from '../../../shared-web/wait-band.ts';
import { addressLine, type Location } from '../api.ts';

/** An office's address and how busy it is right now, under its name in the location step. */
export function LocationInfo({ location }: { location: Location }) {
  const { t } = useTranslation();
  return (
    <>
      {addressLine(location.address) ? <span className="choice__line">{addressLine(location.address)}</span> : null}
      <span className="choice__line busy">
        {location.waiting === null
          ? t('booking.location.busyUnknown')
          : location.waitMinutes === null
            ? t('booking.location.busyNoCounter', { count: location.waiting })
            : t('booking.location.busyNow', {
                count: location.waiting,
                band: waitBandText(t, bandForMinutes(location.waitMinutes)),
              })}
      </span>
    </>
  );
}
