import { createRoute } from '@hono/zod-openapi';
import { requireStaff } from '../auth/middleware.ts';
import { OutboxQuery, OutboxResponse } from '../contracts/notify.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { createRouter } from '../http/router.ts';

const listRoute = createRoute({
  method: 'get',
  path: '/outbox',
  tags: ['notify'],
  summary: 'Mails of your municipality, newest first (supervisor, admin); without SMTP this is the delivery',
  request: {
    query: OutboxQuery,
  },
  responses: {
    200: { description: 'Mails', content: { 'application/json': { schema: OutboxResponse } } },
    401: { description: 'Sign in first' },
    403: { description: 'Supervisors and admins only' },
  },
});

export function outboxRoutes(deps: Deps) {
  const router = createRouter();
  router.use('/outbox', requireStaff('supervisor', 'admin'));
  return router.openapi(listRoute, async (c) => {
    const principal = c.get('principal');
    if (principal?.kind !== 'staff') throw new AppError('forbidden');
    const { limit, unsent } = c.req.valid('query');
    const rows = await deps.storage.read.outbox.listMails(principal.municipalityId, {
      unsentOnly: unsent === 'true',
      limit,
    });
    return c.json(
      {
        mails: rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          to: r.to,
          subject: r.subject,
          text: r.text,
          attachments: r.attachments,
          createdAt: r.createdAt.toISOString(),
          sentAt: r.sentAt?.toISOString() ?? null,
          attempts: r.attempts,
          lastError: r.lastError,
        })),
      },
      200,
    );
  });
}
