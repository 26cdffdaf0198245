import type { Location, LocationsResponse, Service, ServicesResponse } from '../../server/contracts/scheduling.ts';
import { api } from '../../shared-web/api.ts';

/** A service as a console needs it: its name in the current language and what the resident brings. */
export interface ServiceInfo {
  code: string;
  name: string;
  minutesPerPerson: number;
  maxPersons: number;
  necessities: string[];
}

export function toServiceInfo(raw: Service, language: string): ServiceInfo {
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
  const body = await api.get<ServicesResponse>('/services');
  return body.services.map((raw) => toServiceInfo(raw, language));
}

/** What the consoles need of a location. */
export type LocationInfo = Pick<Location, 'id' | 'name' | 'timeZone'>;

export async function loadLocations(): Promise<LocationInfo[]> {
  const body = await api.get<LocationsResponse>('/locations');
  return body.locations.map(({ id, name, timeZone }) => ({ id, name, timeZone }));
}
