import type { Clock } from '../clock.ts';
import type { Location, Service } from '../contracts/scheduling.ts';
import type { Deps } from '../deps.ts';
import { liveLocationWaits } from '../queue/queue-read.ts';
import type { Repositories } from '../storage.ts';
import type { OfficeStore } from './office-store.ts';

export type ServiceDto = Service;

/** Services of every municipality (or one), with online/walk-in true where any location offers it so. */
export async function listServices(repos: { office: OfficeStore }, municipalityId?: string): Promise<ServiceDto[]> {
  const rows = await repos.office.catalogServices(municipalityId);
  return rows.map((s) => ({
    code: s.code,
    municipalityId: s.municipalityId,
    name: { nl: s.nameNl, en: s.nameEn },
    minutesPerPerson: s.minutesPerPerson,
    maxPersons: s.maxPersons,
    bookableOnline: s.bookableOnline,
    walkIn: s.walkIn,
    ticketLetter: s.ticketLetter,
    necessities: { nl: s.necessitiesNl, en: s.necessitiesEn },
    followUp:
      s.followUpServiceCode && s.followUpMinWorkingDays !== null
        ? { serviceCode: s.followUpServiceCode, minWorkingDays: s.followUpMinWorkingDays }
        : null,
    fees: s.fees,
  }));
}

export type LocationDto = Location;

/**
 * Live waiting for a location: the queue module's figures (waiting tickets today, and the predicted
 * wait for a ticket taken now from the live predictor; null while no counter is staffed).
 */
export function liveWaiting(reads: Repositories, clock: Clock, locationId: string, _zone: string) {
  return liveLocationWaits(reads, locationId, clock.now());
}

export async function listLocations(
  { clock, storage }: Pick<Deps, 'clock' | 'storage'>,
  municipalityId?: string,
): Promise<LocationDto[]> {
  const rows = await storage.read.office.catalogLocations(municipalityId);
  return Promise.all(
    rows.map(async ({ location: l, services }) => ({
      id: l.id,
      municipalityId: l.municipalityId,
      name: l.name,
      address: { street: l.street, postalCode: l.postalCode, city: l.city },
      timeZone: l.timeZone,
      serviceCodes: services.map((o) => o.code),
      services,
      ...(await liveWaiting(storage.read, clock, l.id, l.timeZone)),
    })),
  );
}
