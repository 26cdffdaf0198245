import type { BookingRules } from '../../server/contracts/fairness.ts';
import type { TicketDto } from '../../server/contracts/queue.ts';
import type {
  Address,
  Appointment,
  AvailableDaysResponse,
  AvailableTimesResponse,
  BookedAppointment,
  BookingRequest,
  DayHours,
  Location,
  LocationsResponse,
  OfficeHours,
  Pickup,
  PickupResponse,
  RescheduleRequest,
  Service,
  ServicesResponse,
} from '../../server/contracts/scheduling.ts';
import { api, servicesParam, toApiError } from '../../shared-web/api.ts';

/**
 * The booking site's view of the public API. Every shape comes from `server/contracts/scheduling.ts`,
 * so a field the server renames fails to compile here instead of being guessed at run time.
 */
export type { Appointment, DayHours, Location, Pickup, Service };
export type Booked = BookedAppointment;
export type Items = Readonly<BookingRequest['services']>;

/** An address on one line, as the pages show it. */
export function addressLine(address: Address): string {
  return [address.street, [address.postalCode, address.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
}

/** Codes this office takes online (a service may be walk-in only here). */
export function bookableCodes(location: Location | undefined): string[] {
  return (location?.services ?? []).filter((s) => s.bookableOnline).map((s) => s.code);
}

const at = (locationId: string, path: string) => `/locations/${encodeURIComponent(locationId)}/${path}`;
const appointmentPath = (reference: string) => `/appointments/${encodeURIComponent(reference)}`;

export const bookingApi = {
  async services(): Promise<Service[]> {
    return (await api.get<ServicesResponse>('/services')).services;
  },
  async locations(): Promise<Location[]> {
    return (await api.get<LocationsResponse>('/locations')).locations;
  },
  async hours(locationId: string): Promise<DayHours[]> {
    return (await api.get<OfficeHours>(at(locationId, 'hours'), { query: { days: 7 } })).days;
  },
  async availableDays(locationId: string, items: Items, from: string, to: string): Promise<string[]> {
    const r = await api.get<AvailableDaysResponse>(at(locationId, 'available-days'), {
      query: { services: servicesParam(items), from, to },
    });
    return r.days;
  },
  async availableTimes(locationId: string, items: Items, date: string): Promise<string[]> {
    const r = await api.get<AvailableTimesResponse>(at(locationId, 'available-times'), {
      query: { services: servicesParam(items), date },
    });
    return r.times;
  },
  /** The pickup an application on `date` implies, with its earliest day as the server counts it. */
  async pickup(locationId: string, items: Items, date: string): Promise<Pickup | null> {
    const r = await api.get<PickupResponse>(at(locationId, 'pickup'), {
      query: { services: servicesParam(items), date },
    });
    return r.pickup;
  },
  async book(
    input: BookingRequest,
    options: { idempotencyKey?: string; altcha?: string | null } = {},
  ): Promise<Booked> {
    const headers: Record<string, string> = {};
    // A retry of the same booking (lost answer) gets the same appointment, never a second one.
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    // The solved proof-of-work, where the office asks for one.
    if (options.altcha) headers.altcha = options.altcha;
    return api.post<BookedAppointment>('/appointments', input, { headers });
  },
  /** What applies when booking at this office now: hold, challenge, release schedule, phone share. */
  async rules(locationId: string): Promise<BookingRules> {
    return api.get<BookingRules>(at(locationId, 'booking-rules'));
  },
  /** Confirms a hold with the code from the mail (double opt-in). */
  async confirm(reference: string, token: string, code: string): Promise<Appointment> {
    return api.post<Appointment>(`${appointmentPath(reference)}/confirm`, { code }, { token });
  },
  async appointment(reference: string, token: string): Promise<Appointment> {
    return api.get<Appointment>(appointmentPath(reference), { token });
  },
  async cancel(reference: string, token: string): Promise<void> {
    await api.del(appointmentPath(reference), { token });
  },
  async reschedule(reference: string, token: string, start: string): Promise<Appointment> {
    const body: RescheduleRequest = { start };
    return api.post<Appointment>(`${appointmentPath(reference)}/reschedule`, body, { token });
  },
  async calendarFile(reference: string, token: string): Promise<Blob> {
    const res = await fetch(`/api/v1${appointmentPath(reference)}/calendar.ics`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!res.ok) throw await toApiError(res);
    return res.blob();
  },
  async ticket(publicId: string): Promise<TicketDto> {
    return api.get<TicketDto>(`/tickets/${encodeURIComponent(publicId)}`);
  },
};
