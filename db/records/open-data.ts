import type { Column } from 'drizzle-orm';

/** An office as open data lists it (server/open-data/open-data-store.ts), from `locations` and its number, on either engine. */
export function officeColumns<
  L extends {
    id: Column;
    name: Column;
    city: Column;
    municipalityId: Column;
    timeZone: Column;
    serviceNormMinutes: Column;
  },
  N extends { number: Column },
>(
  locations: L,
  numbers: N,
): Pick<L, 'id' | 'name' | 'city' | 'municipalityId' | 'timeZone' | 'serviceNormMinutes'> & { number: N['number'] } {
  return {
    id: locations.id,
    number: numbers.number,
    name: locations.name,
    city: locations.city,
    municipalityId: locations.municipalityId,
    timeZone: locations.timeZone,
    serviceNormMinutes: locations.serviceNormMinutes,
  };
}
