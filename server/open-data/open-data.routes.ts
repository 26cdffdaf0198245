import { createRoute, z } from '@hono/zod-openapi';
import { Problem as ProblemSchema } from '../contracts/errors.ts';
import { AmsterdamLiveFeed, OpenDataCatalogue, OpenDataLive } from '../contracts/open-data.ts';
import { DateRangeQuery, PredictionAccuracyDto } from '../contracts/stats.ts';
import type { Deps } from '../deps.ts';
import { createRouter } from '../http/router.ts';
import { predictionAccuracy } from '../stats/prediction-accuracy.ts';
import { amsterdamLiveFeed, liveOpenData, openDataCatalogue, openDataHeaders, waitTimesCsv } from './open-data.ts';

const Problem = { 'application/problem+json': { schema: ProblemSchema } };
const licenceHeaders = {
  Link: {
    description: 'The licence (rel="license", CC0 1.0) and the catalogue (rel="describedby")',
    schema: { type: 'string' as const },
  },
};

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
              schema: OpenDataCatalogue,
            },
          },
        },
      },
    }),
    async (c) => c.json(await openDataCatalogue(deps), 200, { 'cache-control': 'public, max-age=300' }),
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
              schema: AmsterdamLiveFeed,
            },
          },
        },
      },
    }),
    async (c) => c.json(await amsterdamLiveFeed(deps), 200, { 'cache-control': 'public, max-age=15' }),
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
          content: { 'application/json': { schema: OpenDataLive } },
        },
      },
    }),
    async (c) => c.json(await liveOpenData(deps), 200, { 'cache-control': 'public, max-age=15' }),
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/open-data/wait-times.csv',
      tags: ['open data'],
      summary:
        'Hourly walk-in aggregates per office and service for local dates [from, to] (at most a year): visitors, median and 90th-percentile wait (minutes), share called within the office norm. No personal data.',
      request: {
        query: DateRangeQuery,
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
    async (c) => {
      const q = c.req.valid('query');
      return c.body(await waitTimesCsv(deps, q.from, q.to), 200, {
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
        query: DateRangeQuery,
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
    async (c) => {
      const q = c.req.valid('query');
      const weeks = await predictionAccuracy(deps.storage.read.waitHistory, q.from, q.to);
      return c.json({ from: q.from, to: q.to, weeks }, 200, {
        'cache-control': 'public, max-age=300',
      });
    },
  );
  return router;
}
