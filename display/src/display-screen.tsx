import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallDto } from '../../server/contracts/queue.ts';
import { useDisconnectedFor } from '../../shared-web/use-online.ts';
import { serviceWaitText } from '../../shared-web/wait-band.ts';
import { type Announcer, type AnnouncerOutput, callKey, createAnnouncer, spokenNumber } from './announcer.ts';
import { Clock } from './clock.tsx';
import { totalWaiting } from './display-state.ts';
import { type HubSocket, useDisplayFeed } from './use-display-feed.ts';

export interface DisplayScreenProps {
  socket: HubSocket;
  output: AnnouncerOutput;
  locationId?: string | null;
  locationName?: string;
  serviceName: (code: string) => string;
  /** Spoken sentence, always Dutch (the waiting room's language). */
  sentence: (call: CallDto) => string;
  gapMs?: number;
  /** How long the hub may be away before the offline banner shows (default OFFLINE_NOTICE_MS; 0: at once). */
  offlineAfterMs?: number;
  timeZone?: string;
}

export function DisplayScreen(props: DisplayScreenProps) {
  const { t, i18n } = useTranslation();
  const [speaking, setSpeaking] = useState<CallDto | null>(null);
  const announcerRef = useRef<Announcer | null>(null);
  const sentenceRef = useRef(props.sentence);
  sentenceRef.current = props.sentence;

  useEffect(() => {
    const announcer = createAnnouncer({
      output: props.output,
      sentence: (call) => sentenceRef.current(call),
      gapMs: props.gapMs,
      onActive: setSpeaking,
    });
    announcerRef.current = announcer;
    return () => {
      announcer.dispose();
      announcerRef.current = null;
    };
  }, [props.output, props.gapMs]);

  const { state, online } = useDisplayFeed(props.socket, {
    locationId: props.locationId,
    onCall: (call) => announcerRef.current?.announce(call),
  });

  const offline = useDisconnectedFor(online, props.offlineAfterMs);
  const waiting = totalWaiting(state.waits);
  const latest = state.latest;
  const earlier = useMemo(() => state.recent.filter((c) => c !== latest), [state.recent, latest]);
  const flashing = speaking !== null && latest !== null && callKey(speaking) === callKey(latest);

  return (
    <div className="display" data-online={online}>
      {offline && (
        <div className="offline-banner" role="alert">
          {t('display.offline')}
        </div>
      )}
      <header className="display-header">
        <h1>{props.locationName ?? t('display.title')}</h1>
        <Clock label={t('display.clock')} timeZone={props.timeZone} />
      </header>
      <main className="display-main">
        <section
          className={flashing ? 'now-serving now-serving-active' : 'now-serving'}
          aria-labelledby="now-heading"
          aria-live="polite"
        >
          <h2 id="now-heading">{t('display.nowCalling')}</h2>
          {latest ? (
            <p className="call" data-testid="latest-call" data-active={flashing}>
              <span className="call-number">{latest.number}</span>
              <span className="call-target">
                <span className="call-arrow" aria-hidden="true">
                  →
                </span>
                <span className="visually-hidden">{t('display.toCounter')}</span>{' '}
                <span className="call-counter">{latest.counterName}</span>
              </span>
            </p>
          ) : (
            <p className="call call-empty">{t('display.noCalls')}</p>
          )}
        </section>
        <section className="recent-calls" aria-labelledby="recent-heading">
          <h2 id="recent-heading">{t('display.recent')}</h2>
          <ol data-testid="recent-calls">
            {earlier.map((call) => (
              <li key={call.ticketId}>
                <span className="recent-number">{call.number}</span>
                <span className="recent-counter">{call.counterName}</span>
              </li>
            ))}
          </ol>
        </section>
        <section className="waits" aria-labelledby="waits-heading">
          <h2 id="waits-heading">
            {t('display.waiting')} ·{' '}
            <span data-testid="waiting-total">{t('display.waitingTotal', { count: waiting })}</span>
          </h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('display.service')}</th>
                <th scope="col">{t('display.people')}</th>
                <th scope="col">{t('display.expected')}</th>
              </tr>
            </thead>
            <tbody>
              {state.waits.map((w) => (
                <tr key={w.code} data-testid={`wait-${w.code}`}>
                  <th scope="row">{props.serviceName(w.code)}</th>
                  <td>{w.waiting}</td>
                  <td>{serviceWaitText(t, w, i18n.language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </main>
      {state.ticker && (
        <section className="ticker" aria-label={t('display.ticker')}>
          <p className="ticker-text" data-testid="ticker">
            {state.ticker}
          </p>
        </section>
      )}
    </div>
  );
}

/** The spoken Dutch call for a ticket. */
export function dutchSentence(call: CallDto): string {
  const number = spokenNumber(call.number);
  return call.recall
    ? `Nogmaals: nummer ${number}, naar ${call.counterName}.`
    : `Nummer ${number}, naar ${call.counterName}.`;
}
