import type { Config } from '../config.ts';
import type { Appointment } from '../contracts/scheduling.ts';
import { AppError } from '../errors.ts';
import type { AppointmentMailView } from '../notify/messages.ts';
import type { AppointmentDetails, AppointmentRow, AppointmentStore } from './appointment-store.ts';
import { toZonedIso } from './calendar.ts';
import { normaliseReference, REFERENCE_PATTERN, tokenMatches } from './tokens.ts';

export type { AppointmentRow } from './appointment-store.ts';

/** An appointment with its office, services, links and mail settings (`AppointmentStore#byReference`). */
export type AppointmentRecord = AppointmentDetails;

/** The record with some fields of the appointment changed (what was just written). */
export function withChanges(record: AppointmentRecord, changes: Partial<AppointmentRow>): AppointmentRecord {
  return { ...record, appointment: { ...record.appointment, ...changes } };
}

/**
 * The appointment behind a reference, if the bearer holds its manage token. A wrong reference and
 * a wrong token give the same `not-found`, so neither can be probed.
 */
export async function findByReference(
  repos: { appointments: AppointmentStore },
  rawReference: string,
  token: string | undefined,
  staff?: { municipalityId: string; locationIds: string[] } | null,
  apiClient?: { clientId: number } | null,
): Promise<AppointmentRecord> {
  const reference = normaliseReference(rawReference);
  const record = REFERENCE_PATTERN.test(reference) ? await repos.appointments.byReference(reference) : null;
  const row = record?.appointment;
  if (apiClient) {
    // An integrator reaches the appointments it booked itself, by reference alone.
    if (!record || record.bookedBy?.clientId !== apiClient.clientId)
      throw new AppError('not-found', 'No appointment with that reference booked by this API client');
    return record;
  }
  if (staff) {
    // Staff helping a resident on the phone or at the desk find it by reference alone, at their own locations.
    if (!record || !row || row.municipalityId !== staff.municipalityId || !staff.locationIds.includes(row.locationId)) {
      throw new AppError('not-found', 'No appointment with that reference at your locations');
    }
    return record;
  }
  // Compare even when the row is missing, so both paths cost about the same.
  const matches = tokenMatches(token ?? '', row?.manageTokenHash ?? '0'.repeat(64));
  if (!record || !token || !matches) throw new AppError('not-found', 'No appointment with that reference and token');
  return record;
}

/** The one appointment shape of the API (`server/contracts/scheduling.ts`). */
export type AppointmentDto = Appointment;

export function toDto(record: AppointmentRecord): AppointmentDto {
  const { appointment: a, location, items } = record;
  const zone = location.timeZone;
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
    followUpOf: record.parentReference,
    followUps: record.followUps.map((c) => ({
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
