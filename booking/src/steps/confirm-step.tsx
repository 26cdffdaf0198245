import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../../shared-web/components/error-alert.tsx';
import { formatDateTime } from '../../../shared-web/datetime.ts';
import { addressLine, type Items, type Location, type Service } from '../api.ts';
import type { BookingState, Step } from '../booking-flow.ts';
import { FeeSummary } from './fee-summary.tsx';
import { SummaryRow } from './summary-row.tsx';

/** The last step: everything chosen, each line with a way back to change it. */
export function ConfirmStep({
  state,
  start,
  items,
  services,
  location,
  zone,
  lang,
  error,
  onGoto,
}: {
  state: BookingState;
  start: string;
  items: Items;
  services: Service[];
  location: Location;
  zone: string;
  lang: 'nl' | 'en';
  error: unknown;
  onGoto: (step: Step) => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <>
      <dl className="summary">
        <SummaryRow
          label={t('booking.confirm.what')}
          onChange={() => onGoto('services')}
          value={items
            .map((i) => {
              const s = services.find((x) => x.code === i.code);
              return `${s?.name[lang] ?? i.code} (${t('common.persons', { count: i.persons })})`;
            })
            .join(', ')}
        />
        <SummaryRow
          label={t('booking.confirm.where')}
          onChange={() => onGoto('location')}
          value={`${location.name}${addressLine(location.address) ? `, ${addressLine(location.address)}` : ''}`}
        />
        <SummaryRow
          label={t('booking.confirm.when')}
          onChange={() => onGoto('day')}
          value={formatDateTime(start, i18n.language, zone)}
        />
        {state.pickupOffered ? (
          <SummaryRow
            label={t('booking.confirm.pickup')}
            onChange={() => onGoto('pickup')}
            value={
              state.pickupStart
                ? formatDateTime(state.pickupStart, i18n.language, zone)
                : t('booking.confirm.pickupNone')
            }
          />
        ) : null}
        <SummaryRow label={t('booking.confirm.who')} onChange={() => onGoto('details')} value={state.customer.name} />
        <SummaryRow
          label={t('booking.confirm.email')}
          onChange={() => onGoto('details')}
          value={state.customer.email}
        />
      </dl>
      <FeeSummary items={items} services={services} />
      <ErrorAlert error={error} />
    </>
  );
}
