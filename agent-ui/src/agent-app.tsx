import { type FormEvent, lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../../shared-web/components/language-switch.tsx';
import { errorMessage } from '../../shared-web/errors.ts';
import { SERVER_DISCONNECT_RETRY_MS, useHub } from '../../shared-web/hub.ts';
import { type LocationInfo, loadLocations, loadServices, type ServiceInfo } from './catalog.ts';
import { CounterConsole } from './console/counter-console.tsx';
import { AppointmentDesk } from './desk/appointment-desk.tsx';
import { currentUser, isSupervisor, type StaffUser, signIn, signOut, storedToken } from './session.ts';

// Supervisor views (and recharts) load on first use, so a counter PC only loads the console.
const AdminView = lazy(() => import('./supervisor/admin-view.tsx').then((m) => ({ default: m.AdminView })));
const DevicesView = lazy(() => import('./supervisor/devices-view.tsx').then((m) => ({ default: m.DevicesView })));
const LiveView = lazy(() => import('./supervisor/live-view.tsx').then((m) => ({ default: m.LiveView })));
const OutboxView = lazy(() => import('./supervisor/outbox-view.tsx').then((m) => ({ default: m.OutboxView })));
const PlannerView = lazy(() => import('./supervisor/planner-view.tsx').then((m) => ({ default: m.PlannerView })));
const StatisticsView = lazy(() =>
  import('./supervisor/statistics-view.tsx').then((m) => ({ default: m.StatisticsView })),
);

const pages = ['console', 'desk', 'live', 'admin', 'devices', 'statistics', 'planner', 'outbox'] as const;
type Page = (typeof pages)[number];
const supervisorPages = new Set<Page>(['live', 'admin', 'devices', 'statistics', 'planner', 'outbox']);

function pageFromHash(): Page {
  const name = window.location.hash.replace(/^#\/?/, '');
  return (pages as readonly string[]).includes(name) ? (name as Page) : 'console';
}

export function AgentApp() {
  const { t } = useTranslation();
  const [token, setToken] = useState<string | null>(() => storedToken());
  const [user, setUser] = useState<StaffUser | null>(null);
  const [checked, setChecked] = useState(false);

  useEffect(() => {
    // The hub needs the bearer token; a cookie-only session (another tab) signs in again here.
    if (!token) {
      setUser(null);
      setChecked(true);
      return;
    }
    void currentUser(token).then((u) => {
      setUser(u);
      setChecked(true);
    });
  }, [token]);

  useEffect(() => {
    document.title = t('agent.appTitle');
  }, [t]);

  if (!checked) {
    return (
      <p role="status" className="page">
        {t('common.loading')}
      </p>
    );
  }
  if (!user) {
    return (
      <SignInForm
        onSignedIn={(result) => {
          setToken(result.token);
          setUser(result.user);
        }}
      />
    );
  }
  return (
    <Workspace
      user={user}
      token={token}
      onSignOut={async () => {
        await signOut(token).catch(() => {});
        // The next person at this PC chooses their own location and counter.
        sessionStorage.removeItem(LOCATION_KEY);
        sessionStorage.removeItem(COUNTER_KEY);
        setToken(null);
        setUser(null);
      }}
    />
  );
}

function SignInForm({ onSignedIn }: { onSignedIn: (r: { token: string; user: StaffUser }) => void }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      onSignedIn(await signIn(username, password));
    } catch (err) {
      setFailure(errorMessage(t, err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in">
      <div className="sign-in-top">
        <LanguageSwitch />
      </div>
      <h1>{t('agent.appTitle')}</h1>
      <form onSubmit={submit} className="form">
        <h2>{t('agent.signIn.title')}</h2>
        <label htmlFor="username">{t('agent.signIn.username')}</label>
        <input
          id="username"
          name="username"
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
        />
        <label htmlFor="password">{t('agent.signIn.password')}</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        <button type="submit" className="primary" disabled={busy}>
          {t('agent.signIn.submit')}
        </button>
        {failure && (
          <p className="banner banner-error" role="alert">
            {failure}
          </p>
        )}
      </form>
    </main>
  );
}

const LOCATION_KEY = 'loket.agent.location';
const COUNTER_KEY = 'loket.agent.counter';

function Workspace({ user, token, onSignOut }: { user: StaffUser; token: string | null; onSignOut: () => void }) {
  const { t, i18n } = useTranslation();
  const [page, setPage] = useState<Page>(pageFromHash);
  const [locations, setLocations] = useState<LocationInfo[]>([]);
  const [services, setServices] = useState<ServiceInfo[]>([]);
  const [locationId, setLocationId] = useState<string>(() => {
    const stored = sessionStorage.getItem(LOCATION_KEY);
    return stored && user.locationIds.includes(stored) ? stored : (user.locationIds[0] ?? '');
  });
  const { socket, connected } = useHub({ token });
  const supervisor = isSupervisor(user);
  const signOutRef = useRef(onSignOut);
  signOutRef.current = onSignOut;
  // Signed out elsewhere, revoked or expired: the hub drops the socket, and its reconnection (shared-web/hub.ts) is
  // refused at the handshake. Back to the sign-in form instead of "reconnecting" for ever.
  useEffect(() => {
    if (!socket) return;
    let checking = false;
    const refused = (err: Error) => {
      if (err.message !== 'unauthorized' || checking) return;
      // Signed out only when the API agrees the session is gone (a refusal alone could be a passing one).
      checking = true;
      void currentUser(token).then((u) => {
        checking = false;
        if (!u) signOutRef.current();
        else setTimeout(() => socket.connect(), SERVER_DISCONNECT_RETRY_MS * 5);
      });
    };
    socket.on('connect_error', refused);
    return () => {
      socket.off('connect_error', refused);
    };
  }, [socket, token]);

  useEffect(() => {
    const onHash = () => setPage(pageFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    loadLocations().then(setLocations, () => setLocations([]));
  }, []);
  useEffect(() => {
    loadServices(i18n.language).then(setServices, () => setServices([]));
  }, [i18n.language]);

  const myLocations = useMemo(
    () =>
      user.locationIds.map(
        (id) => locations.find((l) => l.id === id) ?? { id, name: id, timeZone: 'Europe/Amsterdam' },
      ),
    [user.locationIds, locations],
  );
  const visible = pages.filter((p) => supervisor || !supervisorPages.has(p));
  const current = visible.includes(page) ? page : 'console';
  const location = myLocations.find((l) => l.id === locationId) ?? null;

  return (
    <div className="workspace">
      <header className="topbar">
        <p className="brand">{t('agent.appTitle')}</p>
        <label className="location-select">
          <span>{t('agent.location')}</span>
          <select
            value={locationId}
            onChange={(e) => {
              setLocationId(e.target.value);
              sessionStorage.setItem(LOCATION_KEY, e.target.value);
              sessionStorage.removeItem(COUNTER_KEY);
            }}
          >
            {myLocations.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
        <span className="user">
          {t('agent.signIn.signedInAs', { name: user.displayName, role: t(`agent.role.${user.role}`) })}
        </span>
        <span className={connected ? 'hub-state hub-online' : 'hub-state hub-offline'} aria-hidden="true" />
        <LanguageSwitch />
        <button type="button" onClick={onSignOut}>
          {t('agent.signIn.signOut')}
        </button>
      </header>
      <nav aria-label={t('agent.nav.label')} className="tabs">
        <ul>
          {visible.map((p) => (
            <li key={p}>
              <a href={`#/${p}`} aria-current={p === current ? 'page' : undefined}>
                {t(`agent.nav.${p}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main className="page" id="main">
        <h1 className="visually-hidden">{t(`agent.nav.${current}`)}</h1>
        <Suspense fallback={<p role="status">{t('common.loading')}</p>}>
          {current === 'console' && locationId && (
            <CounterConsole
              key={locationId}
              socket={socket}
              locationId={locationId}
              services={services}
              initialCounterId={Number(sessionStorage.getItem(COUNTER_KEY)) || null}
              onCounterChange={(id) =>
                id === null ? sessionStorage.removeItem(COUNTER_KEY) : sessionStorage.setItem(COUNTER_KEY, String(id))
              }
            />
          )}
          {current === 'desk' && location && <AppointmentDesk location={location} services={services} token={token} />}
          {current === 'live' && <LiveView socket={socket} locations={myLocations} services={services} token={token} />}
          {current === 'admin' && location && <AdminView location={location} services={services} token={token} />}
          {current === 'devices' && location && <DevicesView location={location} token={token} />}
          {current === 'statistics' && location && (
            <StatisticsView location={location} services={services} token={token} />
          )}
          {current === 'planner' && location && <PlannerView location={location} services={services} token={token} />}
          {current === 'outbox' && <OutboxView token={token} />}
        </Suspense>
      </main>
    </div>
  );
}
