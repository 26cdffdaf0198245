import { createRoute, z } from '@hono/zod-openapi';
import { assertLocationAccess, requireStaff } from '../auth/middleware.ts';
import { Problem as ProblemSchema, supervisorRouteProblems } from '../contracts/errors.ts';
import { LocationIdParam } from '../contracts/forecast.ts';
import { StatisticsDto, StatisticsQuery } from '../contracts/stats.ts';
import type { Deps } from '../deps.ts';
import { createRouter } from '../http/router.ts';
import { getLocationStatistics, statisticsCsv } from './statistics.ts';

const Problem = { 'application/problem+json': { schema: ProblemSchema } };
const security: { [name: string]: string[] }[] = [{ bearer: [] }, { cookie: [] }];
/** Statistics for the supervisor view: waits within 5/10 minutes and the norm, no-shows, first free slot. */
export function statsRoutes(deps: Deps) {
  const router = createRouter();
  router.use('/locations/:id/statistics', requireStaff('supervisor', 'admin'));
  router.openapi(
    createRoute({
      method: 'get',
      path: '/locations/{id}/statistics',
      tags: ['statistics'],
      summary: 'Wait statistics for local dates [from, to] (at most a year); format=csv gives the per-day table',
      security,
      request: {
        params: LocationIdParam,
        query: StatisticsQuery,
      },
      responses: {
        200: {
          description: 'Statistics (JSON) or the per-day table (CSV)',
          content: { 'application/json': { schema: StatisticsDto }, 'text/csv': { schema: z.string() } },
        },
        400: { description: 'Invalid input', content: Problem },
        ...supervisorRouteProblems,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      assertLocationAccess(c.get('principal'), id);
      const q = c.req.valid('query');
      const stats = await getLocationStatistics(deps, id, q.from, q.to);
      if (q.format === 'csv') {
        return c.body(statisticsCsv(stats), 200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="statistics-${id}-${q.from}-${q.to}.csv"`,
        });
      }
      return c.json(stats, 200);
    },
  );
  return router;
}
