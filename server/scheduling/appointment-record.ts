import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { bookedByClient } from '../../db/integrations.ts';
import { appointmentItems, appointments, locations, services } from '../../db/schema/index.ts';
import type { Config } from '../config.ts';
import type { Appointment } from '../contracts/scheduling.ts';
import { AppError } from '../errors.ts';
import type { AppointmentMailView } from '../notify/messages.ts';
import { toZonedIso } from './calendar.ts';
import { normaliseReference, REFERENCE_PATTERN, tokenMatches } from './tokens.ts';

export type AppointmentRow = typeof appointments.$inferSelect;
type LocationRow = typeof locations.$inferSelect;

export interface AppointmentRecord {
  appointment: AppointmentRow;
  location: LocationRow;
  items: { service: typeof services.$inferSelect; persons: number }[];
}

export function loadRecord(db: Db, appointment: AppointmentRow): AppointmentRecord {
  const location = db.select().from(locations).where(eq(locations.id, appointment.locationId)).get();
  if (!location) throw new Error('appointment without location');
  const rows = db
    .select({ service: services, persons: appointmentItems.persons })
    .from(appointmentItems)
    .innerJoin(services, eq(services.id, appointmentItems.serviceId))
    .where(eq(appointmentItems.appointmentId, appointment.id))
    .all();
  return { appointment, location, items: rows };
}

/**
 * The appointment behind a reference, if the bearer holds its manage token. A wrong reference and
 * a wrong token give the same `not-found`, so neither can be probed.
 */
export function findByReference(
  db: Db,
  rawReference: string,
  token: string | undefined,
  staff?: { municipalityId: string; locationIds: string[] } | null,
  apiClient?: { clientId: number } | null,
): AppointmentRow {
  const reference = normaliseReference(rawReference);
  const row = REFERENCE_PATTERN.test(reference)
    ? db.select().from(appointments).where(eq(appointments.reference, reference)).get()
    : undefined;
  if (apiClient) {
    // An integrator reaches the appointments it booked itself, by reference alone.
    if (!row || !bookedByClient(db, row.id, apiClient.clientId))
      throw new AppError('not-found', 'No appointment with that reference booked by this API client');
    return row;
  }
  if (staff) {
    // Staff helping a resident on the phone or at the desk find it by reference alone, at their own locations.
    if (!row || row.municipalityId !== staff.municipalityId || !staff.locationIds.includes(row.locationId)) {
      throw new AppError('not-found', 'No appointment with that reference at your locations');
    }
    return row;
  }
  // Compare even when the row is missing, so both paths cost about the same.
  const matches = tokenMatches(token ?? '', row?.manageTokenHash ?? '0'.repeat(64));
  if (!row || !token || !matches) throw new AppError('not-found', 'No appointment with that reference and token');
  return row;
}

/** The one appointment shape of the API (`server/contracts/scheduling.ts`). */
export type AppointmentDto = Appointment;

/** Follow-up links when the caller already knows them (a booking just made): saves two reads. */
export interface KnownLinks {
  followUpOf: string | null;
  followUps: { reference: string; startsAt: Date; endsAt: Date; status: AppointmentRow['status'] }[];
}

export function toDto(db: Db, record: AppointmentRecord, known?: KnownLinks): AppointmentDto {
  const { appointment: a, location, items } = record;
  const zone = location.timeZone;
  const parent = known
    ? known.followUpOf
    : a.followUpOfId === null
      ? null
      : (db
          .select({ reference: appointments.reference })
          .from(appointments)
          .where(eq(appointments.id, a.followUpOfId))
          .get()?.reference ?? null);
  const children = known
    ? known.followUps
    : db
        .select({
          reference: appointments.reference,
          startsAt: appointments.startsAt,
          endsAt: appointments.endsAt,
          status: appointments.status,
        })
        .from(appointments)
        .where(eq(appointments.followUpOfId, a.id))
        .all();
  return {
    reference: a.reference,
    checkInCode: a.status === 'booked' ? a.checkInCode : null,
    status: a.status,
    start: toZonedIso(a.startsAt, zone),
    end: toZonedIso(a.endsAt, zone),
    channel: a.channel,
    language: a.language,
    location: {
      id: location.id,
      name: location.name,
      street: location.street,
      postalCode: location.postalCode,
      city: location.city,
      address: { street: location.street, postalCode: location.postalCode, city: location.city },
      timeZone: zone,
    },
    services: items.map((i) => ({
      code: i.service.code,
      persons: i.persons,
      name: { nl: i.service.nameNl, en: i.service.nameEn },
      necessities: { nl: i.service.necessitiesNl, en: i.service.necessitiesEn },
      // The flat names are kept for one API version (marked deprecated in the OpenAPI document).
      nameNl: i.service.nameNl,
      nameEn: i.service.nameEn,
      necessitiesNl: i.service.necessitiesNl,
      necessitiesEn: i.service.necessitiesEn,
    })),
    customer:
      a.customerName !== null && a.customerEmail !== null
        ? { name: a.customerName, email: a.customerEmail, phone: a.customerPhone }
        : null,
    followUpOf: parent,
    followUps: children.map((c) => ({
      reference: c.reference,
      start: toZonedIso(c.startsAt, zone),
      end: toZonedIso(c.endsAt, zone),
      status: c.status,
    })),
    holdExpiresAt: a.status === 'held' && a.holdExpiresAt ? toZonedIso(a.holdExpiresAt, zone) : null,
  };
}

/** Where a resident manages an appointment; the token travels in the fragment, never to a server log. */
export function manageUrl(config: Config, reference: string, token: string): string {
  const base = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, '');
  return `${base}/manage/${reference}#token=${token}`;
}

export function mailView(
  record: AppointmentRecord,
  url: string | null,
  followUp: AppointmentMailView['followUp'] = null,
): AppointmentMailView {
  const { appointment: a, location, items } = record;
  return {
    reference: a.reference,
    checkInCode: a.checkInCode,
    language: a.language,
    startsAt: a.startsAt,
    endsAt: a.endsAt,
    timeZone: location.timeZone,
    locationName: location.name,
    address: `${location.street}, ${location.postalCode} ${location.city}`,
    services: items.map((i) => ({
      nameNl: i.service.nameNl,
      nameEn: i.service.nameEn,
      persons: i.persons,
      necessitiesNl: i.service.necessitiesNl,
      necessitiesEn: i.service.necessitiesEn,
    })),
    manageUrl: url,
    customerName: a.customerName ?? '',
    followUp,
  };
}

export function childrenOf(db: Db, ids: number[]): AppointmentRow[] {
  if (ids.length === 0) return [];
  return db.select().from(appointments).where(inArray(appointments.followUpOfId, ids)).all();
}
