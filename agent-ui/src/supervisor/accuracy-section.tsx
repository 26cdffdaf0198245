import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PredictionAccuracyDto } from '../../../server/contracts/stats.ts';
import { api } from '../../../shared-web/api.ts';
import { formatLocalDate } from '../../../shared-web/datetime.ts';
import { TableScroll } from './table-scroll.tsx';

type AccuracyWeek = PredictionAccuracyDto['weeks'][number];

/**
 * How good our own wait predictions were at this office, per week (the open-data feed's figures): the
 * mean absolute error and the share of walk-ins whose real wait fell inside the band they were shown.
 */
export function AccuracySection({ locationId, from, to }: { locationId: string; from: string; to: string }) {
  const { t, i18n } = useTranslation();
  const [weeks, setWeeks] = useState<AccuracyWeek[] | null>(null);
  useEffect(() => {
    api
      .get<PredictionAccuracyDto>('/open-data/prediction-accuracy', { query: { from, to } })
      .then((body) => setWeeks(body.weeks.filter((w) => w.locationId === locationId)))
      .catch(() => setWeeks([]));
  }, [locationId, from, to]);
  if (weeks === null) return null;
  return (
    <section className="card" aria-labelledby="stats-accuracy-heading">
      <h2 id="stats-accuracy-heading">{t('agent.stats.accuracy')}</h2>
      <p className="muted">{t('agent.stats.accuracyHelp')}</p>
      {weeks.length === 0 ? (
        <p>{t('agent.stats.empty')}</p>
      ) : (
        <TableScroll label={t('agent.stats.accuracy')}>
          <table className="data-table" data-testid="accuracy-table">
            <thead>
              <tr>
                <th scope="col">{t('agent.planner.week')}</th>
                <th scope="col">{t('agent.stats.accuracyWalkIns')}</th>
                <th scope="col">{t('agent.stats.accuracyMae')}</th>
                <th scope="col">{t('agent.stats.accuracyInside')}</th>
              </tr>
            </thead>
            <tbody>
              {weeks.map((w) => (
                <tr key={w.weekStart}>
                  <th scope="row">{formatLocalDate(w.weekStart, i18n.language)}</th>
                  <td>{w.walkIns}</td>
                  <td>{w.maeMinutes.toFixed(1)}</td>
                  <td>{Math.round(w.shareInsideBand * 100)} %</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}
