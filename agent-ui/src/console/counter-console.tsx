import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CounterDto, TicketDto } from '../../../server/contracts/queue.ts';
import type { Appointment } from '../../../server/contracts/scheduling.ts';
import { api } from '../../../shared-web/api.ts';
import { emitCommand, type HubSocket } from '../../../shared-web/hub.ts';
import { useDisconnectedFor } from '../../../shared-web/use-online.ts';
import type { ServiceInfo } from '../catalog.ts';
import { Elapsed } from '../elapsed.tsx';
import { currentTicket, queueForCounter } from './console-state.ts';
import { actionForKey, type CounterAction, shortcutKeys } from './shortcuts.ts';
import { useLocationQueue } from './use-location-queue.ts';

export interface CounterConsoleProps {
  socket: HubSocket | null;
  locationId: string;
  services: ServiceInfo[];
  /** Remembered counter (per browser tab) so a reload returns to the same desk. */
  initialCounterId?: number | null;
  onCounterChange?: (counterId: number | null) => void;
}

type Failure = { code: string } | null;

export function CounterConsole(props: CounterConsoleProps) {
  const { t } = useTranslation();
  const { socket, locationId } = props;
  const { queue, online, applyTicket, applyCounter } = useLocationQueue(socket, locationId);
  const [counterId, setCounterId] = useState<number | null>(props.initialCounterId ?? null);
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<Failure>(null);
  const [busy, setBusy] = useState(false);
  const [transferOpen, setTransferOpen] = useState(false);
  const counter = counterId !== null ? (queue.counters.get(counterId) ?? null) : null;
  const current = currentTicket(queue, counter);
  const waiting = queueForCounter(queue, counter);
  const serviceName = (code: string) => props.services.find((s) => s.code === code)?.name ?? code;

  const resident = useResident(current?.appointmentReference ?? null);

  const onCounterChangeRef = useRef(props.onCounterChange);
  onCounterChangeRef.current = props.onCounterChange;
  // Re-claim the counter after every reconnect: the hub binds a socket to a counter.
  const signedInOn = useRef<number | null>(null);
  const knownCounters = queue.locationId === locationId ? queue.counters : null;
  useEffect(() => {
    if (!socket || counterId === null || !online || !knownCounters) return;
    // A remembered counter of another location (or one removed since) is forgotten, not claimed.
    if (!knownCounters.has(counterId)) {
      setCounterId(null);
      onCounterChangeRef.current?.(null);
      return;
    }
    if (signedInOn.current === counterId && socket.connected) return;
    void emitCommand(socket, 'counter:sign-in', { counterId }).then((ack) => {
      if (ack.ok) {
        signedInOn.current = counterId;
        applyCounter(ack.data);
      } else {
        setFailure({ code: ack.error.code });
      }
    });
  }, [socket, counterId, online, applyCounter, knownCounters]);
  useEffect(() => {
    if (!online) signedInOn.current = null;
  }, [online]);

  const oneKey = queue.callAndStart;
  const enabled: Record<CounterAction, boolean> = {
    // The hub finishes a ticket being served when the next one is called; a called one must be dealt with
    // first — unless the office serves from the call ("call and start"): then "next" finishes it too.
    callNext:
      !!counter && counter.state === 'open' && (!current || current.status === 'serving' || (oneKey && !!current)),
    recall: current?.status === 'called',
    start: current?.status === 'called' && !oneKey,
    finish: current?.status === 'serving' || (oneKey && current?.status === 'called'),
    noShow: current?.status === 'called',
    transfer: !!current,
    park: !!current,
    pause: !!counter && !current && counter.state !== 'closed',
  };

  const run = useCallback(
    async (action: CounterAction) => {
      if (!socket || busy) return;
      setFailure(null);
      setNotice(null);
      if (action === 'transfer') {
        setTransferOpen(true);
        return;
      }
      setBusy(true);
      try {
        if (action === 'callNext') {
          const ack = await emitCommand(socket, 'queue:call-next', {});
          if (!ack.ok) return setFailure({ code: ack.error.code });
          // The press finished the ticket served before (the hub does not send this console its own change again).
          if (ack.data.finished) applyTicket(ack.data.finished);
          if (ack.data.ticket) applyTicket(ack.data.ticket);
          else setNotice(t('agent.console.nobodyWaiting'));
          return;
        }
        if (action === 'pause') {
          const ack = await emitCommand(socket, 'counter:pause', { paused: counter?.state !== 'paused' });
          if (!ack.ok) return setFailure({ code: ack.error.code });
          applyCounter(ack.data);
          return;
        }
        if (!current) return;
        if (action === 'finish' && current.status === 'called') {
          // Call and start: the visitor came; served from the call, finished now.
          const started = await emitCommand(socket, 'ticket:start', { ticketId: current.id });
          if (!started.ok) return setFailure({ code: started.error.code });
          const done = await emitCommand(socket, 'ticket:finish', { ticketId: current.id });
          if (!done.ok) return setFailure({ code: done.error.code });
          applyTicket(done.data);
          return;
        }
        const event = (
          {
            recall: 'ticket:recall',
            start: 'ticket:start',
            finish: 'ticket:finish',
            noShow: 'ticket:no-show',
            park: 'ticket:park',
          } as const
        )[action];
        const ack = await emitCommand(socket, event, { ticketId: current.id });
        if (!ack.ok) return setFailure({ code: ack.error.code });
        applyTicket(ack.data);
      } finally {
        setBusy(false);
      }
    },
    [socket, busy, current, counter, applyTicket, applyCounter, t],
  );

  const enabledRef = useRef(enabled);
  enabledRef.current = enabled;
  const runRef = useRef(run);
  runRef.current = run;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const action = actionForKey(event);
      if (!action || !enabledRef.current[action]) return;
      // A modal dialog owns the keyboard, wherever the focus is.
      if (document.querySelector('dialog[open]')) return;
      event.preventDefault();
      void runRef.current(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const chooseCounter = async (id: number | null) => {
    if (socket && counterId !== null && id !== counterId) {
      await emitCommand(socket, 'counter:sign-out', {});
      signedInOn.current = null;
    }
    setCounterId(id);
    props.onCounterChange?.(id);
  };

  const counters = [...queue.counters.values()].sort((a, b) => a.name.localeCompare(b.name, 'nl', { numeric: true }));
  // Said only after a couple of seconds away: a drained node's consoles are back through the balancer within one.
  const offlineNotice = useDisconnectedFor(online);

  return (
    <section className="console" aria-labelledby="console-heading">
      <h2 id="console-heading" className="visually-hidden">
        {t('agent.console.title')}
      </h2>
      {offlineNotice && (
        <p className="banner banner-error" role="alert">
          {t('agent.offline')}
        </p>
      )}
      <div className="console-bar">
        <label htmlFor="counter-select">{t('agent.console.counter')}</label>
        <select
          id="counter-select"
          value={counterId ?? ''}
          onChange={(e) => void chooseCounter(e.target.value ? Number(e.target.value) : null)}
        >
          <option value="">{t('agent.console.chooseCounter')}</option>
          {counters.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
              {c.agentName && c.id !== counterId ? ` (${c.agentName})` : ''}
            </option>
          ))}
        </select>
        {counter && (
          <span className={`state state-${counter.state}`} data-testid="counter-state">
            {t(`agent.counterState.${counter.state}`)}
          </span>
        )}
        {counter && <span className="skills">{counter.skills.map(serviceName).join(' · ')}</span>}
      </div>

      <div className="console-grid">
        <section className="current" aria-labelledby="current-heading">
          <h3 id="current-heading">{t('agent.console.current')}</h3>
          {current ? (
            <TicketDetails ticket={current} services={props.services} resident={resident} />
          ) : (
            <p className="muted">{counter ? t('agent.console.noCurrent') : t('agent.console.chooseCounterFirst')}</p>
          )}
          <div className="actions" role="toolbar" aria-label={t('agent.console.actions')}>
            {(Object.keys(shortcutKeys) as CounterAction[])
              .filter((action) => !(oneKey && action === 'start'))
              .map((action) => (
                <button
                  key={action}
                  type="button"
                  className={`action action-${action}`}
                  disabled={!enabled[action] || busy}
                  aria-keyshortcuts={shortcutKeys[action].toUpperCase()}
                  onClick={() => void run(action)}
                >
                  {action === 'pause' && counter?.state === 'paused'
                    ? t('agent.action.resume')
                    : t(`agent.action.${action}`)}{' '}
                  <kbd>{shortcutKeys[action].toUpperCase()}</kbd>
                </button>
              ))}
          </div>
          {oneKey && <p className="muted">{t('agent.console.callAndStartHint')}</p>}
          <div aria-live="polite" className="console-messages">
            {notice && <p className="banner banner-info">{notice}</p>}
            {failure && (
              <p className="banner banner-error" role="alert">
                {t(`errors.${failure.code}`, { defaultValue: t('errors.unknown') })}
              </p>
            )}
          </div>
        </section>

        <section className="queue" aria-labelledby="queue-heading">
          <h3 id="queue-heading">
            {t('agent.console.queue')} <span className="count">({waiting.length})</span>
          </h3>
          {waiting.length === 0 ? (
            <p className="muted">{t('agent.console.emptyQueue')}</p>
          ) : (
            <table className="data-table" data-testid="queue-table">
              <thead>
                <tr>
                  <th scope="col">{t('agent.ticket.number')}</th>
                  <th scope="col">{t('agent.ticket.services')}</th>
                  <th scope="col">{t('agent.ticket.kind')}</th>
                  <th scope="col">{t('agent.ticket.waiting')}</th>
                </tr>
              </thead>
              <tbody>
                {waiting.slice(0, 50).map((ticket) => (
                  <tr key={ticket.id}>
                    <th scope="row">{ticket.number}</th>
                    <td>{ticket.services.map((s) => `${serviceName(s.code)} × ${s.persons}`).join(', ')}</td>
                    <td>
                      {ticket.appointmentReference
                        ? t('agent.ticket.appointmentAt', { time: formatClock(ticket.dueAt) })
                        : t(`agent.source.${ticket.source}`)}
                    </td>
                    <td>
                      <Elapsed since={ticket.issuedAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>

      {transferOpen && current && socket && (
        <TransferDialog
          ticket={current}
          counters={counters.filter((c) => c.id !== counterId)}
          services={props.services}
          onClose={() => setTransferOpen(false)}
          onTransfer={async (target) => {
            const ack = await emitCommand(socket, 'ticket:transfer', { ticketId: current.id, ...target });
            if (!ack.ok) {
              setFailure({ code: ack.error.code });
            } else {
              applyTicket(ack.data);
              setTransferOpen(false);
            }
          }}
        />
      )}
    </section>
  );
}

function formatClock(iso: string | null): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat('nl-NL', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Amsterdam' }).format(
    new Date(iso),
  );
}

/** Who the appointment is for (name, e-mail, phone): read with the staff session, only for the ticket in hand. */
export interface Resident {
  reference: string;
  name: string;
  email: string;
  phone: string | null;
}

function useResident(reference: string | null): Resident | null {
  const [resident, setResident] = useState<Resident | null>(null);
  useEffect(() => {
    setResident(null);
    if (!reference) return;
    const abort = new AbortController();
    api
      .get<Appointment>(`/appointments/${encodeURIComponent(reference)}`, { signal: abort.signal })
      .then((a) => {
        if (a.customer) setResident({ reference: a.reference, ...a.customer });
      })
      // No name is shown when the read fails (personal data erased, or offline); the console still works.
      .catch(() => undefined);
    return () => abort.abort();
  }, [reference]);
  return resident;
}

export function TicketDetails({
  ticket,
  services,
  resident = null,
}: {
  ticket: TicketDto;
  services: ServiceInfo[];
  resident?: Resident | null;
}) {
  const { t } = useTranslation();
  return (
    <div className="ticket-details" data-testid="current-ticket">
      <p className="ticket-number">
        {ticket.number} <span className={`status status-${ticket.status}`}>{t(`agent.status.${ticket.status}`)}</span>
      </p>
      {resident && resident.reference === ticket.appointmentReference && (
        <p className="resident-name" data-testid="resident-name">
          {resident.name}
          <span className="muted">
            {' '}
            · {resident.email}
            {resident.phone ? ` · ${resident.phone}` : ''}
          </span>
        </p>
      )}
      <dl className="facts">
        <dt>{t('agent.ticket.kind')}</dt>
        <dd>
          {ticket.appointmentReference
            ? `${t('agent.ticket.appointment')} ${ticket.appointmentReference} · ${formatClock(ticket.dueAt)}`
            : t(`agent.source.${ticket.source}`)}
        </dd>
        <dt>{t('agent.ticket.waited')}</dt>
        <dd>
          <Elapsed since={ticket.issuedAt} until={ticket.calledAt} />
        </dd>
        {ticket.calledAt && ticket.status === 'called' && (
          <>
            <dt>{t('agent.ticket.calledFor')}</dt>
            <dd>
              <Elapsed since={ticket.calledAt} /> · {t('agent.ticket.calls', { count: ticket.callCount })}
            </dd>
          </>
        )}
        {ticket.startedAt && (
          <>
            <dt>{t('agent.ticket.serving')}</dt>
            <dd>
              <Elapsed since={ticket.startedAt} />
            </dd>
          </>
        )}
      </dl>
      <ul className="service-list">
        {ticket.services.map((item) => {
          const info = services.find((s) => s.code === item.code);
          return (
            <li key={item.code}>
              <strong>
                {info?.name ?? item.code} — {t('common.persons', { count: item.persons })}
              </strong>
              {info && info.necessities.length > 0 && (
                <>
                  <span className="visually-hidden">{t('agent.ticket.bring')}</span>
                  <ul className="necessities">
                    {info.necessities.map((n) => (
                      <li key={n}>{n}</li>
                    ))}
                  </ul>
                </>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function TransferDialog(props: {
  ticket: TicketDto;
  counters: CounterDto[];
  services: ServiceInfo[];
  onClose: () => void;
  onTransfer: (target: { serviceCode?: string; counterId?: number }) => Promise<void>;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const [target, setTarget] = useState('');
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
  }, []);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby="transfer-heading" onClose={props.onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const [kind, value] = target.split(':');
          if (kind === 'counter') void props.onTransfer({ counterId: Number(value) });
          else if (kind === 'service' && value) void props.onTransfer({ serviceCode: value });
        }}
      >
        <h2 id="transfer-heading">{t('agent.transfer.title', { number: props.ticket.number })}</h2>
        <label htmlFor="transfer-target">{t('agent.transfer.to')}</label>
        <select id="transfer-target" value={target} onChange={(e) => setTarget(e.target.value)} required>
          <option value="">{t('agent.transfer.choose')}</option>
          <optgroup label={t('agent.transfer.counters')}>
            {props.counters.map((c) => (
              <option key={c.id} value={`counter:${c.id}`}>
                {c.name}
              </option>
            ))}
          </optgroup>
          <optgroup label={t('agent.transfer.services')}>
            {props.services.map((s) => (
              <option key={s.code} value={`service:${s.code}`}>
                {s.name}
              </option>
            ))}
          </optgroup>
        </select>
        <div className="dialog-buttons">
          <button type="submit" className="primary">
            {t('agent.action.transfer')}
          </button>
          <button type="button" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
