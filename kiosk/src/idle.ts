import { useEffect, useRef, useState } from 'react';

/**
 * Idle reset: after `idleMs` without a touch, key or pointer move, a warning shows for `warningMs`
 * (any touch dismisses it); then `onReset` runs. Inactive (e.g. on the untouched home screen) = no timers.
 */
export function useIdleReset({
  active,
  idleMs,
  warningMs,
  onReset,
}: {
  active: boolean;
  idleMs: number;
  warningMs: number;
  onReset: () => void;
}): { warning: boolean; secondsLeft: number; stillHere: () => void } {
  const [warning, setWarning] = useState(false);
  const [secondsLeft, setSecondsLeft] = useState(Math.ceil(warningMs / 1000));
  const [epoch, setEpoch] = useState(0);
  const reset = useRef(onReset);
  reset.current = onReset;

  // `epoch` re-arms the timers when the resident answers the warning.
  // biome-ignore lint/correctness/useExhaustiveDependencies: epoch is a deliberate re-arm trigger.
  useEffect(() => {
    if (!active) {
      setWarning(false);
      return;
    }
    let warnTimer: ReturnType<typeof setTimeout> | undefined;
    let tick: ReturnType<typeof setInterval> | undefined;
    let resetTimer: ReturnType<typeof setTimeout> | undefined;
    const clear = () => {
      clearTimeout(warnTimer);
      clearInterval(tick);
      clearTimeout(resetTimer);
    };
    const arm = () => {
      clear();
      setWarning(false);
      warnTimer = setTimeout(() => {
        setWarning(true);
        const until = Date.now() + warningMs;
        setSecondsLeft(Math.ceil(warningMs / 1000));
        tick = setInterval(() => setSecondsLeft(Math.max(0, Math.ceil((until - Date.now()) / 1000))), 250);
        resetTimer = setTimeout(() => {
          clear();
          setWarning(false);
          reset.current();
        }, warningMs);
      }, idleMs);
    };
    const activity = () => arm();
    const events = ['pointerdown', 'keydown', 'touchstart', 'wheel'] as const;
    for (const e of events) window.addEventListener(e, activity, { passive: true, capture: true });
    arm();
    return () => {
      clear();
      for (const e of events) window.removeEventListener(e, activity, { capture: true });
    };
  }, [active, idleMs, warningMs, epoch]);

  return { warning, secondsLeft, stillHere: () => setEpoch((n) => n + 1) };
}
