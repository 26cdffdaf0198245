import type { Location, Service } from '../../server/contracts/scheduling.ts';

/** Names from the public API (server/contracts): a location's name is one string, a service's per language. */
export type LocationName = Pick<Location, 'id' | 'name' | 'timeZone'>;
export type ServiceName = Pick<Service, 'code' | 'name'>;

export function serviceNameIn(service: ServiceName, language: 'nl' | 'en'): string {
  return service.name[language] ?? service.name.nl;
}
