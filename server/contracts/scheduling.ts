import { z } from 'zod';
import { IsoDate, IsoInstant, printableText } from './validators.ts';

/**
 * The HTTP contract of the catalogue, availability and appointments: request schemas the routes
 * validate with, response schemas the OpenAPI document shows, and (through `z.infer`) the types the
 * server returns and the front-ends read.
 */

// ── Request primitives ──────────────────────────────────────────────────────────────────────────

/** A local calendar date, `YYYY-MM-DD` (years 2000–2199). */
export const LocalDate = IsoDate.meta({ example: '2026-12-01', format: 'date' });
/** An instant in ISO 8601 with an explicit offset; years 2000–2199 only. */
export const Instant = IsoInstant.meta({ example: '2026-12-01T11:00:00+01:00', format: 'date-time' });

export const ServiceCode = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/);

/** `code:persons,code:persons` in a query string. */
export const ServicesParam = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}:\d{1,2}(,[a-z0-9][a-z0-9-]{0,39}:\d{1,2}){0,9}$/, 'code:persons,code:persons')
  .meta({ example: 'passport:2,driving-licence:1' });

export const LocationId = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[a-z0-9-]+$/);

export const MunicipalityQuery = z.object({ municipality: z.string().max(80).optional() });

// ── Shared shapes ───────────────────────────────────────────────────────────────────────────────

/** Text in both languages, so a language switch needs no refetch. */
export const Bilingual = z.object({ nl: z.string(), en: z.string() });
export type Bilingual = z.infer<typeof Bilingual>;
export const BilingualList = z.object({ nl: z.array(z.string()), en: z.array(z.string()) });
export type BilingualList = z.infer<typeof BilingualList>;

export const Address = z
  .object({ street: z.string(), postalCode: z.string(), city: z.string() })
  .meta({ id: 'Address' });
export type Address = z.infer<typeof Address>;

// ── Catalogue ───────────────────────────────────────────────────────────────────────────────────

export const Service = z
  .object({
    code: z.string(),
    municipalityId: z.string(),
    name: Bilingual,
    minutesPerPerson: z.number().int(),
    maxPersons: z.number().int(),
    /** True where any location offers it online / to walk-ins; per location see `Location.services`. */
    bookableOnline: z.boolean(),
    walkIn: z.boolean(),
    ticketLetter: z.string(),
    necessities: BilingualList,
    /** The pickup this service leads to (passport: collect it some working days later). */
    followUp: z.object({ serviceCode: z.string(), minWorkingDays: z.number().int() }).nullable(),
    /** Fees (leges) per person in euro cents by age group; null: none. */
    fees: z.object({ adult: z.number().int().nullable(), minor: z.number().int().nullable() }),
  })
  .meta({ id: 'Service' });
export type Service = z.infer<typeof Service>;

/** How one location offers one service. */
export const LocationServiceOffer = z.object({ code: z.string(), bookableOnline: z.boolean(), walkIn: z.boolean() });
export type LocationServiceOffer = z.infer<typeof LocationServiceOffer>;

export const Location = z
  .object({
    id: z.string(),
    municipalityId: z.string(),
    name: z.string(),
    address: Address,
    timeZone: z.string(),
    serviceCodes: z.array(z.string()),
    services: z.array(LocationServiceOffer),
    /** Tickets waiting now. */
    waiting: z.number().int(),
    /** Predicted wait for a ticket taken now; null while no counter is staffed. */
    waitMinutes: z.number().int().nullable(),
  })
  .meta({ id: 'Location' });
export type Location = z.infer<typeof Location>;

export const ServicesResponse = z.object({ services: z.array(Service) });
export type ServicesResponse = z.infer<typeof ServicesResponse>;
export const LocationsResponse = z.object({ locations: z.array(Location) });
export type LocationsResponse = z.infer<typeof LocationsResponse>;

// ── Availability ────────────────────────────────────────────────────────────────────────────────

export const AvailableDaysQuery = z.object({
  services: ServicesParam,
  from: LocalDate.optional(),
  to: LocalDate.optional(),
});
export const AvailableDaysResponse = z.object({ days: z.array(z.string()) });
export type AvailableDaysResponse = z.infer<typeof AvailableDaysResponse>;

export const AvailableTimesQuery = z.object({ services: ServicesParam, date: LocalDate });
export const AvailableTimesResponse = z.object({ times: z.array(z.string()) });
export type AvailableTimesResponse = z.infer<typeof AvailableTimesResponse>;

/** Which pickup an application for these services implies at this office, and from which day. */
export const PickupQuery = z.object({ services: ServicesParam, date: LocalDate });
export const Pickup = z
  .object({
    serviceCode: z.string(),
    persons: z.number().int(),
    /** The first day the pickup can be: working days after the application, skipping holidays and closures. */
    earliestDate: z.string(),
    /** Whether this office takes the pickup by appointment (else: walk in). */
    byAppointment: z.boolean(),
  })
  .meta({ id: 'Pickup' });
export type Pickup = z.infer<typeof Pickup>;
export const PickupResponse = z.object({ pickup: Pickup.nullable() });
export type PickupResponse = z.infer<typeof PickupResponse>;

// ── Appointments ────────────────────────────────────────────────────────────────────────────────

export const AppointmentStatus = z
  .enum(['held', 'booked', 'checked-in', 'served', 'no-show', 'cancelled', 'expired'])
  .meta({ description: '`held`: taken until `holdExpiresAt`, booked once confirmed by the link in the mail' });
export const Channel = z.enum(['online', 'phone', 'counter']);
export const Language = z.enum(['nl', 'en']);

const deprecated = (description: string) => ({ deprecated: true, description });

export const AppointmentLocation = z.object({
  id: z.string(),
  name: z.string(),
  address: Address,
  timeZone: z.string(),
  street: z.string().meta(deprecated('Use address.street; removed in API v2.')),
  postalCode: z.string().meta(deprecated('Use address.postalCode; removed in API v2.')),
  city: z.string().meta(deprecated('Use address.city; removed in API v2.')),
});
export type AppointmentLocation = z.infer<typeof AppointmentLocation>;

export const AppointmentService = z.object({
  code: z.string(),
  persons: z.number().int(),
  /** Same shape as `Service.name` and `Service.necessities`. */
  name: Bilingual,
  necessities: BilingualList,
  nameNl: z.string().meta(deprecated('Use name.nl; removed in API v2.')),
  nameEn: z.string().meta(deprecated('Use name.en; removed in API v2.')),
  necessitiesNl: z.array(z.string()).meta(deprecated('Use necessities.nl; removed in API v2.')),
  necessitiesEn: z.array(z.string()).meta(deprecated('Use necessities.en; removed in API v2.')),
});
export type AppointmentService = z.infer<typeof AppointmentService>;

export const Customer = z.object({ name: z.string(), email: z.string(), phone: z.string().nullable() });

export const Appointment = z
  .object({
    reference: z.string(),
    /** 6 digits to type at the kiosk, valid on the day of the appointment at its office (booked ones only). */
    checkInCode: z.string().nullable(),
    status: AppointmentStatus,
    start: z.string(),
    end: z.string(),
    channel: Channel,
    language: Language,
    location: AppointmentLocation,
    services: z.array(AppointmentService),
    customer: Customer.nullable(),
    followUpOf: z.string().nullable(),
    followUps: z.array(
      z.object({ reference: z.string(), start: z.string(), end: z.string(), status: AppointmentStatus }),
    ),
    /** Held appointments: when the hold lapses unless confirmed; null otherwise. */
    holdExpiresAt: z.string().nullable(),
  })
  .meta({ id: 'Appointment' });
export type Appointment = z.infer<typeof Appointment>;

export const BookedFollowUp = Pickup.extend({
  appointment: z.object({ reference: z.string(), start: z.string(), end: z.string() }).nullable(),
});
export type BookedFollowUp = z.infer<typeof BookedFollowUp>;

export const BookedAppointment = Appointment.extend({
  manageToken: z.string().meta({ description: 'Send as `Authorization: Bearer <manageToken>`; shown once.' }),
  followUp: BookedFollowUp.nullable(),
}).meta({ id: 'BookedAppointment' });
export type BookedAppointment = z.infer<typeof BookedAppointment>;

export const ItemsBody = z
  .array(z.object({ code: ServiceCode, persons: z.number().int().min(1).max(20) }).strict())
  .min(1)
  .max(10);

export const BookingRequest = z
  .object({
    locationId: LocationId,
    services: ItemsBody,
    start: Instant,
    customer: z
      .object({
        name: printableText({ max: 120 }),
        email: z.email().max(254),
        phone: z
          .string()
          .trim()
          .max(32)
          .regex(/^[+0-9 ()-]*$/)
          .nullish(),
      })
      .strict(),
    language: Language.default('nl'),
    /** Book the pickup in the same request, where pickup is by appointment at this location. */
    followUp: z.object({ start: Instant }).strict().nullish(),
    /** Staff only: how the resident reached us. */
    channel: Channel.optional(),
  })
  .strict()
  .meta({ id: 'BookingRequest' });
/** What a client sends (defaults still optional). */
export type BookingRequest = z.input<typeof BookingRequest>;

export const ReferenceParam = z.object({ reference: z.string().min(1).max(40) });
export const RescheduleRequest = z.object({ start: Instant }).strict();
export type RescheduleRequest = z.infer<typeof RescheduleRequest>;

/** GET /locations/{id}/hours: the week's hours as local wall-clock times, and walk-in now. */
export const HoursQuery = z.object({
  from: LocalDate.optional(),
  days: z.coerce.number().int().min(1).max(31).default(7),
});
const Span = z.object({ opens: z.string(), closes: z.string() });
export const DayHours = z.object({
  date: z.string(),
  closed: z.boolean(),
  opening: z.array(Span),
  appointments: z.array(Span),
  walkIn: z.array(Span),
});
export type DayHours = z.infer<typeof DayHours>;
export const OfficeHours = z
  .object({
    timeZone: z.string(),
    days: z.array(DayHours),
    walkInNow: z.object({
      open: z.boolean(),
      /** Next walk-in opening (ISO 8601) when closed now. */
      opensAt: z.string().nullable(),
      closesAt: z.string().nullable(),
    }),
  })
  .meta({ id: 'OfficeHours' });
export type OfficeHours = z.infer<typeof OfficeHours>;

/** GET /locations/{id}/appointments: the desk's search (staff of the office). */
export const AppointmentSearchQuery = z.object({ q: z.string().max(200).optional(), date: LocalDate.optional() });
export const AppointmentSearchResponse = z.object({ appointments: z.array(Appointment), truncated: z.boolean() });
export type AppointmentSearchResponse = z.infer<typeof AppointmentSearchResponse>;
