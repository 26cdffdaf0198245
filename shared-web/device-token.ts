/**
 * Kiosks and displays are opened once as `/kiosk#token=…`: the token moves from the fragment
 * (never sent to a server or into logs) to localStorage and the fragment is cleared.
 */
export function captureDeviceToken(storageKey: string, location: Location = window.location): string | null {
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromHash = hash.get('token');
  if (fromHash) {
    try {
      localStorage.setItem(storageKey, fromHash);
    } catch {
      // Private mode without storage: keep the token for this page view only.
    }
    hash.delete('token');
    const rest = hash.toString();
    history.replaceState(null, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
    return fromHash;
  }
  try {
    return localStorage.getItem(storageKey);
  } catch {
    return null;
  }
}

export function forgetDeviceToken(storageKey: string): void {
  try {
    localStorage.removeItem(storageKey);
  } catch {
    // nothing stored
  }
}
