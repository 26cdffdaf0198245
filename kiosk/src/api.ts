import type { ServiceWaitDto, TicketDto } from '../../server/contracts/queue.ts';
import { api } from '../../shared-web/api.ts';

export interface KioskService {
  code: string;
  name: { nl: string; en: string };
  /** Persons one ticket may cover (the API takes up to 10; a kiosk offers at most 4). */
  maxPersons: number;
}

export interface KioskSetup {
  locationId: string;
  locationName: string;
  timeZone: string;
  services: KioskService[];
}

type Json = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Which office this kiosk stands in (from its device token) and which services take walk-ins there. */
export async function loadSetup(token: string): Promise<KioskSetup> {
  const device = await api.get<{ locationId: string }>('/devices/current', { token });
  const [servicesBody, locationsBody] = await Promise.all([
    api.get<{ services: Json[] }>('/services'),
    api.get<{ locations: Json[] }>('/locations'),
  ]);
  const location = (locationsBody.locations ?? []).find((l) => l.id === device.locationId) ?? {};
  const offered = Array.isArray(location.services) ? (location.services as Json[]) : [];
  const walkIn = new Set(offered.filter((s) => s.walkIn === true).map((s) => str(s.code)));
  const services = (servicesBody.services ?? [])
    .filter((s) => walkIn.has(str(s.code)))
    .map((s) => {
      const name = (s.name ?? {}) as Json;
      const max = typeof s.maxPersons === 'number' ? s.maxPersons : 1;
      return {
        code: str(s.code),
        name: { nl: str(name.nl), en: str(name.en) || str(name.nl) },
        maxPersons: Math.max(1, Math.min(4, max)),
      };
    });
  return {
    locationId: device.locationId,
    locationName: str(location.name),
    timeZone: str(location.timeZone) || 'Europe/Amsterdam',
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
