import type { CurrentDevice } from '../../server/contracts/auth.ts';
import type { ServiceWaitDto, TicketDto } from '../../server/contracts/queue.ts';
import type { LocationsResponse, Service, ServicesResponse } from '../../server/contracts/scheduling.ts';
import { api } from '../../shared-web/api.ts';

/** A walk-in service as the kiosk offers it (capped at four persons per ticket). */
export type KioskService = Pick<Service, 'code' | 'name' | 'maxPersons'>;

export interface KioskSetup {
  locationId: string;
  locationName: string;
  timeZone: string;
  services: KioskService[];
}

/** Which office this kiosk stands in (from its device token) and which services take walk-ins there. */
export async function loadSetup(token: string): Promise<KioskSetup> {
  const device = await api.get<CurrentDevice>('/devices/current', { token });
  const [servicesBody, locationsBody] = await Promise.all([
    api.get<ServicesResponse>('/services'),
    api.get<LocationsResponse>('/locations'),
  ]);
  const location = locationsBody.locations.find((l) => l.id === device.locationId);
  const walkIn = new Set((location?.services ?? []).filter((s) => s.walkIn).map((s) => s.code));
  const services = servicesBody.services
    .filter((s) => walkIn.has(s.code))
    .map((s) => ({
      code: s.code,
      name: { nl: s.name.nl, en: s.name.en || s.name.nl },
      maxPersons: Math.max(1, Math.min(4, s.maxPersons)),
    }));
  return {
    locationId: device.locationId,
    locationName: location?.name ?? '',
    timeZone: location?.timeZone ?? 'Europe/Amsterdam',
    services,
  };
}

/**
 * The Idempotency-Key names the request, so a retry is recognisably the same request to a server
 * (or proxy) that honours it; the kiosk itself never prints for more than one answer.
 */
export function takeTicket(
  token: string,
  locationId: string,
  serviceCode: string,
  persons: number,
  language: string,
  requestId: string,
) {
  return api.post<TicketDto>(
    `/locations/${encodeURIComponent(locationId)}/tickets`,
    { services: [{ code: serviceCode, persons }], language },
    { token, headers: { 'idempotency-key': requestId } },
  );
}

export function checkIn(token: string, locationId: string, reference: string, language: string, requestId: string) {
  return api.post<TicketDto>(
    `/locations/${encodeURIComponent(locationId)}/check-ins`,
    { reference, language },
    { token, headers: { 'idempotency-key': requestId } },
  );
}

export type { ServiceWaitDto, TicketDto };
