/** Names from the public API: a location's name is one string, a service's name is per language. */
export interface LocationName {
  id: string;
  name: string;
  timeZone: string;
}

export interface ServiceName {
  code: string;
  name: { nl: string; en: string };
}

export function serviceNameIn(service: ServiceName, language: 'nl' | 'en'): string {
  return service.name[language] ?? service.name.nl;
}
