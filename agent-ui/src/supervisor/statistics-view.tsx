import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { LocationStatistics } from '../../../server/contracts/stats.ts';
import { api } from '../../../shared-web/api.ts';
import { addDays, formatLocalDate, localDateOf } from '../../../shared-web/datetime.ts';
import { errorMessage } from '../../../shared-web/errors.ts';
import type { LocationInfo, ServiceInfo } from '../catalog.ts';
import { downloadText } from '../download.ts';
import { AccuracySection } from './accuracy-section.tsx';
import { legendText } from './chart-legend.tsx';
import { dailyChartRows, type StatisticsResponse, serviceRows } from './statistics-adapter.ts';
import { TableScroll } from './table-scroll.tsx';

const pct = (share: number | null | undefined) =>
  share === null || share === undefined ? '—' : `${Math.round(share * 100)} %`;

/**
 * Share of visitors called within 5 and 10 minutes (walk-ins per day, walk-ins and appointments in total),
 * no-shows, days to the first free slot per service; charts and the per-day CSV.
 */
export function StatisticsView({
  location,
  services,
  token,
}: {
  location: LocationInfo;
  services: ServiceInfo[];
  token: string | null;
}) {
  const { t, i18n } = useTranslation();
  const today = localDateOf(new Date(), location.timeZone);
  const [range, setRange] = useState({ from: addDays(today, -27), to: today });
  const [stats, setStats] = useState<StatisticsResponse | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const path = `/locations/${encodeURIComponent(location.id)}/statistics`;

  const load = useCallback(() => {
    setFailure(null);
    api
      .get<LocationStatistics>(path, { token, query: range })
      .then(setStats)
      .catch((err) => {
        setStats(null);
        setFailure(errorMessage(t, err));
      });
  }, [path, token, range, t]);
  // Load once per location; the form reloads on demand.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the range is applied with the button
  useEffect(load, [path, token]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    load();
  };
  const exportCsv = async () => {
    try {
      const csv = await api.get<string>(path, {
        token,
        query: { ...range, format: 'csv' },
        headers: { accept: 'text/csv' },
      });
      downloadText(`statistics-${location.id}-${range.from}-${range.to}.csv`, csv, 'text/csv');
    } catch (err) {
      setFailure(errorMessage(t, err));
    }
  };
  const serviceName = (code: string) => services.find((s) => s.code === code)?.name ?? code;
  const chart = stats ? dailyChartRows(stats) : [];

  return (
    <div className="statistics">
      <section className="card" aria-labelledby="stats-heading">
        <h2 id="stats-heading">
          {t('agent.stats.title')} — {location.name}
        </h2>
        <form className="row" onSubmit={submit}>
          <label>
            {t('agent.stats.from')}
            <input
              type="date"
              value={range.from}
              max={range.to}
              onChange={(e) => setRange({ ...range, from: e.target.value })}
              required
            />
          </label>
          <label>
            {t('agent.stats.to')}
            <input
              type="date"
              value={range.to}
              min={range.from}
              onChange={(e) => setRange({ ...range, to: e.target.value })}
              required
            />
          </label>
          <button type="submit" className="primary">
            {t('agent.stats.show')}
          </button>
          <button type="button" onClick={exportCsv}>
            {t('agent.stats.export')}
          </button>
        </form>
        {failure && (
          <p className="banner banner-error" role="alert">
            {t('agent.stats.unavailable')} {failure}
          </p>
        )}
        {stats && (
          <dl className="kpis" data-testid="stats-kpis">
            <div>
              <dt>
                {t('agent.stats.visitors')} · {t('agent.stats.walkIn')}
              </dt>
              <dd>{stats.walkIns.visitors}</dd>
            </div>
            <div>
              <dt>
                {t('agent.stats.within5')} · {t('agent.stats.walkIn')}
              </dt>
              <dd>{pct(stats.walkIns.share5)}</dd>
            </div>
            <div>
              <dt>
                {t('agent.stats.within10')} · {t('agent.stats.walkIn')}
              </dt>
              <dd>{pct(stats.walkIns.share10)}</dd>
            </div>
            <div>
              <dt>
                {t('agent.stats.visitors')} · {t('agent.stats.appointment')}
              </dt>
              <dd>{stats.appointments.visitors}</dd>
            </div>
            <div>
              <dt>
                {t('agent.stats.within5')} · {t('agent.stats.appointment')}
              </dt>
              <dd>{pct(stats.appointments.share5)}</dd>
            </div>
            <div>
              <dt>
                {t('agent.stats.within10')} · {t('agent.stats.appointment')}
              </dt>
              <dd>{pct(stats.appointments.share10)}</dd>
            </div>
            <div>
              <dt>{t('agent.stats.noShows')}</dt>
              <dd>
                {stats.appointments.noShows}
                {stats.appointments.noShowShare !== null && (
                  <span className="count"> ({pct(stats.appointments.noShowShare)})</span>
                )}
              </dd>
            </div>
          </dl>
        )}
      </section>
      {stats && chart.length === 0 && <p className="muted">{t('agent.stats.empty')}</p>}
      {stats && chart.length > 0 && (
        <section className="card" aria-labelledby="stats-chart-heading">
          <h2 id="stats-chart-heading">
            {t('agent.stats.perDay')} · {t('agent.stats.walkIn')}
          </h2>
          <div className="chart" data-testid="stats-chart">
            <ResponsiveContainer width="100%" height={300}>
              <ComposedChart data={chart} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis
                  dataKey="date"
                  tickFormatter={(d: string) => formatLocalDate(d, i18n.language, 'short')}
                  minTickGap={16}
                />
                <YAxis yAxisId="share" domain={[0, 100]} unit="%" />
                <YAxis yAxisId="visitors" orientation="right" allowDecimals={false} />
                <Tooltip labelFormatter={(d) => formatLocalDate(String(d), i18n.language)} />
                <Legend formatter={legendText} />
                <Bar
                  isAnimationActive={false}
                  yAxisId="share"
                  dataKey="within5"
                  name={t('agent.stats.within5')}
                  fill="#7aa2e0"
                />
                <Bar
                  isAnimationActive={false}
                  yAxisId="share"
                  dataKey="within10"
                  name={t('agent.stats.within10')}
                  fill="#1f4e9c"
                />
                <Line
                  isAnimationActive={false}
                  yAxisId="visitors"
                  dataKey="visitors"
                  name={t('agent.stats.visitors')}
                  stroke="#c30000"
                  dot={false}
                  strokeWidth={2}
                />
              </ComposedChart>
            </ResponsiveContainer>
          </div>
        </section>
      )}
      {stats && (
        <section className="card" aria-labelledby="stats-services-heading">
          <h2 id="stats-services-heading">{t('agent.stats.perService')}</h2>
          <TableScroll label={t('agent.stats.perService')}>
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t('agent.stats.service')}</th>
                  <th scope="col">
                    {t('agent.stats.visitors')} · {t('agent.stats.walkIn')}
                  </th>
                  <th scope="col">{t('agent.stats.within5')}</th>
                  <th scope="col">{t('agent.stats.within10')}</th>
                  <th scope="col">{t('agent.stats.firstFree')}</th>
                </tr>
              </thead>
              <tbody>
                {serviceRows(stats).map((s) => (
                  <tr key={s.code}>
                    <th scope="row">{serviceName(s.code)}</th>
                    <td>{s.visitors}</td>
                    <td>{pct(s.share5)}</td>
                    <td>{pct(s.share10)}</td>
                    <td>{s.daysToFirstFree ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </section>
      )}
      {stats && <AccuracySection locationId={location.id} from={range.from} to={range.to} />}
    </div>
  );
}
