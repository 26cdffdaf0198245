import { createRoute, z } from '@hono/zod-openapi';
import { assertLocationAccess, requireStaff } from '../auth/middleware.ts';
import { Problem as ProblemSchema } from '../contracts/errors.ts';
import { IsoDate } from '../contracts/validators.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { createRouter } from '../http/router.ts';
import { importHourlyHistory, importRegistry } from './import-data.ts';
import { getLocationForecast } from './location-forecast.ts';
import { getWeeklyOutlook } from './weekly-outlook.ts';
import { runWhatIf } from './what-if.ts';

const Problem = { 'application/problem+json': { schema: ProblemSchema } };
const problems = {
  400: { description: 'Invalid input', content: Problem },
  401: { description: 'Not signed in', content: Problem },
  403: { description: 'Not a supervisor of this location', content: Problem },
  404: { description: 'No such location', content: Problem },
};
const security: { [name: string]: string[] }[] = [{ bearer: [] }, { cookie: [] }];
/** A calendar date that exists (Date.parse took 2026-02-30 as 2 March). */
const LocalDate = IsoDate.openapi({ example: '2026-12-01', format: 'date' });
const days = (from: string, to: string) =>
  (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;

const ForecastQuery = z
  .object({
    from: LocalDate,
    to: LocalDate,
    slotMinutes: z.coerce.number().int().min(5).max(120).optional(),
  })
  .refine((q) => q.from <= q.to && days(q.from, q.to) <= 26 * 7, {
    message: 'from must not be after to, and the range is at most 26 weeks',
  });

const ForecastHour = z.object({
  date: z.string(),
  hour: z.number().int(),
  demand: z.record(z.string(), z.number()),
  walkInArrivals: z.number(),
  bookedMinutes: z.number(),
  appointmentMinutes: z.number(),
  requiredCounters: z.number(),
  rosteredCounters: z.number(),
  gap: z.number(),
});
const ForecastDay = z.object({
  date: z.string(),
  closed: z.boolean(),
  walkInArrivals: z.number(),
  requiredCounterHours: z.number(),
  rosteredCounterHours: z.number(),
  shortHours: z.number().int(),
  releasableSlots: z.number().int(),
  appointmentsBooked: z.number(),
  appointmentsExpected: z.number(),
  appointmentVisitsExpected: z.number(),
  appointmentsByService: z.record(z.string(), z.number()),
  appointmentSlots: z.number().int(),
  slotsForNorm: z.number().int(),
  slotsShort: z.number().int(),
  warning: z.boolean(),
});
export const LocationForecastDto = z
  .object({
    locationId: z.string(),
    from: z.string(),
    to: z.string(),
    norm: z.object({ share: z.number(), minutes: z.number() }),
    slotMinutes: z.number(),
    services: z.array(z.string()),
    historyDays: z.number().int(),
    usesRegistry: z.boolean(),
    appointmentNorm: z.object({ workingDays: z.number().int() }),
    noShowRates: z.record(z.string(), z.number()),
    hours: z.array(ForecastHour),
    days: z.array(ForecastDay),
  })
  .openapi('LocationForecast');

const WallTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
const WhatIfResultDto = z
  .object({
    locationId: z.string(),
    date: z.string(),
    norm: z.object({ share: z.number(), minutes: z.number() }),
    replications: z.number().int(),
    counterHours: z.number(),
    overall: z.object({
      walkIns: z.number(),
      shareWithinNorm: z.number().nullable(),
      meanWaitMinutes: z.number().nullable(),
    }),
    appointments: z.object({
      visits: z.number(),
      shareWithinNorm: z.number().nullable(),
      meanWaitMinutes: z.number().nullable(),
    }),
    hours: z.array(
      z.object({
        hour: z.number().int(),
        walkInsPerDay: z.number(),
        shareWithinNorm: z.number().nullable(),
        meetsNorm: z.boolean(),
      }),
    ),
  })
  .openapi('WhatIfResult');

const Effect = z.object({
  walkInShareWithinNorm: z.number().nullable(),
  appointmentShareWithinNorm: z.number().nullable(),
});
const WeeklyOutlookDto = z
  .object({
    locationId: z.string(),
    from: z.string(),
    norm: z.object({ share: z.number(), minutes: z.number() }),
    usesRegistry: z.boolean(),
    replications: z.number().int(),
    weeks: z.array(
      z.object({
        weekStart: z.string(),
        openDays: z.number().int(),
        walkIns: z.number(),
        appointmentsExpected: z.number(),
        appointmentsBooked: z.number(),
        requiredCounterHours: z.number(),
        rosteredCounterHours: z.number(),
        gapCounterHours: z.number(),
        shortHours: z.number().int(),
        slotsShort: z.number().int(),
      }),
    ),
    peakWeeks: z.array(
      z.object({
        weekStart: z.string(),
        gapCounterHours: z.number(),
        worstDay: z.string(),
        baseline: Effect,
        options: z.array(
          z.object({
            kind: z.enum(['extra-counters', 'evening', 'saturday', 'release-earlier']),
            counterHours: z.number(),
            detail: z.object({
              counters: z.number().int().optional(),
              from: z.string().optional(),
              to: z.string().optional(),
              day: z.string().optional(),
              slots: z.number().int().optional(),
              weeksBefore: z.number().int().optional(),
            }),
            effect: Effect,
          }),
        ),
      }),
    ),
  })
  .openapi('WeeklyOutlook');

const ImportBody = z.object({ csv: z.string().min(1).max(60_000) });
const ImportResult = z.object({ rows: z.number().int() });

/** Forecast and staffing for planners (supervisors and admins of the location). */
export function forecastRoutes(deps: Deps) {
  const router = createRouter();
  router.use('/locations/:id/forecast', requireStaff('supervisor', 'admin'));
  router.use('/locations/:id/hourly-history', requireStaff('supervisor', 'admin'));
  router.use('/registry-documents', requireStaff('admin'));
  router.use('/locations/:id/what-if', requireStaff('supervisor', 'admin'));
  router.use('/locations/:id/weekly-outlook', requireStaff('supervisor', 'admin'));

  router.openapi(
    createRoute({
      method: 'get',
      path: '/locations/{id}/weekly-outlook',
      tags: ['forecast'],
      summary:
        'Months ahead: per week expected walk-ins and appointments against rostered counter-hours, the gap, and the peak weeks with options (extra counters, an evening, a Saturday, slots released earlier), each simulated',
      security,
      request: {
        params: z.object({ id: z.string().min(1).max(100) }),
        query: z.object({
          from: LocalDate.optional(),
          weeks: z.coerce.number().int().min(1).max(52).default(52),
          peaks: z.coerce.number().int().min(0).max(8).default(3),
        }),
      },
      responses: {
        200: { description: 'Weekly outlook', content: { 'application/json': { schema: WeeklyOutlookDto } } },
        ...problems,
      },
    }),
    (c) => {
      const { id } = c.req.valid('param');
      assertLocationAccess(c.get('principal'), id);
      const q = c.req.valid('query');
      return c.json(getWeeklyOutlook(deps, id, { from: q.from, weeks: q.weeks, peaks: q.peaks }), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/locations/{id}/forecast',
      tags: ['forecast'],
      summary:
        'One plan for both channels: hourly walk-in demand per service and expected appointment visits (what residents will have booked, not the book), counters required vs rostered; per day the gap, slots releasable beyond expected demand and slots needed for the appointment norm',
      security,
      request: { params: z.object({ id: z.string().min(1).max(100) }), query: ForecastQuery },
      responses: {
        200: { description: 'Forecast', content: { 'application/json': { schema: LocationForecastDto } } },
        ...problems,
      },
    }),
    (c) => {
      const { id } = c.req.valid('param');
      assertLocationAccess(c.get('principal'), id);
      const q = c.req.valid('query');
      return c.json(getLocationForecast(deps, id, q.from, q.to, q.slotMinutes), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/locations/{id}/hourly-history',
      tags: ['forecast'],
      summary:
        'Import hourly arrival counts from another system (CSV text `date,hour,service,count`); replaces overlapping hours',
      security,
      request: {
        params: z.object({ id: z.string().min(1).max(100) }),
        body: { required: true, content: { 'application/json': { schema: ImportBody } } },
      },
      responses: {
        200: { description: 'Imported', content: { 'application/json': { schema: ImportResult } } },
        ...problems,
      },
    }),
    (c) => {
      const { id } = c.req.valid('param');
      assertLocationAccess(c.get('principal'), id);
      return c.json(importHourlyHistory(deps, id, c.req.valid('json').csv), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/registry-documents',
      tags: ['forecast'],
      summary:
        "Import the municipality's issued documents per month (CSV text `month,document_type,age_band,count`; admin)",
      security,
      request: { body: { required: true, content: { 'application/json': { schema: ImportBody } } } },
      responses: {
        200: { description: 'Imported', content: { 'application/json': { schema: ImportResult } } },
        ...problems,
      },
    }),
    (c) => {
      const principal = c.get('principal');
      if (principal?.kind !== 'staff') throw new AppError('forbidden', 'Staff only');
      return c.json(importRegistry(deps, principal.municipalityId, c.req.valid('json').csv), 200);
    },
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/locations/{id}/what-if',
      tags: ['forecast'],
      summary:
        'Simulate one day with a proposed roster (forecast walk-ins and expected appointments, the real call-next policy): service level per hour',
      security,
      request: {
        params: z.object({ id: z.string().min(1).max(100) }),
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({
                date: LocalDate,
                counters: z
                  .array(
                    z.object({
                      counterId: z.number().int().positive(),
                      shifts: z.array(z.tuple([WallTime, WallTime])).max(6),
                    }),
                  )
                  .max(50)
                  .default([]),
                replications: z.number().int().min(1).max(60).default(20),
              }),
            },
          },
        },
      },
      responses: {
        200: { description: 'Simulated service level', content: { 'application/json': { schema: WhatIfResultDto } } },
        422: { description: 'Closed that day', content: Problem },
        ...problems,
      },
    }),
    (c) => {
      const { id } = c.req.valid('param');
      assertLocationAccess(c.get('principal'), id);
      return c.json(runWhatIf(deps, id, c.req.valid('json')), 200);
    },
  );
  return router;
}
