import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { WhatIfResultDto } from '../../../server/contracts/forecast.ts';
import type { CounterDto, QueueSnapshot } from '../../../server/contracts/queue.ts';
import { type ApiClient, api } from '../../../shared-web/api.ts';
import { formatLocalDate } from '../../../shared-web/datetime.ts';
import { errorMessage } from '../../../shared-web/errors.ts';
import type { LocationInfo, ServiceInfo } from '../catalog.ts';
import { percent } from './outlook-model.ts';
import { TableScroll } from './table-scroll.tsx';
import { whatIfRequest } from './what-if-model.ts';

/**
 * A roster tried before it is made: the supervisor gives a day and, per counter, the shifts to try; the
 * simulator plays that day with the forecast walk-ins and appointments, as rostered and as proposed, and the
 * section shows both service levels side by side (POST /locations/{id}/what-if).
 */
export function WhatIfSection({
  location,
  token,
  today,
  services = [],
  client = api,
}: {
  location: LocationInfo;
  token: string | null;
  today: string;
  /** The services' names in the current language (a set of services below the norm is named). */
  services?: readonly ServiceInfo[];
  client?: Pick<ApiClient, 'get' | 'post'>;
}) {
  const { t, i18n } = useTranslation();
  const [counters, setCounters] = useState<CounterDto[] | null>(null);
  const [date, setDate] = useState(today);
  const [fields, setFields] = useState<ReadonlyMap<number, string>>(new Map());
  const [invalid, setInvalid] = useState<number[]>([]);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [result, setResult] = useState<{ rostered: WhatIfResultDto; proposed: WhatIfResultDto } | null>(null);
  const base = `/locations/${encodeURIComponent(location.id)}`;

  useEffect(() => {
    setCounters(null);
    setFields(new Map());
    setResult(null);
    client
      .get<QueueSnapshot>(`/locations/${encodeURIComponent(location.id)}/queue`, { token })
      .then((snapshot) => setCounters(snapshot.counters))
      .catch((err) => setFailure(errorMessage(t, err)));
  }, [location.id, token, client, t]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const request = whatIfRequest(date, fields);
    if ('invalid' in request) {
      setInvalid(request.invalid);
      return;
    }
    setInvalid([]);
    setFailure(null);
    setBusy(true);
    try {
      const [rostered, proposed] = await Promise.all([
        client.post<WhatIfResultDto>(`${base}/what-if`, { ...request.body, counters: [] }, { token }),
        client.post<WhatIfResultDto>(`${base}/what-if`, request.body, { token }),
      ]);
      setResult({ rostered, proposed });
    } catch (err) {
      setResult(null);
      setFailure(errorMessage(t, err));
    } finally {
      setBusy(false);
    }
  }

  const minutes = result?.proposed.norm.minutes ?? 10;
  const nameOf = (code: string) => services.find((s) => s.code === code)?.name ?? code;
  /**
   * The sets of services only some counters serve that miss the norm in an hour (the hour then misses it); a
   * set that holds a smaller one already named is left out (it says nothing more and made the row a list).
   */
  const below = (h: WhatIfResultDto['hours'][number]) => {
    const missing = h.serviceSets.filter(
      (x) => x.shareWithinNorm !== null && x.shareWithinNorm < (result?.proposed.norm.share ?? 0.8),
    );
    return missing.filter(
      (x) =>
        !missing.some(
          (y) => y !== x && y.services.length < x.services.length && y.services.every((c) => x.services.includes(c)),
        ),
    );
  };
  const setsBelow = (h: WhatIfResultDto['hours'][number]) =>
    below(h).map((x) => (
      <span key={x.services.join('|')} className="what-if-set">
        {t('agent.planner.whatIf.setBelowNorm', {
          services: x.services.map(nameOf).join(', '),
          percent: percent(x.shareWithinNorm),
        })}
      </span>
    ));
  // Decimals as the language writes them (46,7 in Dutch).
  const decimal = (n: number) => new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 }).format(n);
  const measures = (r: WhatIfResultDto) => [
    decimal(r.counterHours),
    percent(r.overall.shareWithinNorm),
    r.overall.meanWaitMinutes === null ? '–' : decimal(r.overall.meanWaitMinutes),
    percent(r.appointments.shareWithinNorm),
  ];
  const labels = [
    t('agent.planner.whatIf.counterHours'),
    t('agent.planner.whatIf.walkInsWithin', { minutes }),
    t('agent.planner.whatIf.walkInWait'),
    t('agent.planner.whatIf.appointmentsWithin', { minutes }),
  ];

  return (
    <section className="card" aria-labelledby="whatif-heading">
      <h2 id="whatif-heading">{t('agent.planner.whatIf.title')}</h2>
      <p className="muted" id="whatif-help">
        {t('agent.planner.whatIf.help')}
      </p>
      {failure && (
        <p className="banner banner-error" role="alert">
          {t('agent.planner.unavailable')} {failure}
        </p>
      )}
      {counters && (
        <form onSubmit={submit} aria-labelledby="whatif-heading">
          <label>
            {t('agent.planner.whatIf.date')}{' '}
            <input type="date" value={date} min={today} required onChange={(e) => setDate(e.target.value)} />
          </label>
          <table className="data-table" data-testid="what-if-counters">
            <thead>
              <tr>
                <th scope="col">{t('agent.planner.whatIf.counter')}</th>
                <th scope="col">{t('agent.planner.whatIf.shifts')}</th>
              </tr>
            </thead>
            <tbody>
              {counters.map((c) => {
                const wrong = invalid.includes(c.id);
                return (
                  <tr key={c.id}>
                    <th scope="row">{c.name}</th>
                    <td>
                      <input
                        type="text"
                        aria-label={t('agent.planner.whatIf.shiftsOf', { counter: c.name })}
                        aria-describedby={wrong ? `whatif-invalid-${c.id}` : 'whatif-help'}
                        aria-invalid={wrong || undefined}
                        placeholder={t('agent.planner.whatIf.asRostered')}
                        value={fields.get(c.id) ?? ''}
                        onChange={(e) => setFields(new Map(fields).set(c.id, e.target.value))}
                      />
                      {wrong && (
                        <span className="banner-error" id={`whatif-invalid-${c.id}`}>
                          {' '}
                          {t('agent.planner.whatIf.invalid')}
                        </span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <button type="submit" className="primary" disabled={busy} aria-busy={busy}>
            {busy ? t('agent.planner.whatIf.running') : t('agent.planner.whatIf.run')}
          </button>
        </form>
      )}
      {result && (
        <div data-testid="what-if-result" aria-live="polite">
          <h3>
            {t('agent.planner.whatIf.resultTitle', { date: formatLocalDate(result.proposed.date, i18n.language) })}
          </h3>
          <TableScroll
            label={t('agent.planner.whatIf.resultTitle', {
              date: formatLocalDate(result.proposed.date, i18n.language),
            })}
          >
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t('agent.planner.whatIf.measure')}</th>
                  <th scope="col">{t('agent.planner.whatIf.rostered')}</th>
                  <th scope="col">{t('agent.planner.whatIf.proposed')}</th>
                </tr>
              </thead>
              <tbody>
                {labels.map((label, i) => (
                  <tr key={label}>
                    <th scope="row">{label}</th>
                    <td>{measures(result.rostered)[i]}</td>
                    <td>{measures(result.proposed)[i]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          <TableScroll label={t('agent.planner.whatIf.hoursCaption', { minutes })}>
            <table className="data-table" data-testid="what-if-hours">
              <caption>{t('agent.planner.whatIf.hoursCaption', { minutes })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('agent.planner.whatIf.hour')}</th>
                  <th scope="col">{t('agent.planner.whatIf.walkIns')}</th>
                  <th scope="col">{t('agent.planner.whatIf.rostered')}</th>
                  <th scope="col">{t('agent.planner.whatIf.proposed')}</th>
                </tr>
              </thead>
              <tbody>
                {result.proposed.hours.map((h) => {
                  const before = result.rostered.hours.find((x) => x.hour === h.hour);
                  return (
                    <tr key={h.hour} className={h.meetsNorm ? undefined : 'row-warning'}>
                      <th scope="row">{`${String(h.hour).padStart(2, '0')}:00`}</th>
                      <td>{decimal(h.walkInsPerDay)}</td>
                      <td>
                        {before ? percent(before.shareWithinNorm) : '–'}
                        {before && !before.meetsNorm ? ` · ${t('agent.planner.whatIf.belowNorm')}` : ''}
                        {before ? setsBelow(before) : null}
                      </td>
                      <td>
                        {percent(h.shareWithinNorm)}
                        {h.meetsNorm ? '' : ` · ${t('agent.planner.whatIf.belowNorm')}`}
                        {setsBelow(h)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
        </div>
      )}
    </section>
  );
}
