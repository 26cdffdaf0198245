import { useTranslation } from 'react-i18next';
import type { CounterDto, ServiceWaitDto } from '../../../server/contracts/queue.ts';
import { ApiError } from '../../../shared-web/api.ts';
import { formatTime } from '../../../shared-web/datetime.ts';
import { waitBandText } from '../../../shared-web/wait-band.ts';
import type { KioskSetup } from '../api.ts';
import { kioskErrorMessage } from '../kiosk-text.ts';

/** The start screen: one button per walk-in service with its wait, and the way to check in. */
export function HomeScreen({
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
          // A wait estimate means little while no counter for the service is open: say that instead — as the server
          // judged it (also before the counters are known), or as the counters seen since say.
          const noCounter =
            w?.status === 'no-counter-open' ||
            (counters !== null && !counters.some((c) => c.state === 'open' && c.skills.includes(s.code)));
          return (
            <button
              key={s.code}
              type="button"
              className="kiosk-button kiosk-button--service"
              disabled={offline}
              onClick={() => onTake(s)}
            >
              <span className="kiosk-button__label">{s.name[lang]}</span>
              {w?.status === 'walk-in-closed' ? (
                <span className="kiosk-button__meta">
                  {w.opensAt
                    ? t('kiosk.walkInClosedUntil', { time: formatTime(w.opensAt, lang, setup?.timeZone) })
                    : t('kiosk.walkInClosed')}
                </span>
              ) : noCounter ? (
                <span className="kiosk-button__meta">
                  {w?.status === 'no-counter-open' && w.opensAt
                    ? t('kiosk.noCounterUntil', { time: formatTime(w.opensAt, lang, setup?.timeZone) })
                    : t('kiosk.noCounter')}
                  {w ? ` · ${t('kiosk.waiting', { count: w.waiting })}` : ''}
                </span>
              ) : w ? (
                <span className="kiosk-button__meta">
                  {w.status === 'no-wait' || !w.estimatedWait || w.estimatedWait.band === 'none'
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
