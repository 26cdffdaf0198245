import { useTranslation } from 'react-i18next';
import type { Step } from '../booking-flow.ts';

/** The numbered steps above the form; the current one is marked for assistive technology too. */
export function ProgressSteps({ steps, current }: { steps: Step[]; current: number }) {
  const { t } = useTranslation();
  return (
    <ol className="progress" aria-label={t('booking.stepOf', { current: current + 1, total: steps.length })}>
      {steps.map((s, i) => (
        <li
          key={s}
          className={`progress__step${i === current ? ' progress__step--current' : ''}${i < current ? ' progress__step--done' : ''}`}
          aria-current={i === current ? 'step' : undefined}
        >
          <span className="progress__number" aria-hidden="true">
            {i + 1}
          </span>
          <span className="progress__label">{t(`booking.steps.${s}`)}</span>
        </li>
      ))}
    </ol>
  );
}
