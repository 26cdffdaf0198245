import { useEffect, useState } from 'react';
import type { MunicipalityDto } from '../server/contracts/integrations.ts';

/**
 * The municipality's name, logo and house style come from `GET /api/v1/municipality`, so no translation
 * file or style sheet names a municipality. Loaded once per page; a failure leaves the name empty and the
 * default tokens in place.
 */
let loading: Promise<MunicipalityDto | null> | null = null;

export function loadMunicipality(
  fetchImpl: (url: string) => Promise<Response> = (url) => fetch(url),
): Promise<MunicipalityDto | null> {
  loading ??= fetchImpl('/api/v1/municipality')
    .then((res) => (res.ok ? (res.json() as Promise<MunicipalityDto>) : null))
    .catch(() => null);
  return loading;
}

/** Forgets the loaded municipality (tests). */
export function resetMunicipality(): void {
  loading = null;
}

/** Sets the house-style tokens as CSS custom properties on the root (only `--name` keys). */
export function applyHouseStyle(tokens: Record<string, string>, root: HTMLElement = document.documentElement): void {
  for (const [name, value] of Object.entries(tokens)) {
    if (/^--[a-z][a-z0-9-]{0,80}$/.test(name)) root.style.setProperty(name, value);
  }
}

export function useMunicipality(): MunicipalityDto | null {
  const [municipality, setMunicipality] = useState<MunicipalityDto | null>(null);
  useEffect(() => {
    let live = true;
    void loadMunicipality().then((m) => {
      if (!live || !m) return;
      applyHouseStyle(m.houseStyle);
      setMunicipality(m);
    });
    return () => {
      live = false;
    };
  }, []);
  return municipality;
}
