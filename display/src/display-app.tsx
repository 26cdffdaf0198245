import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';
import type { CurrentDevice, PairResponse } from '../../server/contracts/auth.ts';
import type { LocationsResponse, ServicesResponse } from '../../server/contracts/scheduling.ts';
import { ApiError, api } from '../../shared-web/api.ts';
import { captureDeviceToken, forgetDeviceToken } from '../../shared-web/device-token.ts';
import { createHubSocket, reconnectAfterServerDisconnect } from '../../shared-web/hub.ts';
import { DisplayScreen, dutchSentence } from './display-screen.tsx';
import { createDisplayI18n } from './i18n.ts';
import { type LocationName, type ServiceName, serviceNameIn } from './names.ts';
import { audioBlocked, browserSound, unlockAudio } from './sound.ts';

export const DISPLAY_TOKEN_KEY = 'loket.display.token';

type Phase = { kind: 'unpaired'; error?: string } | { kind: 'loading' } | { kind: 'ready'; locationId: string };

export function DisplayApp() {
  const language = new URLSearchParams(window.location.search).get('lang') === 'en' ? 'en' : 'nl';
  const i18n = useMemo(() => createDisplayI18n(language), [language]);
  return (
    <I18nextProvider i18n={i18n}>
      <PairedDisplay language={language} />
    </I18nextProvider>
  );
}

function PairedDisplay({ language }: { language: 'nl' | 'en' }) {
  const { t } = useTranslation();
  const [token, setToken] = useState(() => captureDeviceToken(DISPLAY_TOKEN_KEY));
  const [phase, setPhase] = useState<Phase>(token ? { kind: 'loading' } : { kind: 'unpaired' });
  const [locations, setLocations] = useState<LocationName[]>([]);
  const [services, setServices] = useState<ServiceName[]>([]);

  // Which location this display belongs to; retried while the server is unreachable (e.g. restarting).
  useEffect(() => {
    if (!token) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const device = await api.get<CurrentDevice>('/devices/current', { token });
        if (!stopped) setPhase({ kind: 'ready', locationId: device.locationId });
      } catch (err) {
        if (stopped) return;
        if (err instanceof ApiError && (err.code === 'unauthorized' || err.code === 'forbidden')) {
          forgetDeviceToken(DISPLAY_TOKEN_KEY);
          setToken(null);
          setPhase({ kind: 'unpaired', error: err.code });
        } else {
          timer = setTimeout(load, 3000);
        }
      }
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [token]);

  useEffect(() => {
    if (phase.kind !== 'ready') return;
    // Names only: without them the screen still works and shows service codes.
    api.get<LocationsResponse>('/locations').then(
      (body) => setLocations(body.locations),
      () => {},
    );
    api.get<ServicesResponse>('/services').then(
      (body) => setServices(body.services),
      () => {},
    );
  }, [phase.kind]);

  // Without an autoplay policy the browser keeps sound back until a first click or key press: say so.
  const [soundBlocked, setSoundBlocked] = useState(false);
  useEffect(() => {
    void unlockAudio().then(() => setSoundBlocked(audioBlocked()));
    const unlock = () => void unlockAudio().then(() => setSoundBlocked(audioBlocked()));
    window.addEventListener('pointerdown', unlock);
    window.addEventListener('keydown', unlock);
    return () => {
      window.removeEventListener('pointerdown', unlock);
      window.removeEventListener('keydown', unlock);
    };
  }, []);

  const socket = useMemo(
    () => (token && phase.kind === 'ready' ? createHubSocket({ token }) : null),
    [token, phase.kind],
  );
  useEffect(() => {
    if (!socket) return;
    // A revoked token is refused at the handshake: back to the pairing screen instead of retrying forever.
    const onError = (err: Error) => {
      if (err.message !== 'unauthorized') return;
      socket.disconnect();
      forgetDeviceToken(DISPLAY_TOKEN_KEY);
      setToken(null);
      setPhase({ kind: 'unpaired', error: 'unauthorized' });
    };
    socket.on('connect_error', onError);
    // Revoked while connected: the hub disconnects the socket; connecting again reaches the handshake's refusal.
    const stopReconnecting = reconnectAfterServerDisconnect(socket);
    return () => {
      stopReconnecting();
      socket.off('connect_error', onError);
      socket.disconnect();
    };
  }, [socket]);

  if (phase.kind === 'unpaired' || !token) {
    return <PairingForm error={phase.kind === 'unpaired' ? phase.error : undefined} onPaired={setToken} />;
  }
  if (phase.kind === 'loading' || !socket) {
    return (
      <div className="display display-message" role="status">
        <p>{t('common.loading')}</p>
      </div>
    );
  }
  const location = locations.find((l) => l.id === phase.locationId);
  return (
    <>
      {soundBlocked && (
        <p className="sound-hint" role="status">
          {t('display.enableSound')}
        </p>
      )}
      <DisplayScreen
        socket={socket}
        output={browserSound}
        locationId={phase.locationId}
        locationName={location?.name}
        timeZone={location?.timeZone}
        serviceName={(code) => {
          const service = services.find((s) => s.code === code);
          return service ? serviceNameIn(service, language) : code;
        }}
        sentence={dutchSentence}
      />
    </>
  );
}

/** First start of a screen without a token in the URL: type the one-time code a supervisor made. */
function PairingForm({ error, onPaired }: { error?: string; onPaired: (token: string) => void }) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [failure, setFailure] = useState<string | null>(error ? t(`errors.${error}`) : null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const result = await api.post<PairResponse>('/devices/pair', { code: code.trim() });
      localStorage.setItem(DISPLAY_TOKEN_KEY, result.token);
      onPaired(result.token);
    } catch (err) {
      setFailure(t(`errors.${err instanceof ApiError ? err.code : 'unknown'}`));
    }
  };
  return (
    <main className="display display-message">
      <h1>{t('display.title')}</h1>
      <p>{t('display.unpaired')}</p>
      <form onSubmit={submit} className="pairing-form">
        <label htmlFor="pairing-code">{t('display.pairingCode')}</label>
        <input id="pairing-code" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" />
        <button type="submit">{t('display.pair')}</button>
      </form>
      {failure && <p role="alert">{failure}</p>}
    </main>
  );
}
