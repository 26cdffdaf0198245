import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { createRouter } from './router.ts';

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  tags: ['system'],
  summary: 'Liveness: ok once migrations ran',
  responses: {
    200: {
      description: 'Ready',
      content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } },
    },
  },
});

export function healthRoutes({ db }: Deps) {
  return createRouter().openapi(healthRoute, (c) => {
    db.get(sql`select count(*) from __drizzle_migrations`);
    return c.json({ status: 'ok' as const }, 200);
  });
}
