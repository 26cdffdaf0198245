import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { LocationForecastDto } from '../../../server/contracts/forecast.ts';
import { PLANNER_VIEW } from '../../../server/contracts/planner-view.ts';
import type { LocationStatistics } from '../../../server/contracts/stats.ts';
import { api } from '../../../shared-web/api.ts';
import { addDays, formatLocalDate, formatTime, localDateOf } from '../../../shared-web/datetime.ts';
import { errorMessage } from '../../../shared-web/errors.ts';
import type { LocationInfo, ServiceInfo } from '../catalog.ts';
import { downloadText } from '../download.ts';
import { legendText } from './chart-legend.tsx';
import { type ActualDay, type ForecastResponse, toForecastHours } from './forecast-adapter.ts';
import { OutlookSection } from './outlook-section.tsx';
import { dailyTotals, type ForecastHour, heatRows, peakWeeks, plannerCsv } from './planner-model.ts';
import { TableScroll } from './table-scroll.tsx';
import { WhatIfSection } from './what-if-section.tsx';

/** Forecast against actual (last 4 weeks), needed vs rostered counters for the next 8 weeks, peak weeks, export. */
export function PlannerView({
  location,
  services,
  token,
}: {
  location: LocationInfo;
  services: ServiceInfo[];
  token: string | null;
}) {
  const { t, i18n } = useTranslation();
  const [hours, setHours] = useState<ForecastHour[] | null>(null);
  const [days, setDays] = useState<ForecastResponse['days']>([]);
  const [demandNotes, setDemandNotes] = useState<Pick<
    LocationForecastDto,
    'fullDays' | 'openingCrowdShare' | 'officeCounters' | 'computedAt'
  > | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const today = localDateOf(new Date(), location.timeZone);
  const from = addDays(today, -PLANNER_VIEW.daysBack);
  const to = addDays(today, PLANNER_VIEW.daysAhead);

  useEffect(() => {
    setHours(null);
    setFailure(null);
    const base = `/locations/${encodeURIComponent(location.id)}`;
    // What really came (walk-ins per day) for the past weeks, against what the model expected for them.
    const actual = api
      .get<LocationStatistics>(`${base}/statistics`, {
        token,
        query: { from, to: addDays(today, -1) },
      })
      .then(
        (body): ActualDay[] => body.perDay,
        (): ActualDay[] => [],
      );
    Promise.all([api.get<LocationForecastDto>(`${base}/forecast`, { token, query: { from, to } }), actual])
      .then(([forecast, actualDays]) => {
        setHours(toForecastHours(forecast, actualDays));
        setDays(forecast.days);
        setDemandNotes({
          fullDays: forecast.fullDays,
          openingCrowdShare: forecast.openingCrowdShare,
          officeCounters: forecast.officeCounters,
          computedAt: forecast.computedAt,
        });
      })
      .catch((err) => setFailure(errorMessage(t, err)));
  }, [location.id, token, from, to, today, t]);

  const future = useMemo(() => (hours ?? []).filter((h) => h.date >= today), [hours, today]);
  const heat = useMemo(() => heatRows(future), [future]);
  const peaks = useMemo(() => peakWeeks(heat.rows), [heat.rows]);
  const totals = useMemo(() => dailyTotals(hours ?? []), [hours]);
  // Hours that need more counters than the office has: more staff cannot help there, spreading the demand can.
  const beyondCounters = useMemo(
    () => (demandNotes ? future.filter((h) => h.required > demandNotes.officeCounters).length : 0),
    [future, demandNotes],
  );

  return (
    <div className="planner">
      <section className="card" aria-labelledby="planner-heading">
        <h2 id="planner-heading">
          {t('agent.planner.title')} — {location.name}
        </h2>
        <p>{t('agent.planner.intro')}</p>
        {demandNotes && (
          <p className="muted">
            {t('agent.planner.computedAt', {
              time: formatTime(demandNotes.computedAt, i18n.language, location.timeZone),
            })}
          </p>
        )}
        {failure && (
          <p className="banner banner-error" role="alert">
            {t('agent.planner.unavailable')} {failure}
          </p>
        )}
        {hours && (
          <button
            type="button"
            onClick={() => downloadText(`forecast-${location.id}-${today}.csv`, plannerCsv(hours), 'text/csv')}
          >
            {t('agent.planner.export')}
          </button>
        )}
      </section>
      <OutlookSection location={location} token={token} today={today} />
      {hours && (
        <>
          <section className="card" aria-labelledby="peaks-heading">
            <h2 id="peaks-heading">{t('agent.planner.peakWeeks')}</h2>
            {peaks.length === 0 ? (
              <p className="banner banner-success">{t('agent.planner.noPeaks')}</p>
            ) : (
              <ul className="warnings" data-testid="peak-weeks">
                {peaks.slice(0, 8).map((w) => (
                  <li key={w.weekStart} className="banner banner-warning">
                    {t('agent.planner.peakWeek', {
                      date: formatLocalDate(w.weekStart, i18n.language),
                      hours: w.shortHours,
                      gap: w.maxGap,
                      count: w.maxGap,
                    })}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="card" aria-labelledby="release-heading">
            <h2 id="release-heading">{t('agent.planner.releasable')}</h2>
            <p className="muted">{t('agent.planner.releasableHelp')}</p>
            <TableScroll label={t('agent.planner.releasable')}>
              <table className="data-table" data-testid="releasable">
                <thead>
                  <tr>
                    <th scope="col">{t('agent.desk.date')}</th>
                    <th scope="col">{t('agent.planner.shortHours')}</th>
                    <th scope="col">{t('agent.planner.booked')}</th>
                    <th scope="col">{t('agent.planner.expected')}</th>
                    <th scope="col">{t('agent.planner.slots')}</th>
                    <th scope="col">{t('agent.planner.slotsForNorm')}</th>
                    <th scope="col">{t('agent.planner.releasableSlots')}</th>
                  </tr>
                </thead>
                <tbody>
                  {days
                    .filter((d) => d.date >= today && !d.closed)
                    .slice(0, 10)
                    .map((d) => (
                      <tr key={d.date} className={d.warning ? 'row-warning' : undefined}>
                        <th scope="row">{formatLocalDate(d.date, i18n.language)}</th>
                        <td>{d.shortHours}</td>
                        <td>{d.appointmentsBooked}</td>
                        <td>{Math.round(d.appointmentsExpected)}</td>
                        <td>{d.appointmentSlots}</td>
                        <td>{d.slotsForNorm}</td>
                        <td>{d.releasableSlots}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </TableScroll>
            {demandNotes && (
              <ul className="muted" data-testid="demand-notes">
                {Object.entries(demandNotes.fullDays)
                  .filter(([, f]) => f.days > 0)
                  .map(([code, f]) => (
                    <li key={code}>
                      {t('agent.planner.fullDays', {
                        service: services.find((x) => x.code === code)?.name ?? code,
                        days: f.days,
                        booked: f.booked,
                        demand: Math.round(f.estimatedDemand),
                      })}
                    </li>
                  ))}
                <li>{t('agent.planner.openingCrowd', { percent: Math.round(demandNotes.openingCrowdShare * 100) })}</li>
              </ul>
            )}
          </section>
          <section className="card" aria-labelledby="fva-heading">
            <h2 id="fva-heading">{t('agent.planner.forecastVsActual')}</h2>
            <div className="chart" data-testid="forecast-chart">
              <ResponsiveContainer width="100%" height={280}>
                <LineChart data={totals} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis
                    dataKey="date"
                    tickFormatter={(d: string) => formatLocalDate(d, i18n.language, 'short')}
                    minTickGap={24}
                  />
                  <YAxis allowDecimals={false} />
                  <Tooltip labelFormatter={(d) => formatLocalDate(String(d), i18n.language)} />
                  <Legend formatter={legendText} />
                  <Line
                    isAnimationActive={false}
                    type="monotone"
                    dataKey="forecast"
                    name={t('agent.planner.forecast')}
                    stroke="#1f4e9c"
                    dot={false}
                    strokeWidth={2}
                  />
                  <Line
                    isAnimationActive={false}
                    type="monotone"
                    dataKey="actual"
                    name={t('agent.planner.actual')}
                    stroke="#c30000"
                    dot={false}
                    strokeWidth={2}
                    connectNulls={false}
                  />
                </LineChart>
              </ResponsiveContainer>
            </div>
          </section>
          <section className="card" aria-labelledby="heat-heading">
            <h2 id="heat-heading">{t('agent.planner.heatmap')}</h2>
            <p className="muted">{t('agent.planner.heatmapHelp')}</p>
            {demandNotes && beyondCounters > 0 && (
              <p className="banner banner-warning" data-testid="beyond-counters">
                {t('agent.planner.beyondCounters', { count: beyondCounters, counters: demandNotes.officeCounters })}
              </p>
            )}
            <TableScroll label={t('agent.planner.heatmap')}>
              <table className="heatmap" data-testid="heatmap">
                <thead>
                  <tr>
                    <th scope="col">{t('agent.desk.date')}</th>
                    {heat.hourRange.map((h) => (
                      <th scope="col" key={h}>
                        {String(h).padStart(2, '0')}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {heat.rows.map((row) => (
                    <tr key={row.date} className={row.date === row.weekStart ? 'week-start' : undefined}>
                      <th scope="row">{formatLocalDate(row.date, i18n.language, 'short')}</th>
                      {heat.hourRange.map((h) => {
                        const cell = row.cells.get(h);
                        if (!cell) return <td key={h} className="heat-none" />;
                        const level =
                          cell.gap > 1 ? 'short2' : cell.gap > 0 ? 'short1' : cell.gap === 0 ? 'even' : 'spare';
                        return (
                          <td
                            key={h}
                            className={`heat-${level}`}
                            title={`${t('agent.planner.needed')} ${cell.required} · ${t('agent.planner.rostered')} ${cell.rostered}`}
                          >
                            {cell.gap > 0 ? `+${cell.gap}` : cell.gap < 0 ? `−${-cell.gap}` : '0'}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </section>
        </>
      )}
      <WhatIfSection location={location} token={token} today={today} services={services} />
    </div>
  );
}
