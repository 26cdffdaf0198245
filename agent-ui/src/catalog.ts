import { api } from '../../shared-web/api.ts';

/** A service as a console needs it: its name in the current language and what the resident brings. */
export interface ServiceInfo {
  code: string;
  name: string;
  minutesPerPerson: number;
  maxPersons: number;
  necessities: string[];
}

/** GET /services (public), per-language fields as the API gives them. */
interface ServiceResponse {
  code: string;
  name: { nl: string; en: string };
  minutesPerPerson: number;
  maxPersons: number;
  necessities: { nl: string[]; en: string[] };
}

export function toServiceInfo(raw: ServiceResponse, language: string): ServiceInfo {
  const en = language.startsWith('en');
  return {
    code: raw.code,
    name: en ? raw.name.en : raw.name.nl,
    minutesPerPerson: raw.minutesPerPerson,
    maxPersons: raw.maxPersons,
    necessities: en ? raw.necessities.en : raw.necessities.nl,
  };
}

export async function loadServices(language: string): Promise<ServiceInfo[]> {
  const body = await api.get<{ services: ServiceResponse[] }>('/services');
  return body.services.map((raw) => toServiceInfo(raw, language));
}

export interface LocationInfo {
  id: string;
  name: string;
  timeZone: string;
}

export async function loadLocations(): Promise<LocationInfo[]> {
  const body = await api.get<{ locations: LocationInfo[] }>('/locations');
  return body.locations.map(({ id, name, timeZone }) => ({ id, name, timeZone }));
}
