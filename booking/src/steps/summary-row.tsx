import { useTranslation } from 'react-i18next';

/** One line of the confirmation summary with its "change" button. */
export function SummaryRow({ label, value, onChange }: { label: string; value: string; onChange: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="summary__row">
      <dt>{label}</dt>
      <dd>{value}</dd>
      <dd>
        <button type="button" className="utrecht-link utrecht-button--subtle link-button" onClick={onChange}>
          {t('booking.confirm.change')}
          <span className="loket-visually-hidden">: {label}</span>
        </button>
      </dd>
    </div>
  );
}
