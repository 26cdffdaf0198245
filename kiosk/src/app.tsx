import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CounterDto, QueueSnapshot, ServiceWaitDto, TicketDto } from '../../server/contracts/queue.ts';
import { ApiError, type ClientErrorCode } from '../../shared-web/api.ts';
import { OfflineBanner } from '../../shared-web/components/offline-banner.tsx';
import { formatTime } from '../../shared-web/datetime.ts';
import { captureDeviceToken } from '../../shared-web/device-token.ts';
import { errorMessage } from '../../shared-web/errors.ts';
import { emitCommand, useHub } from '../../shared-web/hub.ts';
import { otherLanguage } from '../../shared-web/i18n.ts';
import { useBrowserOnline } from '../../shared-web/use-online.ts';
import { waitBandText } from '../../shared-web/wait-band.ts';
import { checkIn, type KioskSetup, loadSetup, takeTicket } from './api.ts';
import { useIdleReset } from './idle.ts';
import { initialKioskState, type KioskState, kioskReducer, parseScannedReference } from './kiosk-machine.ts';
import { PrintTicket } from './print-ticket.tsx';
import { useWedgeScanner } from './scanner.ts';
import { AppointmentScreen } from './screens/appointment-screen.tsx';
import { speak, stopSpeaking } from './speech.ts';

export const tokenKey = 'loket.kiosk.token';

export interface KioskTimings {
  idleMs: number;
  ticketIdleMs: number;
  warningMs: number;
  offlineGraceMs: number;
}

export const defaultTimings: KioskTimings = {
  idleMs: 45_000,
  ticketIdleMs: 20_000,
  warningMs: 10_000,
  offlineGraceMs: 3000,
};

let requestCounter = 0;
export function newRequestId(): string {
  requestCounter += 1;
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${requestCounter}`;
}

export function KioskApp({
  timings = defaultTimings,
  print = () => window.print(),
}: {
  timings?: KioskTimings;
  print?: () => void;
}) {
  const [token] = useState(() => captureDeviceToken(tokenKey));
  const { t } = useTranslation();
  if (!token)
    return (
      <main className="kiosk kiosk--center">
        <h1 className="kiosk__title">{t('kiosk.title')}</h1>
        <p className="kiosk__lead" role="alert">
          {t('kiosk.noToken')}
        </p>
      </main>
    );
  return <Kiosk token={token} timings={timings} print={print} />;
}

function Kiosk({ token, timings, print }: { token: string; timings: KioskTimings; print: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language.startsWith('en') ? 'en' : 'nl';
  const [setup, setSetup] = useState<KioskSetup | null>(null);
  const [setupError, setSetupError] = useState<unknown>(null);
  const [waits, setWaits] = useState<ServiceWaitDto[]>([]);
  const [counters, setCounters] = useState<CounterDto[] | null>(null);
  const [state, dispatch] = useReducer(kioskReducer, initialKioskState);
  const [largeText, setLargeText] = useState(false);
  const [readAloud, setReadAloud] = useState(false);
  const [graceOver, setGraceOver] = useState(false);
  const inFlight = useRef(new Set<string>());
  const printedIds = useRef(new Set<number>());
  const browserOnline = useBrowserOnline();

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      loadSetup(token).then(
        (s) => {
          if (!live) return;
          setSetup(s);
          setSetupError(null);
        },
        (err: unknown) => {
          if (!live) return;
          setSetupError(err);
          timer = setTimeout(load, 5000);
        },
      );
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [token]);

  useEffect(() => {
    const timer = setTimeout(() => setGraceOver(true), timings.offlineGraceMs);
    return () => clearTimeout(timer);
  }, [timings.offlineGraceMs]);

  const { socket, connected } = useHub({ token });
  // A paired kiosk's socket only hears its own location. Listeners go on as soon as the socket
  // exists: the snapshot sent on connect may arrive before GET /devices/current has answered.
  useEffect(() => {
    if (!socket) return;
    const onSnapshot = (s: QueueSnapshot) => {
      setWaits(s.waits);
      setCounters(s.counters);
    };
    const onCounter = (c: CounterDto) =>
      setCounters((list) => (list ? list.map((x) => (x.id === c.id ? c : x)) : list));
    const onWaits = (p: { locationId: string; waits: ServiceWaitDto[] }) => setWaits(p.waits);
    socket.on('queue:snapshot', onSnapshot);
    socket.on('wait:estimates', onWaits);
    socket.on('counter:updated', onCounter);
    return () => {
      socket.off('counter:updated', onCounter);
      socket.off('queue:snapshot', onSnapshot);
      socket.off('wait:estimates', onWaits);
    };
  }, [socket]);

  // And ask for a snapshot once the location is known (again after every reconnect).
  const locationId = setup?.locationId;
  useEffect(() => {
    if (!socket || !connected || !locationId) return;
    void emitCommand(socket, 'queue:subscribe', { locationId }).then((ack) => {
      if (ack.ok) {
        setWaits(ack.data.waits);
        setCounters(ack.data.counters);
      }
    });
  }, [socket, connected, locationId]);

  const offline = !browserOnline || (graceOver && !connected);

  // Send the pending request once; a retry re-sends the same request (same id).
  useEffect(() => {
    if (state.screen !== 'pending' || !setup) return;
    const { request } = state;
    if (inFlight.current.has(request.id)) return;
    inFlight.current.add(request.id);
    const call =
      request.kind === 'ticket'
        ? takeTicket(token, setup.locationId, request.serviceCode, request.persons, lang, request.id)
        : checkIn(token, setup.locationId, request.reference, lang, request.id);
    call.then(
      (ticket: TicketDto) => dispatch({ type: 'succeeded', requestId: request.id, ticket }),
      (err: unknown) => {
        inFlight.current.delete(request.id);
        const opensAt = err instanceof ApiError ? err.problem?.opensAt : undefined;
        dispatch({
          type: 'failed',
          requestId: request.id,
          code: err instanceof ApiError ? err.code : 'unknown',
          ...(typeof opensAt === 'string' ? { opensAt } : {}),
        });
      },
    );
  }, [state, setup, token, lang]);

  // Print exactly once per ticket, whatever re-renders or effects run twice.
  useEffect(() => {
    if (state.screen !== 'ticket' || state.printed) return;
    const id = state.ticket.id;
    if (!printedIds.current.has(id)) {
      printedIds.current.add(id);
      // Let the print layout render with the new ticket first.
      requestAnimationFrame(() => print());
    }
    dispatch({ type: 'printed', ticketId: id });
  }, [state, print]);

  const resetAll = useCallback(() => {
    dispatch({ type: 'reset' });
    stopSpeaking();
    setLargeText(false);
    setReadAloud(false);
    if (!i18n.language.startsWith('nl')) void i18n.changeLanguage('nl');
  }, [i18n]);

  const idle = useIdleReset({
    active: state.screen !== 'home' || largeText || readAloud || lang !== 'nl',
    idleMs: state.screen === 'ticket' ? timings.ticketIdleMs : timings.idleMs,
    warningMs: timings.warningMs,
    onReset: resetAll,
  });

  const scan = useCallback((text: string) => {
    const reference = parseScannedReference(text);
    if (reference) dispatch({ type: 'check-in', reference, requestId: newRequestId() });
  }, []);
  useWedgeScanner(scan, state.screen === 'home' && !offline);

  const serviceName = (code: string) => setup?.services.find((s) => s.code === code)?.name[lang] ?? code;

  // Read the essential text of each screen aloud when the resident asked for it.
  const spoken = spokenText(state, (code) => noOpenCounter(counters, code), t, serviceName);
  useEffect(() => {
    if (readAloud && spoken) speak(spoken, lang);
  }, [readAloud, spoken, lang]);

  const ticketService = state.screen === 'ticket' ? (state.ticket.services[0]?.code ?? '') : '';
  const ticketPersons = state.screen === 'ticket' ? (state.ticket.services[0]?.persons ?? 1) : 1;
  const ticketLabel =
    ticketPersons > 1
      ? `${serviceName(ticketService)} (${t('common.persons', { count: ticketPersons })})`
      : serviceName(ticketService);

  return (
    <div className={`kiosk-root${largeText ? ' kiosk-root--large' : ''}`}>
      <OfflineBanner offline={offline} />
      <main className="kiosk" aria-busy={state.screen === 'pending'}>
        <div className="kiosk__toolbar">
          <p className="kiosk__brand">
            <span aria-hidden="true">✕✕✕ </span>
            {t('common.municipality')}
          </p>
          <button
            type="button"
            className="kiosk-toggle"
            lang={otherLanguage(i18n.language)}
            onClick={() => void i18n.changeLanguage(otherLanguage(i18n.language))}
          >
            {t('lang.switchTo')}
          </button>
          <button
            type="button"
            className="kiosk-toggle"
            aria-pressed={largeText}
            onClick={() => setLargeText((v) => !v)}
          >
            {t('kiosk.largeText')}
          </button>
          <button
            type="button"
            className="kiosk-toggle"
            aria-pressed={readAloud}
            onClick={() => {
              setReadAloud((v) => !v);
              if (readAloud) stopSpeaking();
            }}
          >
            {t('kiosk.readAloud')}
          </button>
        </div>

        {state.screen === 'home' ? (
          <HomeScreen
            setup={setup}
            setupError={setupError}
            waits={waits}
            counters={counters}
            offline={offline}
            lang={lang}
            onTake={(s) =>
              dispatch({
                type: 'choose-service',
                serviceCode: s.code,
                maxPersons: s.maxPersons,
                requestId: newRequestId(),
              })
            }
            onAppointment={() => dispatch({ type: 'open-appointment' })}
          />
        ) : null}

        {state.screen === 'appointment' ? (
          <AppointmentScreen
            offline={offline}
            onCheckIn={(text) => scan(text)}
            onBack={() => dispatch({ type: 'reset' })}
          />
        ) : null}

        {state.screen === 'persons' ? (
          <div className="kiosk--center">
            <h1 className="kiosk__title">{t('kiosk.personsTitle')}</h1>
            <p className="kiosk__lead">{t('kiosk.personsText', { service: serviceName(state.serviceCode) })}</p>
            <div className="kiosk__persons">
              {Array.from({ length: state.maxPersons }, (_, i) => i + 1).map((n) => (
                <button
                  key={n}
                  type="button"
                  className="kiosk-button kiosk-button--service"
                  disabled={offline}
                  onClick={() =>
                    dispatch({
                      type: 'take-ticket',
                      serviceCode: state.serviceCode,
                      persons: n,
                      requestId: newRequestId(),
                    })
                  }
                >
                  {t('kiosk.personsButton', { count: n })}
                </button>
              ))}
            </div>
            <button type="button" className="kiosk-button" onClick={() => dispatch({ type: 'reset' })}>
              {t('kiosk.back')}
            </button>
          </div>
        ) : null}

        {state.screen === 'pending' ? (
          <div className="kiosk--center" role="status">
            <p className="kiosk__lead">{t('kiosk.pending')}</p>
          </div>
        ) : null}

        {state.screen === 'retry' ? (
          <div className="kiosk--center" role="alert">
            <h1 className="kiosk__title">{t('kiosk.retryTitle')}</h1>
            <p className="kiosk__lead">{kioskErrorMessage(t, state.code)}</p>
            <p className="kiosk__lead">{t('kiosk.retryText')}</p>
            <div className="kiosk__actions">
              <button
                type="button"
                className="kiosk-button kiosk-button--primary"
                onClick={() => dispatch({ type: 'retry' })}
              >
                {t('kiosk.retry')}
              </button>
              <button type="button" className="kiosk-button" onClick={() => dispatch({ type: 'reset' })}>
                {t('kiosk.cancel')}
              </button>
            </div>
          </div>
        ) : null}

        {state.screen === 'error' ? (
          <div className="kiosk--center" role="alert" data-error-code={state.code}>
            <h1 className="kiosk__title">{t('kiosk.errorTitle')}</h1>
            <p className="kiosk__lead">{kioskErrorMessage(t, state.code)}</p>
            <div className="kiosk__actions">
              <button
                type="button"
                className="kiosk-button kiosk-button--primary"
                onClick={() => dispatch({ type: 'reset' })}
              >
                {t('kiosk.back')}
              </button>
            </div>
          </div>
        ) : null}

        {state.screen === 'ticket' ? (
          <TicketScreen
            ticket={state.ticket}
            waitText={ticketWaitText(t, state.ticket, noOpenCounter(counters, ticketService))}
            serviceName={ticketLabel}
            zone={setup?.timeZone ?? 'Europe/Amsterdam'}
            onDone={() => dispatch({ type: 'reset' })}
          />
        ) : null}

        {idle.warning ? (
          <div
            className="kiosk-idle"
            role="alertdialog"
            aria-modal="true"
            aria-labelledby="idle-title"
            aria-describedby="idle-text"
          >
            <div className="kiosk-idle__box">
              <h2 id="idle-title" className="kiosk__title">
                {t('kiosk.idleTitle')}
              </h2>
              <p id="idle-text" className="kiosk__lead">
                {t('kiosk.idleText', { seconds: idle.secondsLeft })}
              </p>
              <button type="button" className="kiosk-button kiosk-button--primary" onClick={idle.stillHere}>
                {t('kiosk.stillHere')}
              </button>
            </div>
          </div>
        ) : null}
      </main>
      {state.screen === 'ticket' ? (
        <PrintTicket
          ticket={state.ticket}
          waitText={ticketWaitText(t, state.ticket, noOpenCounter(counters, ticketService))}
          serviceName={ticketLabel}
          locationName={setup?.locationName ?? ''}
          zone={setup?.timeZone ?? 'Europe/Amsterdam'}
        />
      ) : null}
    </div>
  );
}

/** True when the hub told us the counters and none that is open can serve the service. */
export function noOpenCounter(counters: CounterDto[] | null, code: string): boolean {
  return counters !== null && !counters.some((c) => c.state === 'open' && c.skills.includes(code));
}

/** The wait line of a ticket: the band, or why there is none worth showing. */
export function ticketWaitText(
  t: ReturnType<typeof useTranslation>['t'],
  ticket: TicketDto,
  noCounter: boolean,
): string {
  if (ticket.status !== 'waiting') return '';
  if (noCounter) return t('kiosk.noCounterWait');
  if (!ticket.estimatedWait) return '';
  if (ticket.estimatedWait.band === 'none') return t('kiosk.expectedWaitNone');
  return t('kiosk.expectedWait', { band: waitBandText(t, ticket.estimatedWait) });
}

/** At the kiosk some codes deserve words of their own (no links to check, staff nearby). */
function kioskErrorMessage(t: ReturnType<typeof useTranslation>['t'], code: ClientErrorCode): string {
  return t(`kiosk.errors.${code}`, { defaultValue: errorMessage(t, new ApiError(code, 0)) });
}

function spokenText(
  state: KioskState,
  noCounter: (code: string) => boolean,
  t: ReturnType<typeof useTranslation>['t'],
  serviceName: (c: string) => string,
): string {
  switch (state.screen) {
    case 'home':
      return `${t('kiosk.title')}. ${t('kiosk.choose')}`;
    case 'appointment':
      return t('kiosk.scanText');
    case 'ticket': {
      const tk = state.ticket;
      const parts = [`${t('kiosk.ticketTitle')}: ${tk.number.split('').join(' ')}`];
      if (tk.services[0]) parts.push(t('kiosk.ticketFor', { service: serviceName(tk.services[0].code) }));
      const wait = ticketWaitText(t, tk, noCounter(tk.services[0]?.code ?? ''));
      if (wait) parts.push(wait);
      parts.push(t('kiosk.takeTicket'));
      return parts.join('. ');
    }
    case 'error':
    case 'retry':
      return kioskErrorMessage(t, state.code);
    default:
      return '';
  }
}

function HomeScreen({
  setup,
  setupError,
  waits,
  counters,
  offline,
  lang,
  onTake,
  onAppointment,
}: {
  setup: KioskSetup | null;
  setupError: unknown;
  waits: ServiceWaitDto[];
  counters: CounterDto[] | null;
  offline: boolean;
  lang: 'nl' | 'en';
  onTake: (service: KioskSetup['services'][number]) => void;
  onAppointment: () => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <h1 className="kiosk__title">{t('kiosk.title')}</h1>
      <p className="kiosk__lead">{t('kiosk.choose')}</p>
      {offline ? <p className="kiosk__notice">{t('kiosk.offlineButtons')}</p> : null}
      {!setup && setupError ? (
        <p className="kiosk__notice" role="alert">
          {kioskErrorMessage(t, setupError instanceof ApiError ? setupError.code : 'unknown')}
        </p>
      ) : null}
      {setup && setup.services.length === 0 ? <p className="kiosk__lead">{t('kiosk.noServices')}</p> : null}
      <div className="kiosk__services">
        {(setup?.services ?? []).map((s) => {
          const w = waits.find((x) => x.code === s.code);
          // A wait estimate means little while no counter for the service is open: say that instead.
          const noCounter = counters !== null && !counters.some((c) => c.state === 'open' && c.skills.includes(s.code));
          return (
            <button
              key={s.code}
              type="button"
              className="kiosk-button kiosk-button--service"
              disabled={offline}
              onClick={() => onTake(s)}
            >
              <span className="kiosk-button__label">{s.name[lang]}</span>
              {noCounter ? (
                <span className="kiosk-button__meta">
                  {t('kiosk.noCounter')}
                  {w ? ` · ${t('kiosk.waiting', { count: w.waiting })}` : ''}
                </span>
              ) : w ? (
                <span className="kiosk-button__meta">
                  {w.estimatedWait.band === 'none'
                    ? t('kiosk.waitNone')
                    : t('kiosk.wait', { band: waitBandText(t, w.estimatedWait) })}{' '}
                  · {t('kiosk.waiting', { count: w.waiting })}
                </span>
              ) : null}
            </button>
          );
        })}
      </div>
      <button
        type="button"
        className="kiosk-button kiosk-button--appointment"
        disabled={offline || !setup}
        onClick={onAppointment}
      >
        <span className="kiosk-button__label">{t('kiosk.appointment')}</span>
        <span className="kiosk-button__meta">{t('kiosk.appointmentHint')}</span>
      </button>
    </>
  );
}

function TicketScreen({
  ticket,
  waitText,
  serviceName,
  zone,
  onDone,
}: {
  ticket: TicketDto;
  waitText: string;
  serviceName: string;
  zone: string;
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const position = ticket.position;
  return (
    <div className="kiosk--center kiosk-ticket" data-testid="kiosk-ticket">
      <h1 className="kiosk__title" ref={heading} tabIndex={-1}>
        {t('kiosk.ticketTitle')}
      </h1>
      <p className="kiosk-ticket__number" data-testid="kiosk-ticket-number">
        {ticket.number}
      </p>
      <p className="kiosk__lead">{t('kiosk.ticketFor', { service: serviceName })}</p>
      {ticket.dueAt ? (
        <p className="kiosk__lead">
          {t('kiosk.checkedIn', {
            time: formatTime(ticket.dueAt, i18n.language, zone),
          })}
        </p>
      ) : null}
      {position !== null && ticket.status === 'waiting' ? (
        <p className="kiosk__lead">
          {position <= 1 ? t('kiosk.positionNext') : t('kiosk.position', { count: position - 1 })}
        </p>
      ) : null}
      {waitText ? <p className="kiosk__lead kiosk-ticket__wait">{waitText}</p> : null}
      <p className="kiosk__lead">{t('kiosk.takeTicket')}</p>
      <p className="kiosk__small">{t('kiosk.followPhone')}</p>
      <button type="button" className="kiosk-button kiosk-button--primary" onClick={onDone}>
        {t('kiosk.done')}
      </button>
    </div>
  );
}
