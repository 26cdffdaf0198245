import { api } from '../../shared-web/api.ts';

/** A service as a console needs it: its name in the current language and what the resident brings. */
export interface ServiceInfo {
  code: string;
  name: string;
  minutesPerPerson: number;
  maxPersons: number;
  necessities: string[];
}

type Localised = string | { nl?: string; en?: string } | undefined;

function pick(value: Localised, language: string): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') return (language === 'en' ? value.en : value.nl) ?? value.nl;
  return undefined;
}

/** Reads GET /services whatever way it spells per-language fields (name / names / nameNl). */
export function toServiceInfo(raw: Record<string, unknown>, language: string): ServiceInfo {
  const en = language === 'en';
  const name =
    pick(raw.name as Localised, language) ??
    pick(raw.names as Localised, language) ??
    (en ? (raw.nameEn as string) : (raw.nameNl as string)) ??
    String(raw.code);
  const necessitiesRaw = raw.necessities as unknown;
  let necessities: string[] = [];
  if (Array.isArray(necessitiesRaw)) necessities = necessitiesRaw.map(String);
  else if (necessitiesRaw && typeof necessitiesRaw === 'object') {
    const list = (necessitiesRaw as Record<string, unknown>)[en ? 'en' : 'nl'];
    if (Array.isArray(list)) necessities = list.map(String);
  } else {
    const list = raw[en ? 'necessitiesEn' : 'necessitiesNl'];
    if (Array.isArray(list)) necessities = list.map(String);
  }
  return {
    code: String(raw.code),
    name,
    minutesPerPerson: Number(raw.minutesPerPerson ?? 0),
    maxPersons: Number(raw.maxPersons ?? 1),
    necessities,
  };
}

export async function loadServices(language: string): Promise<ServiceInfo[]> {
  const body = await api.get<unknown>('/services', { query: { lang: language } });
  const list = Array.isArray(body) ? body : ((body as { services?: unknown[] })?.services ?? []);
  return (list as Record<string, unknown>[]).map((raw) => toServiceInfo(raw, language));
}

export interface LocationInfo {
  id: string;
  name: string;
  timeZone: string;
}

export async function loadLocations(): Promise<LocationInfo[]> {
  const body = await api.get<unknown>('/locations');
  const list = Array.isArray(body) ? body : ((body as { locations?: unknown[] })?.locations ?? []);
  return (list as Record<string, unknown>[]).map((raw) => ({
    id: String(raw.id),
    name: String(raw.name ?? raw.id),
    timeZone: String(raw.timeZone ?? 'Europe/Amsterdam'),
  }));
}
