import { useTranslation } from 'react-i18next';
import type { Items, Service } from '../api.ts';
import { feeTotal, formatEuro } from '../calendar-grid.ts';

/** The fees of the chosen services as one total, paid at the counter; says when minors pay less. */
export function FeeSummary({ items, services }: { items: Items; services: Service[] }) {
  const { t, i18n } = useTranslation();
  const lines = items.map((i) => {
    const s = services.find((x) => x.code === i.code);
    return { code: i.code, persons: i.persons, adult: s?.fees.adult ?? null, minor: s?.fees.minor ?? null };
  });
  const total = feeTotal(lines);
  if (!total) return null;
  return (
    <p className="utrecht-paragraph fee-summary" data-testid="fee-total">
      <strong>{t('booking.fees.total', { amount: formatEuro(total.total, i18n.language) })}</strong>{' '}
      {t('booking.fees.payAt')}
      {total.hasMinorFees ? ` ${t('booking.fees.minors')}` : ''}
    </p>
  );
}
