import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../shared-web/api.ts';
import { errorMessage } from '../../../shared-web/errors.ts';
import type { HubSocket } from '../../../shared-web/hub.ts';
import { serviceWaitText } from '../../../shared-web/wait-band.ts';
import type { LocationInfo, ServiceInfo } from '../catalog.ts';
import { currentTicket } from '../console/console-state.ts';
import { useLocationQueue } from '../console/use-location-queue.ts';
import { Elapsed } from '../elapsed.tsx';
import { TableScroll } from './table-scroll.tsx';

/** Every counter and queue of the supervisor's locations, live from the hub. */
export function LiveView(props: {
  socket: HubSocket | null;
  locations: LocationInfo[];
  services: ServiceInfo[];
  token: string | null;
}) {
  return (
    <div className="live">
      {props.locations.map((location) => (
        <LocationLive key={location.id} {...props} location={location} />
      ))}
    </div>
  );
}

function LocationLive({
  socket,
  location,
  services,
  token,
}: {
  socket: HubSocket | null;
  location: LocationInfo;
  services: ServiceInfo[];
  token: string | null;
}) {
  const { t, i18n } = useTranslation();
  const { queue, online } = useLocationQueue(socket, location.id);
  const counters = [...queue.counters.values()].sort((a, b) => a.name.localeCompare(b.name, 'nl', { numeric: true }));
  const waiting = [...queue.tickets.values()].filter((x) => x.status === 'waiting');
  const oldest = waiting.reduce<string | null>((min, x) => (min === null || x.issuedAt < min ? x.issuedAt : min), null);
  const serviceName = (code: string) => services.find((s) => s.code === code)?.name ?? code;

  return (
    <section className="card" aria-labelledby={`live-${location.id}`} data-testid={`live-${location.id}`}>
      <h2 id={`live-${location.id}`}>
        {location.name}{' '}
        <span className="count">
          · {t('agent.live.waiting')}: {waiting.length}
          {oldest && (
            <>
              {' '}
              · {t('agent.live.longest')}: <Elapsed since={oldest} />
            </>
          )}
        </span>
      </h2>
      {!online && (
        <p className="banner banner-error" role="alert">
          {t('agent.offline')}
        </p>
      )}
      <div className="two-columns">
        <TableScroll label={`${location.name}: ${t('agent.live.counter')}`}>
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('agent.live.counter')}</th>
                <th scope="col">{t('agent.live.state')}</th>
                <th scope="col">{t('agent.live.agent')}</th>
                <th scope="col">{t('agent.live.ticket')}</th>
              </tr>
            </thead>
            <tbody>
              {counters.map((c) => {
                const ticket = currentTicket(queue, c);
                return (
                  <tr key={c.id}>
                    <th scope="row">{c.name}</th>
                    <td>
                      <span className={`state state-${c.state}`}>{t(`agent.counterState.${c.state}`)}</span>
                    </td>
                    <td>{c.agentName ?? '—'}</td>
                    <td>
                      {ticket ? (
                        <>
                          {ticket.number} ({t(`agent.status.${ticket.status}`)}){' '}
                          <Elapsed since={ticket.startedAt ?? ticket.calledAt ?? ticket.issuedAt} />
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableScroll>
        <TableScroll label={`${location.name}: ${t('agent.live.perService')}`}>
          <table className="data-table">
            <caption>{t('agent.live.perService')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('agent.ticket.services')}</th>
                <th scope="col">{t('agent.live.waiting')}</th>
                <th scope="col">{t('agent.live.expected')}</th>
              </tr>
            </thead>
            <tbody>
              {queue.waits.map((w) => (
                <tr key={w.code}>
                  <th scope="row">{serviceName(w.code)}</th>
                  <td>{w.waiting}</td>
                  <td>{serviceWaitText(t, w, i18n.language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </div>
      <TickerEditor locationId={location.id} current={queue.tickerText} token={token} />
    </section>
  );
}

function TickerEditor({ locationId, current, token }: { locationId: string; current: string; token: string | null }) {
  const { t } = useTranslation();
  const [text, setText] = useState(current);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => setText(current), [current]);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await api.request(`/locations/${encodeURIComponent(locationId)}/ticker`, {
        method: 'PUT',
        body: { text },
        token,
      });
      setMessage({ ok: true, text: t('agent.live.tickerSaved') });
    } catch (err) {
      setMessage({ ok: false, text: errorMessage(t, err) });
    }
  };
  const id = `ticker-${locationId}`;
  return (
    <form className="row" onSubmit={save}>
      <label htmlFor={id}>{t('agent.live.ticker')}</label>
      <input id={id} value={text} maxLength={280} onChange={(e) => setText(e.target.value)} className="wide" />
      <button type="submit">{t('agent.live.saveTicker')}</button>
      {message && (
        <span className={message.ok ? 'banner banner-success' : 'banner banner-error'} role="status">
          {message.text}
        </span>
      )}
    </form>
  );
}
