import { createRoute, type OpenAPIHono, type RouteConfig, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { bearerToken, requireStaff } from '../auth/middleware.ts';
import { problemDoc as problem } from '../contracts/errors.ts';
import {
  Appointment,
  AppointmentSearchQuery,
  AppointmentSearchResponse,
  AvailableDaysQuery,
  AvailableDaysResponse,
  AvailableTimesQuery,
  AvailableTimesResponse,
  BookedAppointment,
  BookingRequest,
  HoursQuery,
  LocationId,
  LocationsResponse,
  MunicipalityQuery,
  OfficeHours,
  PickupQuery,
  PickupResponse,
  ReferenceParam,
  RescheduleRequest,
  ServicesResponse,
} from '../contracts/scheduling.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { createRateLimiter, rateLimit } from '../http/rate-limit.ts';
import { createRouter } from '../http/router.ts';
import { findAvailableDays, findAvailableTimes } from './availability.ts';
import { bookAppointment } from './book-appointment.ts';
import { listLocations, listServices } from './catalog.ts';
import { idempotentRequest } from './fairness/booking-idempotency.ts';
import { checkBookingChallenge } from './fairness/challenge.ts';
import { findPickup } from './find-pickup.ts';
import { appointmentCalendar, cancelAppointment, getAppointment, rescheduleAppointment } from './manage-appointment.ts';
import { getOffice, keptOffice, type Office } from './office-cache.ts';
import { readOfficeHours } from './office-hours.ts';
import { searchAppointments } from './search-appointments.ts';

function parseServicesParam(value: string) {
  return value.split(',').map((part) => {
    const [code = '', persons = '0'] = part.split(':');
    return { code, persons: Number(persons) };
  });
}

const bearer = [{ manageToken: [] as string[] }];

const routes = {
  services: createRoute({
    method: 'get',
    path: '/services',
    tags: ['catalog'],
    summary: 'Services residents can come for',
    request: { query: MunicipalityQuery },
    responses: {
      200: { description: 'Services', content: { 'application/json': { schema: ServicesResponse } } },
      400: problem('Bad query'),
    },
  }),
  locations: createRoute({
    method: 'get',
    path: '/locations',
    tags: ['catalog'],
    summary: 'Offices with their services and live waiting',
    request: { query: MunicipalityQuery },
    responses: {
      200: { description: 'Locations', content: { 'application/json': { schema: LocationsResponse } } },
      400: problem('Bad query'),
    },
  }),
  hours: createRoute({
    method: 'get',
    path: '/locations/{id}/hours',
    tags: ['catalog'],
    summary: 'Opening, appointment and walk-in hours per day (closures applied), and whether walk-in is open now',
    request: {
      params: z.object({ id: LocationId }),
      query: HoursQuery,
    },
    responses: {
      200: {
        description: 'Hours as local wall-clock times (HH:mm)',
        content: { 'application/json': { schema: OfficeHours } },
      },
      400: problem('Bad query'),
      404: problem('No such location'),
    },
  }),
  search: createRoute({
    method: 'get',
    path: '/locations/{id}/appointments',
    tags: ['appointments'],
    summary: 'Find appointments at the office by name, e-mail, reference and/or date (its staff; audited)',
    middleware: [requireStaff()],
    request: {
      params: z.object({ id: LocationId }),
      query: AppointmentSearchQuery,
    },
    responses: {
      200: {
        description: 'At most 50 appointments by start; `truncated` when there were more',
        content: { 'application/json': { schema: AppointmentSearchResponse } },
      },
      400: problem('Give a name, e-mail, reference or date'),
      401: problem('Sign in first'),
      403: problem('Not your location'),
      404: problem('No such location'),
    },
  }),
  days: createRoute({
    method: 'get',
    path: '/locations/{id}/available-days',
    tags: ['availability'],
    summary: 'Days with at least one free start time for the services',
    request: {
      params: z.object({ id: LocationId }),
      query: AvailableDaysQuery,
    },
    responses: {
      200: { description: 'Days', content: { 'application/json': { schema: AvailableDaysResponse } } },
      400: problem('Bad query'),
      404: problem('No such location'),
      429: problem('Rate limited'),
    },
  }),
  times: createRoute({
    method: 'get',
    path: '/locations/{id}/available-times',
    tags: ['availability'],
    summary: 'Free start times on one day, ISO 8601 with the office offset',
    request: { params: z.object({ id: LocationId }), query: AvailableTimesQuery },
    responses: {
      200: { description: 'Times', content: { 'application/json': { schema: AvailableTimesResponse } } },
      400: problem('Bad query'),
      404: problem('No such location'),
      429: problem('Rate limited'),
    },
  }),
  pickup: createRoute({
    method: 'get',
    path: '/locations/{id}/pickup',
    tags: ['availability'],
    summary: 'The pickup an application on `date` implies here, and its earliest day (holidays and closures skipped)',
    request: { params: z.object({ id: LocationId }), query: PickupQuery },
    responses: {
      200: {
        description: 'The pickup, or null when the services lead to none',
        content: { 'application/json': { schema: PickupResponse } },
      },
      400: problem('Bad query'),
      404: problem('No such location'),
      429: problem('Rate limited'),
    },
  }),
  book: createRoute({
    method: 'post',
    path: '/appointments',
    tags: ['appointments'],
    summary: 'Book an appointment (staff: on behalf of a resident, with channel phone or counter)',
    description:
      'Where the location requires confirmation the answer is `held` until `holdExpiresAt`; the mail confirms it. ' +
      'A retry with the same `Idempotency-Key` returns the same answer. Where the location requires a proof-of-work, ' +
      'anonymous callers send the solved challenge of GET /challenge as the `Altcha` header.',
    request: {
      headers: z.object({
        'idempotency-key': z.string().optional().openapi({ description: '8–200 visible ASCII characters' }),
        altcha: z.string().optional().openapi({ description: 'Base64 ALTCHA payload (solved challenge)' }),
      }),
      body: { required: true, content: { 'application/json': { schema: BookingRequest } } },
    },
    responses: {
      201: { description: 'Booked (or held)', content: { 'application/json': { schema: BookedAppointment } } },
      400: problem('Invalid request'),
      403: problem('challenge-required or challenge-invalid'),
      404: problem('No such location'),
      409: problem('slot-unavailable or booking-limit-reached'),
      422: problem('idempotency-key-reused: same key, different request'),
      429: problem('Rate limited (per address, or too many bookings onto one day)'),
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/appointments/{reference}',
    tags: ['appointments'],
    summary: 'The appointment (manage token as Bearer)',
    security: bearer,
    request: { params: ReferenceParam },
    responses: {
      200: { description: 'The appointment', content: { 'application/json': { schema: Appointment } } },
      404: problem('Wrong reference or token'),
      429: problem('Rate limited'),
    },
  }),
  cancel: createRoute({
    method: 'delete',
    path: '/appointments/{reference}',
    tags: ['appointments'],
    summary: 'Cancel (also the pickup booked with it)',
    security: bearer,
    request: { params: ReferenceParam },
    responses: {
      204: { description: 'Cancelled' },
      404: problem('Wrong reference or token'),
      409: problem('Started or already served'),
      429: problem('Rate limited'),
    },
  }),
  reschedule: createRoute({
    method: 'post',
    path: '/appointments/{reference}/reschedule',
    tags: ['appointments'],
    summary: 'Move to another start at the same office',
    security: bearer,
    request: {
      params: ReferenceParam,
      body: { required: true, content: { 'application/json': { schema: RescheduleRequest } } },
    },
    responses: {
      200: { description: 'The moved appointment', content: { 'application/json': { schema: Appointment } } },
      400: problem('Invalid request'),
      404: problem('Wrong reference or token'),
      409: problem('slot-unavailable, or the appointment cannot change'),
      429: problem('Rate limited'),
    },
  }),
  calendar: createRoute({
    method: 'get',
    path: '/appointments/{reference}/calendar.ics',
    tags: ['appointments'],
    summary: 'RFC 5545 calendar file',
    security: bearer,
    request: { params: ReferenceParam },
    responses: {
      200: { description: 'Calendar file', content: { 'text/calendar': { schema: z.string() } } },
      404: problem('Wrong reference or token'),
      429: problem('Rate limited'),
    },
  }),
};

/**
 * A route whose request headers are in the OpenAPI document but not run through a validator: the handler reads each
 * with `c.req.header(name)`, one look-up, while hono's header validator copies every header of the request into a
 * full `Headers` first (on every booking) to check optional strings, which any header value is.
 */
function headersDocumentedOnly<R extends RouteConfig>(router: OpenAPIHono, route: R): R {
  const { middleware: _, ...documented } = route;
  router.openAPIRegistry.registerPath(documented);
  return { ...route, hide: true, request: { ...route.request, headers: undefined } };
}

export function schedulingRoutes(deps: Deps) {
  const { config } = deps;
  const bookingLimiter = createRateLimiter(
    {
      name: 'booking',
      limit: config.RATE_LIMIT_BOOKINGS_PER_MINUTE,
      windowMs: 60_000,
    },
    { clock: deps.monotonic, store: deps.sharedLimits },
  );
  const lookupLimiter = createRateLimiter(
    { name: 'lookup', limit: config.RATE_LIMIT_LOOKUPS_PER_MINUTE, windowMs: 60_000 },
    { clock: deps.monotonic, store: deps.sharedLimits },
  );
  // A second, looser limit per network (IPv4 /24, IPv6 /48): a script with many addresses in one network
  // meets it, while residents behind one shared address (carrier NAT, a library) share only the host limit.
  const bookingNetworkLimiter = createRateLimiter(
    {
      name: 'booking-network',
      limit: config.RATE_LIMIT_BOOKINGS_PER_NETWORK_PER_MINUTE ?? 3 * config.RATE_LIMIT_BOOKINGS_PER_MINUTE,
      windowMs: 60_000,
    },
    { clock: deps.monotonic, store: deps.sharedLimits },
  );
  const limitBooking = rateLimit({
    host: bookingLimiter,
    network: bookingNetworkLimiter,
    trustProxy: config.TRUST_PROXY,
  });
  const limitLookup = rateLimit({ host: lookupLimiter, trustProxy: config.TRUST_PROXY });

  const router = createRouter();
  router.openAPIRegistry.registerComponent('securitySchemes', 'manageToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'The manageToken returned once by POST /appointments',
  });
  // API clients have their own per-key limit (apiKeyAccess in server/auth/middleware.ts) instead of the per-address ones.
  const perAddress =
    (limit: MiddlewareHandler): MiddlewareHandler =>
    (c, next) =>
      c.get('principal')?.kind === 'api-client' ? next() : limit(c, next);
  router.use('/appointments', async (c, next) => {
    // Staff booking on behalf of a resident is not limited per address (one office, many callers).
    const principal = c.get('principal');
    if (c.req.method === 'POST' && principal?.kind !== 'staff') return perAddress(limitBooking)(c, next);
    return next();
  });
  router.use('/appointments/:reference/reschedule', perAddress(limitBooking));
  // One middleware for the appointment and its sub-paths: Hono's `/*` matches `/appointments/:reference` too,
  // and a second one on that path would take two tokens per look-up.
  router.use('/appointments/:reference/*', perAddress(limitLookup));
  router.use('/locations/:id/available-days', perAddress(limitLookup));
  router.use('/locations/:id/available-times', perAddress(limitLookup));
  router.use('/locations/:id/pickup', perAddress(limitLookup));

  const token = (header: string | undefined) => bearerToken(header);
  // A signed-in staff member (phone, desk) manages by reference alone; residents need the manage token.
  const staffOf = (c: Context) => {
    const p = c.get('principal');
    return p?.kind === 'staff' ? p : null;
  };
  // An API client acts by reference alone on the appointments it booked.
  const clientOf = (c: Context) => {
    const p = c.get('principal');
    return p?.kind === 'api-client' ? p : null;
  };

  return router
    .openapi(routes.services, async (c) =>
      c.json({ services: await listServices(deps.storage.read, c.req.valid('query').municipality) }, 200),
    )
    .openapi(routes.locations, async (c) =>
      c.json({ locations: await listLocations(deps, c.req.valid('query').municipality) }, 200),
    )
    .openapi(routes.search, async (c) => {
      const staff = staffOf(c);
      if (!staff) throw new AppError('unauthorized', 'Sign in first');
      const q = c.req.valid('query');
      return c.json(await searchAppointments(deps, staff, { locationId: c.req.valid('param').id, ...q }), 200);
    })
    .openapi(routes.hours, async (c) => {
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      return c.json(await readOfficeHours(deps, id, q.from, q.days), 200);
    })
    .openapi(routes.days, async (c) => {
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      if (q.from && q.to && q.from > q.to) throw new AppError('validation-failed', 'from must not be after to');
      const days = await findAvailableDays(deps, {
        locationId: id,
        services: parseServicesParam(q.services),
        from: q.from,
        to: q.to,
        online: c.get('principal')?.kind !== 'staff',
      });
      return c.json({ days }, 200);
    })
    .openapi(routes.times, async (c) => {
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      const times = await findAvailableTimes(deps, {
        locationId: id,
        services: parseServicesParam(q.services),
        date: q.date,
        online: c.get('principal')?.kind !== 'staff',
      });
      return c.json({ times }, 200);
    })
    .openapi(routes.pickup, async (c) => {
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      const pickup = await findPickup(deps, {
        locationId: id,
        services: parseServicesParam(q.services),
        date: q.date,
        online: c.get('principal')?.kind !== 'staff',
      });
      return c.json({ pickup }, 200);
    })
    .openapi(headersDocumentedOnly(router, routes.book), async (c) => {
      const body = c.req.valid('json');
      const principal = c.get('principal');
      const staff = principal?.kind === 'staff' ? principal : null;
      const channel = staff ? (body.channel ?? 'phone') : 'online';
      if (!staff && body.channel && body.channel !== 'online')
        throw new AppError('forbidden', 'Only staff can book by phone or at the counter');
      const idempotency = idempotentRequest(
        c.req.header('idempotency-key'),
        staff
          ? `staff:${staff.userId}`
          : principal?.kind === 'api-client'
            ? `api-client:${principal.clientId}`
            : 'public',
        body,
      );
      // The office kept on this node, without reading its version (PostgreSQL: a round trip less per booking); the
      // booking's transaction checks it (bookAppointment). A refusal decided on it is answered only after a read of
      // the current office decides the same.
      const kept = await keptOffice(deps.storage.read, body.locationId);
      const decide = (office: Office) =>
        checkBookingChallenge(deps, { location: office.location, principal, header: c.req.header('altcha') });
      let office = kept ?? (await getOffice(deps.storage.read, body.locationId));
      if (!office) throw new AppError('not-found', 'No such location');
      let challenge: Awaited<ReturnType<typeof decide>>;
      try {
        challenge = await decide(office);
      } catch (err) {
        if (!kept) throw err;
        office = await getOffice(deps.storage.read, body.locationId);
        if (!office) throw new AppError('not-found', 'No such location');
        challenge = await decide(office);
      }
      const booked = await bookAppointment(deps, {
        office,
        challengeDecidedOn: principal ? null : office.location,
        challenge,
        idempotency,
        locationId: body.locationId,
        services: body.services,
        start: body.start,
        customer: body.customer,
        language: body.language,
        followUp: body.followUp ?? null,
        channel,
        staff: staff ? { municipalityId: staff.municipalityId, locationIds: staff.locationIds } : null,
        apiClient: principal?.kind === 'api-client' ? principal : null,
      });
      return c.json(booked, 201);
    })
    .openapi(routes.get, async (c) => {
      const { reference } = c.req.valid('param');
      return c.json(
        await getAppointment(deps, {
          reference,
          token: token(c.req.header('authorization')),
          staff: staffOf(c),
          apiClient: clientOf(c),
        }),
        200,
      );
    })
    .openapi(routes.cancel, async (c) => {
      const { reference } = c.req.valid('param');
      await cancelAppointment(deps, {
        reference,
        token: token(c.req.header('authorization')),
        staff: staffOf(c),
        apiClient: clientOf(c),
      });
      return c.body(null, 204);
    })
    .openapi(routes.reschedule, async (c) => {
      const { reference } = c.req.valid('param');
      const { start } = c.req.valid('json');
      return c.json(
        await rescheduleAppointment(deps, {
          reference,
          token: token(c.req.header('authorization')),
          start,
          staff: staffOf(c),
          apiClient: clientOf(c),
        }),
        200,
      );
    })
    .openapi(routes.calendar, async (c) => {
      const { reference } = c.req.valid('param');
      const { ics, reference: ref } = await appointmentCalendar(deps, {
        reference,
        token: token(c.req.header('authorization')),
        apiClient: clientOf(c),
      });
      return c.body(ics, 200, {
        'content-type': 'text/calendar; charset=utf-8',
        'content-disposition': `attachment; filename="afspraak-${ref}.ics"`,
      });
    });
}
