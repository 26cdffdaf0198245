import { createRoute, z } from '@hono/zod-openapi';
import { requireStaff } from '../auth/middleware.ts';
import { Ticker } from '../contracts/display.ts';
import { Problem as ProblemSchema, supervisorRouteProblems } from '../contracts/errors.ts';
import { printableText } from '../contracts/validators.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { createRouter } from '../http/router.ts';
import { setTickerText } from './set-ticker.ts';

const Problem = { 'application/problem+json': { schema: ProblemSchema } };
const security: { [name: string]: string[] }[] = [{ bearer: [] }, { cookie: [] }];
/** Supervisor: the scrolling text on the location's waiting-room displays. */
export function tickerRoutes(deps: Deps) {
  const router = createRouter();
  router.use('/locations/:id/ticker', requireStaff('supervisor', 'admin'));
  router.openapi(
    createRoute({
      method: 'put',
      path: '/locations/{id}/ticker',
      tags: ['display'],
      summary: 'Set the ticker text on the waiting-room displays of a location (empty text: no ticker)',
      security,
      request: {
        params: z.object({ id: z.string().min(1).max(100) }),
        body: {
          required: true,
          content: { 'application/json': { schema: z.object({ text: printableText({ min: 0, max: 280 }) }).strict() } },
        },
      },
      responses: {
        200: { description: 'The ticker as stored', content: { 'application/json': { schema: Ticker } } },
        400: { description: 'Invalid input', content: Problem },
        ...supervisorRouteProblems,
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      if (principal?.kind !== 'staff') throw new AppError('unauthorized');
      const { id } = c.req.valid('param');
      return c.json(await setTickerText(deps, principal, { locationId: id, text: c.req.valid('json').text }), 200);
    },
  );
  return router;
}
