import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../../../shared-web/api.ts';
import { addDays, formatLocalDate, localDateOf } from '../../../shared-web/datetime.ts';
import { errorMessage } from '../../../shared-web/errors.ts';
import type { LocationInfo, ServiceInfo } from '../catalog.ts';
import { downloadText } from '../download.ts';
import { type Statistics, toStatistics } from './statistics-adapter.ts';

const pct = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)} %`);

/** Service levels per day (walk-ins and appointments), no-shows, days to the first free slot; charts and CSV. */
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
  const [stats, setStats] = useState<Statistics | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const path = `/locations/${encodeURIComponent(location.id)}/statistics`;

  const load = useCallback(() => {
    setFailure(null);
    api
      .get<unknown>(path, { token, query: range })
      .then((body) => setStats(toStatistics(body)))
      .catch((err) => {
        setStats(null);
        setFailure(errorMessage(t, err));
      });
  }, [path, token, range, t]);
  useEffect(load, [load]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    load();
  };
  const exportCsv = async () => {
    try {
      const csv = await api.get<string>(`${path}.csv`, { token, query: range, headers: { accept: 'text/csv' } });
      downloadText(`statistics-${location.id}-${range.from}-${range.to}.csv`, csv, 'text/csv');
    } catch (err) {
      setFailure(errorMessage(t, err));
    }
  };
  const serviceName = (code: string) => services.find((s) => s.code === code)?.name ?? code;
  const chartData = (stats?.days ?? []).map((d) => ({
    date: d.date,
    walkIn5: d.walkIn.within5 === null ? null : Math.round(d.walkIn.within5 * 100),
    walkIn10: d.walkIn.within10 === null ? null : Math.round(d.walkIn.within10 * 100),
    appt5: d.appointment.within5 === null ? null : Math.round(d.appointment.within5 * 100),
    noShows: d.noShows,
  }));

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
              <dt>{t('agent.stats.visitors')}</dt>
              <dd>{stats.totals.visitors}</dd>
            </div>
            <div>
              <dt>
                {t('agent.stats.within10')} · {t('agent.stats.walkIn')}
              </dt>
              <dd>{pct(stats.totals.walkIn.within10)}</dd>
            </div>
            <div>
              <dt>
                {t('agent.stats.within5')} · {t('agent.stats.appointment')}
              </dt>
              <dd>{pct(stats.totals.appointment.within5)}</dd>
            </div>
            <div>
              <dt>{t('agent.stats.noShows')}</dt>
              <dd>{stats.totals.noShows}</dd>
            </div>
          </dl>
        )}
      </section>
      {stats && stats.days.length === 0 && <p className="muted">{t('agent.stats.empty')}</p>}
      {stats && stats.days.length > 0 && (
        <section className="card" aria-labelledby="stats-chart-heading">
          <h2 id="stats-chart-heading">{t('agent.stats.perDay')}</h2>
          <div className="chart" data-testid="stats-chart">
            <ResponsiveContainer width="100%" height={300}>
              <BarChart data={chartData} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis
                  dataKey="date"
                  tickFormatter={(d: string) => formatLocalDate(d, i18n.language, 'short')}
                  minTickGap={16}
                />
                <YAxis domain={[0, 100]} unit="%" />
                <Tooltip labelFormatter={(d) => formatLocalDate(String(d), i18n.language)} />
                <Legend />
                <Bar
                  dataKey="walkIn5"
                  name={`${t('agent.stats.within5')} · ${t('agent.stats.walkIn')}`}
                  fill="#7aa2e0"
                />
                <Bar
                  dataKey="walkIn10"
                  name={`${t('agent.stats.within10')} · ${t('agent.stats.walkIn')}`}
                  fill="#1f4e9c"
                />
                <Bar
                  dataKey="appt5"
                  name={`${t('agent.stats.within5')} · ${t('agent.stats.appointment')}`}
                  fill="#2f7d32"
                />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </section>
      )}
      {stats && stats.services.length > 0 && (
        <section className="card" aria-labelledby="stats-services-heading">
          <h2 id="stats-services-heading">{t('agent.stats.perService')}</h2>
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('agent.stats.service')}</th>
                <th scope="col">{t('agent.stats.visitors')}</th>
                <th scope="col">{t('agent.stats.within5')}</th>
                <th scope="col">{t('agent.stats.within10')}</th>
                <th scope="col">{t('agent.stats.noShows')}</th>
                <th scope="col">{t('agent.stats.firstFree')}</th>
              </tr>
            </thead>
            <tbody>
              {stats.services.map((s) => (
                <tr key={s.code}>
                  <th scope="row">{serviceName(s.code)}</th>
                  <td>{s.visitors}</td>
                  <td>{pct(s.within5)}</td>
                  <td>{pct(s.within10)}</td>
                  <td>{s.noShows}</td>
                  <td>{s.daysToFirstFree ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
