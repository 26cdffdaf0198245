import i18next, { type i18n as I18n, type Resource } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './locales/en.ts';
import { nl } from './locales/nl.ts';

export type Language = 'nl' | 'en';
export const languages: readonly Language[] = ['nl', 'en'];

type Tree = { [key: string]: string | Tree };

function merge(a: Tree, b: Tree): Tree {
  const out: Tree = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const existing = out[key];
    out[key] = typeof value === 'object' && typeof existing === 'object' ? merge(existing, value) : value;
  }
  return out;
}

const storageKey = 'loket.language';

function storedLanguage(): Language | null {
  try {
    const value = globalThis.localStorage?.getItem(storageKey);
    return value === 'en' || value === 'nl' ? value : null;
  } catch {
    return null;
  }
}

/**
 * One i18next instance per app: the shared messages (errors, wait bands, language switch) plus the
 * app's own. Dutch is the default; a stored choice wins (a kiosk resets it itself on idle).
 */
export function createI18n(
  app: { nl: Tree; en: Tree },
  options: { language?: Language; remember?: boolean } = {},
): I18n {
  const instance = i18next.createInstance();
  const resources: Resource = {
    nl: { translation: merge(nl as Tree, app.nl) },
    en: { translation: merge(en as unknown as Tree, app.en) },
  };
  const lng = options.language ?? (options.remember === false ? null : storedLanguage()) ?? 'nl';
  void instance.use(initReactI18next).init({
    resources,
    lng,
    fallbackLng: 'nl',
    supportedLngs: ['nl', 'en'],
    interpolation: { escapeValue: false },
    returnNull: false,
    // Resources are bundled: initialise synchronously so the first render has its texts.
    initAsync: false,
  });
  const syncDocument = (language: string) => {
    if (typeof document !== 'undefined') document.documentElement.lang = language;
    if (options.remember !== false) {
      try {
        globalThis.localStorage?.setItem(storageKey, language);
      } catch {
        // storage unavailable: the choice lasts for this page view
      }
    }
  };
  if (typeof document !== 'undefined') document.documentElement.lang = lng;
  instance.on('languageChanged', syncDocument);
  return instance;
}

export function otherLanguage(current: string): Language {
  return current.startsWith('en') ? 'nl' : 'en';
}
