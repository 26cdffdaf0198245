/** A location or service as the public API lists it; names may be per language. */
export interface NamedThing {
  id?: string;
  code?: string;
  name?: string | { nl?: string; en?: string };
  nameNl?: string;
  nameEn?: string;
  names?: { nl?: string; en?: string };
  timeZone?: string;
  [key: string]: unknown;
}

export function nameIn(thing: NamedThing, language: 'nl' | 'en'): string {
  if (typeof thing.name === 'object' && thing.name) return thing.name[language] ?? thing.name.nl ?? '';
  const perLanguage = language === 'en' ? (thing.nameEn ?? thing.names?.en) : (thing.nameNl ?? thing.names?.nl);
  return perLanguage ?? (typeof thing.name === 'string' ? thing.name : '') ?? thing.code ?? thing.id ?? '';
}
