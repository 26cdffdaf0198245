import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { locationServices, locations, services, tickets } from '../../db/schema/index.ts';
import type { Clock } from '../clock.ts';
import { localDateOf } from './calendar.ts';

export interface ServiceDto {
  code: string;
  municipalityId: string;
  name: { nl: string; en: string };
  minutesPerPerson: number;
  maxPersons: number;
  bookableOnline: boolean;
  walkIn: boolean;
  ticketLetter: string;
  necessities: { nl: string[]; en: string[] };
  followUp: { serviceCode: string; minWorkingDays: number } | null;
}

/** Services of every municipality (or one), with online/walk-in true where any location offers it so. */
export function listServices(db: Db, municipalityId?: string): ServiceDto[] {
  const rows = db
    .select()
    .from(services)
    .where(municipalityId ? eq(services.municipalityId, municipalityId) : undefined)
    .orderBy(asc(services.municipalityId), asc(services.sortOrder), asc(services.id))
    .all();
  const offered = db.select().from(locationServices).all();
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
    };
  });
}

export interface LocationDto {
  id: string;
  municipalityId: string;
  name: string;
  address: { street: string; postalCode: string; city: string };
  timeZone: string;
  serviceCodes: string[];
  services: { code: string; bookableOnline: boolean; walkIn: boolean }[];
  waiting: number;
  waitMinutes: number | null;
}

/**
 * Live waiting for a location from the queue tables: the number of waiting tickets today, and the
 * wait a new ticket can expect, taken from the prediction stored on the last ticket issued
 * (the queue module stores it at issue) minus the time it has waited since. Null when unknown.
 */
export function liveWaiting(db: Db, clock: Clock, locationId: string, zone: string) {
  const now = clock.now();
  const waiting = db
    .select({ queuedAt: tickets.queuedAt, predicted: tickets.predictedWaitSeconds })
    .from(tickets)
    .where(
      and(
        eq(tickets.locationId, locationId),
        eq(tickets.serviceDate, localDateOf(now, zone)),
        eq(tickets.status, 'waiting'),
      ),
    )
    .all();
  if (waiting.length === 0) return { waiting: 0, waitMinutes: 0 };
  const last = waiting.reduce((a, b) => (b.queuedAt > a.queuedAt ? b : a));
  if (last.predicted === null) return { waiting: waiting.length, waitMinutes: null };
  const left = last.predicted * 1000 - (now.getTime() - last.queuedAt.getTime());
  return { waiting: waiting.length, waitMinutes: Math.max(0, Math.round(left / 60_000)) };
}

export function listLocations(db: Db, clock: Clock, municipalityId?: string): LocationDto[] {
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
  return rows.map((l) => {
    const here = offered.filter((o) => o.locationId === l.id);
    return {
      id: l.id,
      municipalityId: l.municipalityId,
      name: l.name,
      address: { street: l.street, postalCode: l.postalCode, city: l.city },
      timeZone: l.timeZone,
      serviceCodes: here.map((o) => o.code),
      services: here.map((o) => ({ code: o.code, bookableOnline: o.bookableOnline, walkIn: o.walkIn })),
      ...liveWaiting(db, clock, l.id, l.timeZone),
    };
  });
}
