import { createRoute, z } from '@hono/zod-openapi';
import { Problem as ProblemSchema } from '../contracts/errors.ts';
import { PredictionAccuracyDto } from '../contracts/stats.ts';
import { IsoDate } from '../contracts/validators.ts';
import type { Deps } from '../deps.ts';
import { createRouter } from '../http/router.ts';
import { predictionAccuracy } from '../stats/prediction-accuracy.ts';
import {
  amsterdamLiveFeed,
  liveOpenData,
  OPEN_DATA_LICENCE,
  openDataCatalogue,
  openDataHeaders,
  waitTimesCsv,
} from './open-data.ts';

const Problem = { 'application/problem+json': { schema: ProblemSchema } };
/** A calendar date that exists (Date.parse took 2026-02-30 as 2 March). */
const LocalDate = IsoDate.meta({ example: '2026-12-01', format: 'date' });
const span = (from: string, to: string) =>
  (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
const Band = z.enum(['none', 'lt5', '5-10', '10-20', '20-30', '30-60', 'gt60']);

const Licence = z.object({ id: z.literal(OPEN_DATA_LICENCE.id), name: z.string(), url: z.string() });
const licenceHeaders = {
  Link: {
    description: 'The licence (rel="license", CC0 1.0) and the catalogue (rel="describedby")',
    schema: { type: 'string' as const },
  },
};
const LiveDto = z
  .object({
    generatedAt: z.string(),
    licence: Licence,
    locations: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        city: z.string(),
        open: z.boolean(),
        waiting: z.number().int(),
        waitBand: Band.nullable(),
        waitMinutes: z.number().nullable(),
        waitText: z.object({ nl: z.string(), en: z.string() }).nullable(),
        services: z.array(
          z.object({ code: z.string(), waiting: z.number().int(), waitBand: Band, waitMinutes: z.number() }),
        ),
      }),
    ),
  })
  .openapi('OpenDataLive');

/** Open data for anyone: no personal data, only counts, bands and aggregates. */
export function openDataRoutes(deps: Deps) {
  const router = createRouter();
  // Every open-data answer names its licence and its description.
  router.use('/open-data', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(openDataHeaders)) c.header(k, v);
  });
  router.use('/open-data/*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(openDataHeaders)) c.header(k, v);
  });
  router.openapi(
    createRoute({
      method: 'get',
      path: '/open-data',
      operationId: 'getOpenDataCatalogue',
      tags: ['open data'],
      summary: 'The open-data catalogue: datasets, licence (CC0 1.0), publishers and the integer office ids',
      description: 'Metadata for every open-data dataset. No personal data is published.',
      responses: {
        200: {
          description: 'Catalogue',
          headers: licenceHeaders,
          content: {
            'application/json': {
              schema: z.object({
                licence: Licence,
                publishers: z.array(z.object({ id: z.string(), name: z.string() })),
                personalData: z.string(),
                offices: z.array(
                  z.object({
                    id: z.number().int().nullable(),
                    locationId: z.string(),
                    name: z.string(),
                    city: z.string(),
                    municipalityId: z.string(),
                  }),
                ),
                datasets: z.array(
                  z.object({
                    path: z.string(),
                    title: z.string(),
                    format: z.string(),
                    updateFrequency: z.string(),
                    fields: z.array(z.string()),
                  }),
                ),
              }),
            },
          },
        },
      },
    }),
    (c) => c.json(openDataCatalogue(deps), 200, { 'cache-control': 'public, max-age=300' }),
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/open-data/amsterdam-live',
      operationId: 'getAmsterdamLiveFeed',
      tags: ['open data'],
      summary:
        "Live waiting per office in the shape of Amsterdam's public feed: a bare array of { id, waiting, waittime }",
      description:
        '`id` is the office\'s integer id (see GET /open-data), `waiting` the people waiting, `waittime` "geen", "N minuten" or "meer dan een uur". Licence CC0 1.0 (Link header). No personal data.',
      responses: {
        200: {
          description: 'Offices',
          headers: licenceHeaders,
          content: {
            'application/json': {
              schema: z.array(z.object({ id: z.number().int(), waiting: z.number().int(), waittime: z.string() })),
            },
          },
        },
      },
    }),
    (c) => c.json(amsterdamLiveFeed(deps), 200, { 'cache-control': 'public, max-age=15' }),
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/open-data/live',
      tags: ['open data'],
      summary:
        "Per office now: number waiting and the expected wait for a walk-in as a band and a text (the shape of Amsterdam's public feed). No personal data.",
      responses: {
        200: {
          description: 'Live waits',
          headers: licenceHeaders,
          content: { 'application/json': { schema: LiveDto } },
        },
      },
    }),
    (c) => c.json(liveOpenData(deps), 200, { 'cache-control': 'public, max-age=15' }),
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/open-data/wait-times.csv',
      tags: ['open data'],
      summary:
        'Hourly walk-in aggregates per office and service for local dates [from, to] (at most a year): visitors, median and 90th-percentile wait (minutes), share called within the office norm. No personal data.',
      request: {
        query: z.object({ from: LocalDate, to: LocalDate }).refine((q) => q.from <= q.to && span(q.from, q.to) <= 366, {
          message: 'from must not be after to, and the range is at most a year',
        }),
      },
      responses: {
        200: {
          description:
            'CSV with header date,hour,location,service,visitors,median_wait_minutes,p90_wait_minutes,share_within_norm,norm_minutes',
          content: { 'text/csv': { schema: z.string() } },
        },
        400: { description: 'Invalid input', content: Problem },
      },
    }),
    (c) => {
      const q = c.req.valid('query');
      return c.body(waitTimesCsv(deps, q.from, q.to), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="wait-times-${q.from}-${q.to}.csv"`,
      });
    },
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/open-data/prediction-accuracy',
      tags: ['open data'],
      summary:
        "How good Loket's live wait predictions were, per office and ISO week, for walk-ins issued on local dates [from, to] (at most a year): mean absolute error in minutes against the real wait to the first call, and the share of residents whose real wait fell inside the band they were shown. No personal data.",
      request: {
        query: z.object({ from: LocalDate, to: LocalDate }).refine((q) => q.from <= q.to && span(q.from, q.to) <= 366, {
          message: 'from must not be after to, and the range is at most a year',
        }),
      },
      responses: {
        200: {
          description: 'Accuracy per office and week',
          content: {
            'application/json': {
              schema: PredictionAccuracyDto,
            },
          },
        },
        400: { description: 'Invalid input', content: Problem },
      },
    }),
    (c) => {
      const q = c.req.valid('query');
      return c.json({ from: q.from, to: q.to, weeks: predictionAccuracy(deps.db, q.from, q.to) }, 200, {
        'cache-control': 'public, max-age=300',
      });
    },
  );
  return router;
}
