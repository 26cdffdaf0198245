import { useEffect, useState } from 'react';

/** The browser's own idea of being online; combine with the hub's connection state. */
export function useBrowserOnline(): boolean {
  const [online, setOnline] = useState(() => (typeof navigator === 'undefined' ? true : navigator.onLine));
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, []);
  return online;
}

/** How long a hub connection may be down before a screen says so (`useDisconnectedFor`). */
export const OFFLINE_NOTICE_MS = 2000;

/**
 * Whether `connected` has been false for at least `graceMs` without a break. A node drained in a rolling deploy
 * closes its sockets and they are back through the balancer within about a second: not worth a red "connection
 * lost" on every screen in the waiting room. `graceMs` 0: at once.
 */
export function useDisconnectedFor(connected: boolean, graceMs: number = OFFLINE_NOTICE_MS): boolean {
  const [long, setLong] = useState(false);
  useEffect(() => {
    setLong(false);
    if (connected || graceMs <= 0) return;
    const timer = setTimeout(() => setLong(true), graceMs);
    return () => clearTimeout(timer);
  }, [connected, graceMs]);
  return !connected && (graceMs <= 0 || long);
}
