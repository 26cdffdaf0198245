import { createRoute } from '@hono/zod-openapi';
import { requireStaff } from '../auth/middleware.ts';
import { OutboxQuery, OutboxResponse } from '../contracts/notify.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { createRouter } from '../http/router.ts';
import type { MailRenderer } from './outbox-store.ts';

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

/** `render`: a mail still to be rendered (at send time) is shown as it would go out now. */
export function outboxRoutes(deps: Deps, render: MailRenderer) {
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
    const mails = await Promise.all(rows.map(async (r) => ({ row: r, content: r.render ? await render(r) : r })));
    return c.json(
      {
        mails: mails.map(({ row: r, content }) => ({
          id: r.id,
          kind: r.kind,
          to: r.to,
          subject: content?.subject ?? '',
          text: content?.text ?? '',
          attachments: content?.attachments ?? [],
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
