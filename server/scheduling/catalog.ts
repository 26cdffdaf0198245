import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { locationServices, locations, serviceFees, services } from '../../db/schema/index.ts';
import type { Clock } from '../clock.ts';
import type { Location, Service } from '../contracts/scheduling.ts';
import type { Deps } from '../deps.ts';
import { liveLocationWaits } from '../queue/queue-read.ts';
import type { Repositories } from '../storage.ts';

export type ServiceDto = Service;

/** Services of every municipality (or one), with online/walk-in true where any location offers it so. */
export function listServices(db: Db, municipalityId?: string): ServiceDto[] {
  const rows = db
    .select()
    .from(services)
    .where(municipalityId ? eq(services.municipalityId, municipalityId) : undefined)
    .orderBy(asc(services.municipalityId), asc(services.sortOrder), asc(services.id))
    .all();
  const offered = db.select().from(locationServices).all();
  const fees = db.select().from(serviceFees).all();
  const feeOf = (serviceId: number, ageGroup: 'adult' | 'minor') =>
    fees.find((f) => f.serviceId === serviceId && f.ageGroup === ageGroup)?.amountCents ?? null;
  return rows.map((s) => {
    const at = offered.filter((o) => o.serviceId === s.id);
    return {
      code: s.code,
      municipalityId: s.municipalityId,
      name: { nl: s.nameNl, en: s.nameEn },
      minutesPerPerson: s.minutesPerPerson,
      maxPersons: s.maxPersons,
      bookableOnline: at.some((o) => o.bookableOnline),
      walkIn: at.some((o) => o.walkIn),
      ticketLetter: s.ticketLetter,
      necessities: { nl: s.necessitiesNl, en: s.necessitiesEn },
      followUp:
        s.followUpServiceCode && s.followUpMinWorkingDays !== null
          ? { serviceCode: s.followUpServiceCode, minWorkingDays: s.followUpMinWorkingDays }
          : null,
      fees: { adult: feeOf(s.id, 'adult'), minor: feeOf(s.id, 'minor') },
    };
  });
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
  { db, clock, storage }: Pick<Deps, 'db' | 'clock' | 'storage'>,
  municipalityId?: string,
): Promise<LocationDto[]> {
  const rows = db
    .select()
    .from(locations)
    .where(municipalityId ? eq(locations.municipalityId, municipalityId) : undefined)
    .orderBy(asc(locations.name))
    .all();
  const offered =
    rows.length === 0
      ? []
      : db
          .select({
            locationId: locationServices.locationId,
            code: services.code,
            sortOrder: services.sortOrder,
            bookableOnline: locationServices.bookableOnline,
            walkIn: locationServices.walkIn,
          })
          .from(locationServices)
          .innerJoin(services, eq(services.id, locationServices.serviceId))
          .where(
            inArray(
              locationServices.locationId,
              rows.map((r) => r.id),
            ),
          )
          .orderBy(asc(services.sortOrder))
          .all();
  return Promise.all(
    rows.map(async (l) => {
      const here = offered.filter((o) => o.locationId === l.id);
      return {
        id: l.id,
        municipalityId: l.municipalityId,
        name: l.name,
        address: { street: l.street, postalCode: l.postalCode, city: l.city },
        timeZone: l.timeZone,
        serviceCodes: here.map((o) => o.code),
        services: here.map((o) => ({ code: o.code, bookableOnline: o.bookableOnline, walkIn: o.walkIn })),
        ...(await liveWaiting(storage.read, clock, l.id, l.timeZone)),
      };
    }),
  );
}
