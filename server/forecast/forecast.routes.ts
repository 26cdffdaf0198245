import { createRoute } from '@hono/zod-openapi';
import { assertLocationAccess, requireStaff } from '../auth/middleware.ts';
import { Problem as ProblemSchema } from '../contracts/errors.ts';
import {
  ForecastQuery,
  ImportBody,
  ImportResult,
  LocationForecastDto,
  LocationIdParam,
  WeeklyOutlookDto,
  WeeklyOutlookQuery,
  WhatIfBody,
  WhatIfResultDto,
} from '../contracts/forecast.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { createRouter } from '../http/router.ts';
import { type Cached, cachedLocationForecast } from './forecast-cache.ts';
import { importHourlyHistory, importRegistry } from './import-data.ts';
import { cachedWeeklyOutlook } from './weekly-outlook.ts';
import { runWhatIf } from './what-if.ts';

const Problem = { 'application/problem+json': { schema: ProblemSchema } };
const problems = {
  400: { description: 'Invalid input', content: Problem },
  401: { description: 'Not signed in', content: Problem },
  403: { description: 'Not a supervisor of this location', content: Problem },
  404: { description: 'No such location', content: Problem },
};
const security: { [name: string]: string[] }[] = [{ bearer: [] }, { cookie: [] }];
/** Seconds since a kept answer's computation started (RFC 9111 `Age`): 0 for one computed for this request. */
const ageOf = (deps: Deps, answer: Cached<unknown>) =>
  String(Math.max(0, Math.floor((deps.clock.now().getTime() - answer.computedAt.getTime()) / 1000)));
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
        params: LocationIdParam,
        query: WeeklyOutlookQuery,
      },
      responses: {
        200: { description: 'Weekly outlook', content: { 'application/json': { schema: WeeklyOutlookDto } } },
        ...problems,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      assertLocationAccess(c.get('principal'), id);
      const q = c.req.valid('query');
      const answer = await cachedWeeklyOutlook(deps, id, { from: q.from, weeks: q.weeks, peaks: q.peaks });
      c.header('age', ageOf(deps, answer));
      return c.json({ ...answer.value, computedAt: answer.computedAt.toISOString() }, 200);
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
      request: { params: LocationIdParam, query: ForecastQuery },
      responses: {
        200: { description: 'Forecast', content: { 'application/json': { schema: LocationForecastDto } } },
        ...problems,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      assertLocationAccess(c.get('principal'), id);
      const q = c.req.valid('query');
      const answer = await cachedLocationForecast(deps, id, q.from, q.to, q.slotMinutes);
      c.header('age', ageOf(deps, answer));
      return c.json({ ...answer.value, computedAt: answer.computedAt.toISOString() }, 200);
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
        params: LocationIdParam,
        body: { required: true, content: { 'application/json': { schema: ImportBody } } },
      },
      responses: {
        200: { description: 'Imported', content: { 'application/json': { schema: ImportResult } } },
        ...problems,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      assertLocationAccess(c.get('principal'), id);
      return c.json(await importHourlyHistory(deps, id, c.req.valid('json').csv), 200);
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
    async (c) => {
      const principal = c.get('principal');
      if (principal?.kind !== 'staff') throw new AppError('forbidden', 'Staff only');
      return c.json(await importRegistry(deps, principal.municipalityId, c.req.valid('json').csv), 200);
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
        params: LocationIdParam,
        body: {
          required: true,
          content: {
            'application/json': {
              schema: WhatIfBody,
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
    async (c) => {
      const { id } = c.req.valid('param');
      assertLocationAccess(c.get('principal'), id);
      return c.json(await runWhatIf(deps, id, c.req.valid('json')), 200);
    },
  );
  return router;
}
