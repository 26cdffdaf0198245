import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { WeeklyOutlookDto } from '../../../server/contracts/forecast.ts';
import { PLANNER_VIEW } from '../../../server/contracts/planner-view.ts';
import { api } from '../../../shared-web/api.ts';
import { formatLocalDate, formatTime } from '../../../shared-web/datetime.ts';
import { errorMessage } from '../../../shared-web/errors.ts';
import type { LocationInfo } from '../catalog.ts';
import { downloadText } from '../download.ts';
import { legendText } from './chart-legend.tsx';
import { meetsNorm, type OutlookResponse, outlookChartRows, outlookCsv, percent } from './outlook-model.ts';
import { TableScroll } from './table-scroll.tsx';

/**
 * Months ahead: counter-hours needed for both channels against rostered per week (52 weeks), and the peak
 * weeks with options, each with the service level the simulator gives on the week's worst day.
 */
export function OutlookSection({
  location,
  token,
  today,
}: {
  location: LocationInfo;
  token: string | null;
  today: string;
}) {
  const { t, i18n } = useTranslation();
  const [outlook, setOutlook] = useState<OutlookResponse | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    setOutlook(null);
    setFailure(null);
    api
      .get<WeeklyOutlookDto>(`/locations/${encodeURIComponent(location.id)}/weekly-outlook`, {
        token,
        query: { weeks: String(PLANNER_VIEW.outlookWeeks), peaks: String(PLANNER_VIEW.outlookPeaks) },
      })
      .then(setOutlook)
      .catch((err) => setFailure(errorMessage(t, err)));
  }, [location.id, token, t]);

  const rows = useMemo(() => outlookChartRows(outlook?.weeks ?? []), [outlook]);
  const date = (d: string) => formatLocalDate(d, i18n.language);

  return (
    <>
      <section className="card" aria-labelledby="outlook-heading">
        <h2 id="outlook-heading">{t('agent.planner.outlook')}</h2>
        <p className="muted">{t('agent.planner.outlookHelp')}</p>
        {failure && (
          <p className="banner banner-error" role="alert">
            {t('agent.planner.unavailable')} {failure}
          </p>
        )}
        {!outlook && !failure && <p aria-live="polite">{t('common.loading')}</p>}
        {outlook && (
          <>
            <p className="muted">
              {t('agent.planner.computedAt', {
                time: formatTime(outlook.computedAt, i18n.language, location.timeZone),
              })}
            </p>
            <div className="chart" data-testid="outlook-chart">
              <ResponsiveContainer width="100%" height={300}>
                <ComposedChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis
                    dataKey="weekStart"
                    tickFormatter={(d: string) => formatLocalDate(d, i18n.language, 'short')}
                    minTickGap={24}
                  />
                  <YAxis allowDecimals={false} />
                  <Tooltip labelFormatter={(d) => `${t('agent.planner.week')} ${date(String(d))}`} />
                  <Legend formatter={legendText} />
                  <Bar
                    isAnimationActive={false}
                    dataKey="needed"
                    name={t('agent.planner.neededHours')}
                    fill="#1f4e9c"
                  />
                  <Line
                    isAnimationActive={false}
                    type="stepAfter"
                    dataKey="rostered"
                    name={t('agent.planner.rosteredHours')}
                    stroke="#c30000"
                    dot={false}
                    strokeWidth={2}
                  />
                </ComposedChart>
              </ResponsiveContainer>
            </div>
            <button
              type="button"
              onClick={() => downloadText(`outlook-${location.id}-${today}.csv`, outlookCsv(outlook.weeks), 'text/csv')}
            >
              {t('agent.planner.exportWeeks')}
            </button>
          </>
        )}
      </section>
      {outlook && (
        <section className="card" aria-labelledby="advice-heading">
          <h2 id="advice-heading">{t('agent.planner.advice')}</h2>
          {outlook.peakWeeks.length > 0 && <p className="muted">{t('agent.planner.adviceHelp')}</p>}
          {outlook.peakWeeks.length === 0 ? (
            <p className="banner banner-success">{t('agent.planner.noPeaks')}</p>
          ) : (
            <ol className="peak-advice" data-testid="peak-advice">
              {outlook.peakWeeks.map((p) => (
                <li key={p.weekStart}>
                  <h3>
                    {t('agent.planner.peakWeekTitle', {
                      date: date(p.weekStart),
                      gap: p.gapCounterHours,
                    })}
                  </h3>
                  <p>
                    {t('agent.planner.baseline', {
                      day: date(p.worstDay),
                      walkIns: percent(p.baseline.walkInShareWithinNorm),
                      appointments: percent(p.baseline.appointmentShareWithinNorm),
                    })}
                  </p>
                  <TableScroll label={t('agent.planner.optionsFor', { date: date(p.weekStart) })}>
                    <table className="data-table">
                      <caption className="visually-hidden">
                        {t('agent.planner.optionsFor', { date: date(p.weekStart) })}
                      </caption>
                      <thead>
                        <tr>
                          <th scope="col">{t('agent.planner.option')}</th>
                          <th scope="col">{t('agent.planner.counterHours')}</th>
                          <th scope="col">{t('agent.planner.walkInsWithin', { minutes: outlook.norm.minutes })}</th>
                          <th scope="col">
                            {t('agent.planner.appointmentsWithin', { minutes: outlook.norm.minutes })}
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {p.options.map((o) => (
                          <tr key={o.kind} className={meetsNorm(o.effect, outlook.norm) ? undefined : 'row-warning'}>
                            <th scope="row">
                              {o.kind === 'extra-counters' && (o.detail.periods?.length ?? 0) > 1
                                ? t('agent.planner.options.extra-counters-periods', {
                                    day: o.detail.day ? date(o.detail.day) : '',
                                    periods: (o.detail.periods ?? [])
                                      .map((period) =>
                                        t('agent.planner.options.period', {
                                          count: period.counters,
                                          from: period.from,
                                          to: period.to,
                                        }),
                                      )
                                      .join(', '),
                                  })
                                : t(`agent.planner.options.${o.kind}`, {
                                    count: o.detail.counters,
                                    counters: o.detail.counters,
                                    from: o.detail.from,
                                    to: o.detail.to,
                                    day: o.detail.day ? date(o.detail.day) : '',
                                    slots: o.detail.slots,
                                    weeks: o.detail.weeksBefore,
                                    toAppointments: Math.round(o.detail.toAppointments ?? 0),
                                    toEarlierWeeks: Math.round(o.detail.toEarlierWeeks ?? 0),
                                  })}
                              {o.detail.beyondOffice
                                ? ` ${t('agent.planner.options.beyondOffice', { count: o.detail.beyondOffice })}`
                                : ''}
                            </th>
                            <td>{o.counterHours}</td>
                            <td>{percent(o.effect.walkInShareWithinNorm)}</td>
                            <td>{percent(o.effect.appointmentShareWithinNorm)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </TableScroll>
                </li>
              ))}
            </ol>
          )}
        </section>
      )}
    </>
  );
}
