import { useCallback, useEffect, useRef, useState } from 'react';
import type { TicketDto } from '../../server/contracts/queue.ts';
import { alertFor, type TurnLevel, turnLevel } from './turn-alert.ts';

type AudioCtor = typeof AudioContext;

/**
 * "Almost your turn" on the phone page while it is open: a short tone (Web Audio, unlocked by the tap
 * that turns alerts on), a vibration where the phone can, and a browser notification where the resident
 * allowed it — once when the ticket is next or one away, and on every call.
 */
export function useTurnAlert(ticket: TicketDto | null, texts: { soon: string; called: string; title: string }) {
  const [enabled, setEnabled] = useState(false);
  const [permission, setPermission] = useState<NotificationPermission | 'unsupported'>(() =>
    typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
  );
  const previous = useRef<{ level: TurnLevel; callCount: number } | null>(null);
  const audio = useRef<AudioContext | null>(null);
  const [last, setLast] = useState<TurnLevel>(null);

  const enable = useCallback(async () => {
    setEnabled(true);
    // The tap is the user gesture browsers want before they play sound.
    const Ctor = (window.AudioContext ??
      (window as unknown as { webkitAudioContext?: AudioCtor }).webkitAudioContext) as AudioCtor | undefined;
    if (Ctor && !audio.current) {
      try {
        audio.current = new Ctor();
        await audio.current.resume();
      } catch {
        audio.current = null;
      }
    }
    if (typeof Notification !== 'undefined' && Notification.permission === 'default') {
      try {
        setPermission(await Notification.requestPermission());
      } catch {
        setPermission('denied');
      }
    }
  }, []);

  useEffect(() => {
    if (!ticket) return;
    const alert = alertFor(previous.current, ticket);
    previous.current = { level: turnLevel(ticket), callCount: ticket.callCount };
    if (!alert) return;
    setLast(alert);
    const text = alert === 'called' ? texts.called : texts.soon;
    if (enabled) {
      beep(audio.current, alert === 'called' ? 3 : 1);
      if (typeof navigator.vibrate === 'function')
        navigator.vibrate(alert === 'called' ? [300, 150, 300, 150, 300] : [200]);
      if (typeof Notification !== 'undefined' && Notification.permission === 'granted' && document.hidden) {
        try {
          new Notification(texts.title, {
            body: text,
            tag: `loket-${ticket.publicId}`,
            renotify: true,
          } as NotificationOptions);
        } catch {
          // Some mobile browsers only notify from a service worker; the page itself still shows and sounds.
        }
      }
    }
  }, [ticket, enabled, texts.called, texts.soon, texts.title]);

  useEffect(
    () => () => {
      void audio.current?.close();
    },
    [],
  );

  return { enabled, enable, permission, last };
}

/** A few short tones; nodes are disconnected when they end. */
function beep(context: AudioContext | null, times: number) {
  if (!context) return;
  for (let i = 0; i < times; i++) {
    const at = context.currentTime + i * 0.35;
    const osc = context.createOscillator();
    const gain = context.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.4, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.25);
    osc.connect(gain).connect(context.destination);
    osc.onended = () => {
      osc.disconnect();
      gain.disconnect();
    };
    osc.start(at);
    osc.stop(at + 0.3);
  }
}
