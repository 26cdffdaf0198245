import { type FormEvent, useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PairResponse } from '../../server/contracts/auth.ts';
import type { CounterDto, ServiceWaitDto, TicketDto } from '../../server/contracts/queue.ts';
import { ApiError, api } from '../../shared-web/api.ts';
import { OfflineBanner } from '../../shared-web/components/offline-banner.tsx';
import { captureDeviceToken, forgetDeviceToken } from '../../shared-web/device-token.ts';
import { useHub } from '../../shared-web/hub.ts';
import { useLocationFeed } from '../../shared-web/use-location-feed.ts';
import { useBrowserOnline, useDisconnectedFor } from '../../shared-web/use-online.ts';
import { serviceWaitText } from '../../shared-web/wait-band.ts';
import { checkIn, type KioskSetup, loadSetup, takeTicket } from './api.ts';
import { useIdleReset } from './idle.ts';
import { IdleDialog } from './idle-dialog.tsx';
import { initialKioskState, kioskReducer, parseScannedReference } from './kiosk-machine.ts';
import { noOpenCounter, refusalText, spokenText, ticketWaitText } from './kiosk-text.ts';
import { KioskToolbar } from './kiosk-toolbar.tsx';
import { PrintTicket } from './print-ticket.tsx';
import { useWedgeScanner } from './scanner.ts';
import { AppointmentScreen } from './screens/appointment-screen.tsx';
import { ErrorScreen } from './screens/error-screen.tsx';
import { HomeScreen } from './screens/home-screen.tsx';
import { PendingScreen } from './screens/pending-screen.tsx';
import { PersonsScreen } from './screens/persons-screen.tsx';
import { RetryScreen } from './screens/retry-screen.tsx';
import { TicketScreen } from './screens/ticket-screen.tsx';
import { speak, stopSpeaking } from './speech.ts';
import { defaultTimings, type KioskTimings, newRequestId } from './timings.ts';

export const tokenKey = 'loket.kiosk.token';

export function KioskApp({
  timings = defaultTimings,
  print = () => window.print(),
}: {
  timings?: KioskTimings;
  print?: () => void;
}) {
  const [token, setToken] = useState(() => captureDeviceToken(tokenKey));
  /** Why the kiosk is back at the pairing form (its token was refused: revoked), or null. */
  const [signedOut, setSignedOut] = useState<string | null>(null);
  const signOut = useCallback((code: string) => {
    forgetDeviceToken(tokenKey);
    setSignedOut(code);
    setToken(null);
  }, []);
  if (!token)
    return (
      <KioskPairing
        error={signedOut}
        onPaired={(paired) => {
          try {
            localStorage.setItem(tokenKey, paired);
          } catch {
            // Private mode without storage: paired for this page view only.
          }
          setSignedOut(null);
          setToken(paired);
        }}
      />
    );
  return <Kiosk key={token} token={token} timings={timings} print={print} onSignedOut={signOut} />;
}

/**
 * A kiosk without a token: the one-time code a supervisor made under Devices (valid 15 minutes) is typed here,
 * as on a display. Also where a kiosk lands when its token is refused (revoked).
 */
function KioskPairing({ error, onPaired }: { error: string | null; onPaired: (token: string) => void }) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    try {
      const result = await api.post<PairResponse>('/devices/pair', { code: code.trim() });
      onPaired(result.token);
    } catch (err) {
      setFailure(
        err instanceof ApiError && err.status >= 400 && err.status < 500
          ? t('kiosk.pairFailed')
          : t('kiosk.pairUnavailable'),
      );
    }
  };
  return (
    <main className="kiosk kiosk--center">
      <h1 className="kiosk__title">{t('kiosk.title')}</h1>
      {error ? (
        <p className="kiosk__lead" role="alert">
          {t(`kiosk.errors.${error === 'forbidden' ? 'forbidden' : 'unauthorized'}`)}
        </p>
      ) : (
        <p className="kiosk__lead">{t('kiosk.noToken')}</p>
      )}
      <p className="kiosk__lead">{t('kiosk.pairHint')}</p>
      <form onSubmit={submit} className="kiosk-pairing">
        <label htmlFor="kiosk-pairing-code">{t('kiosk.pairingCode')}</label>
        <input
          id="kiosk-pairing-code"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          autoComplete="off"
          autoCapitalize="characters"
          required
        />
        <button type="submit" className="kiosk-button">
          {t('kiosk.pair')}
        </button>
      </form>
      {failure && (
        <p className="kiosk__lead" role="alert">
          {failure}
        </p>
      )}
    </main>
  );
}

function Kiosk({
  token,
  timings,
  print,
  onSignedOut,
}: {
  token: string;
  timings: KioskTimings;
  print: () => void;
  /** The token was refused (revoked, or the device is gone): back to the pairing form. */
  onSignedOut: (code: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language.startsWith('en') ? 'en' : 'nl';
  const [setup, setSetup] = useState<KioskSetup | null>(null);
  const [setupError, setSetupError] = useState<unknown>(null);
  const [waits, setWaits] = useState<ServiceWaitDto[]>([]);
  const [counters, setCounters] = useState<CounterDto[] | null>(null);
  const [state, dispatch] = useReducer(kioskReducer, initialKioskState);
  const [largeText, setLargeText] = useState(false);
  const [readAloud, setReadAloud] = useState(false);
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
          if (err instanceof ApiError && (err.code === 'unauthorized' || err.code === 'forbidden')) {
            onSignedOut(err.code);
            return;
          }
          setSetupError(err);
          timer = setTimeout(load, 5000);
        },
      );
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [token, onSignedOut]);

  const { socket, connected } = useHub({ token });
  // Revoked: the hub disconnects the socket, and the handshake of its reconnection (shared-web/hub.ts) is refused.
  useEffect(() => {
    if (!socket) return;
    const refused = (err: Error) => {
      if (err.message === 'unauthorized') onSignedOut('unauthorized');
    };
    socket.on('connect_error', refused);
    return () => {
      socket.off('connect_error', refused);
    };
  }, [socket, onSignedOut]);
  // A paired kiosk hears only its own location: the snapshot sent on connect may arrive before
  // GET /devices/current has answered; once the location is known it subscribes (again after every reconnect).
  useLocationFeed(socket, {
    locationId: setup?.locationId,
    onSnapshot: (s) => {
      setWaits(s.waits);
      setCounters(s.counters);
    },
    facts: {
      'wait:estimates': (p) => setWaits(p.waits),
      'counter:updated': (c) => setCounters((list) => (list ? list.map((x) => (x.id === c.id ? c : x)) : list)),
    },
  });

  // The hub away for offlineGraceMs (at start, or later: a drained node's kiosks are back within about a second).
  const hubAway = useDisconnectedFor(connected, timings.offlineGraceMs);
  const offline = !browserOnline || hubAway;

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
    if (reference) dispatch({ type: 'check-in', reference, requestId: newRequestId(), entered: text.trim() });
  }, []);
  useWedgeScanner(scan, state.screen === 'home' && !offline);

  const serviceName = (code: string) => setup?.services.find((s) => s.code === code)?.name[lang] ?? code;

  // Read the essential text of each screen aloud when the resident asked for it.
  const zone = setup?.timeZone ?? 'Europe/Amsterdam';
  const homeItems =
    state.screen === 'home'
      ? (setup?.services ?? []).map((s) => {
          const w = waits.find((x) => x.code === s.code);
          return [s.name[lang], w ? serviceWaitText(t, w, lang) : ''].filter(Boolean).join(': ');
        })
      : [];
  const spoken = spokenText(state, (code) => noOpenCounter(counters, code), t, serviceName, lang, zone, homeItems);
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
        <KioskToolbar
          largeText={largeText}
          readAloud={readAloud}
          onLargeText={() => setLargeText((v) => !v)}
          onReadAloud={() => {
            setReadAloud((v) => !v);
            if (readAloud) stopSpeaking();
          }}
        />

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
            entered={state.entered}
            code={state.code}
            opensAt={state.opensAt}
            zone={zone}
            offline={offline}
            onEnter={(entered) => dispatch({ type: 'enter', entered })}
            onCheckIn={(text) => scan(text)}
            onBack={() => dispatch({ type: 'reset' })}
          />
        ) : null}

        {state.screen === 'persons' ? (
          <PersonsScreen
            serviceName={serviceName(state.serviceCode)}
            maxPersons={state.maxPersons}
            offline={offline}
            onChoose={(persons) =>
              dispatch({ type: 'take-ticket', serviceCode: state.serviceCode, persons, requestId: newRequestId() })
            }
            onBack={() => dispatch({ type: 'reset' })}
          />
        ) : null}

        {state.screen === 'pending' ? <PendingScreen /> : null}

        {state.screen === 'retry' ? (
          <RetryScreen
            code={state.code}
            onRetry={() => dispatch({ type: 'retry' })}
            onCancel={() => dispatch({ type: 'reset' })}
          />
        ) : null}

        {state.screen === 'error' ? (
          <ErrorScreen
            code={state.code}
            message={refusalText(t, state.code, state.opensAt, lang, zone)}
            onBack={() => dispatch({ type: 'reset' })}
          />
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

        {idle.warning ? <IdleDialog secondsLeft={idle.secondsLeft} onStillHere={idle.stillHere} /> : null}
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
