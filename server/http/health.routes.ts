import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../deps.ts';
import { createRouter } from './router.ts';

const Health = z.object({
  status: z.enum(['ok', 'unavailable']),
  /** Why this node should get no traffic: `draining` (shutting down), the database, Redis. */
  reason: z.string().optional(),
});

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  tags: ['system'],
  summary:
    'Readiness: ok when the database answers and can take writes that survive (its file is the one opened, writable, with free space), Redis answers (when configured) and the node is not draining',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: Health } } },
    503: {
      description: 'Not ready: draining, or writes would fail (send traffic to another node)',
      content: { 'application/json': { schema: Health } },
    },
  },
});

export function healthRoutes({ storage, nodeHealth }: Deps) {
  return createRouter().openapi(healthRoute, async (c) => {
    const noStore = { 'cache-control': 'no-store' };
    // Draining (SIGTERM) first, so a load balancer stops sending at once; then the database; then Redis.
    if (nodeHealth?.draining) return c.json({ status: 'unavailable' as const, reason: 'draining' }, 503, noStore);
    const reason = (await storage.problem()) ?? nodeHealth?.problem() ?? null;
    if (reason !== null) return c.json({ status: 'unavailable' as const, reason }, 503, noStore);
    return c.json({ status: 'ok' as const }, 200, noStore);
  });
}
