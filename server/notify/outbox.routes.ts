import { createRoute, z } from '@hono/zod-openapi';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { outbox } from '../../db/schema/index.ts';
import { requireStaff } from '../auth/middleware.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { createRouter } from '../http/router.ts';

const Mail = z
  .object({
    id: z.number().int(),
    kind: z.string(),
    to: z.string(),
    subject: z.string(),
    text: z.string(),
    attachments: z.array(z.object({ filename: z.string(), contentType: z.string(), content: z.string() })),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
  })
  .openapi('OutboxMail');

const listRoute = createRoute({
  method: 'get',
  path: '/outbox',
  tags: ['notify'],
  summary: 'Mails of your municipality, newest first (supervisor, admin); without SMTP this is the delivery',
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(200).default(50),
      unsent: z.enum(['true', 'false']).optional(),
    }),
  },
  responses: {
    200: { description: 'Mails', content: { 'application/json': { schema: z.object({ mails: z.array(Mail) }) } } },
    401: { description: 'Sign in first' },
    403: { description: 'Supervisors and admins only' },
  },
});

export function outboxRoutes(deps: Deps) {
  const router = createRouter();
  router.use('/outbox', requireStaff('supervisor', 'admin'));
  return router.openapi(listRoute, (c) => {
    const principal = c.get('principal');
    if (principal?.kind !== 'staff') throw new AppError('forbidden');
    const { limit, unsent } = c.req.valid('query');
    const rows = deps.db
      .select()
      .from(outbox)
      .where(
        and(eq(outbox.municipalityId, principal.municipalityId), unsent === 'true' ? isNull(outbox.sentAt) : undefined),
      )
      .orderBy(desc(outbox.id))
      .limit(limit)
      .all();
    return c.json(
      {
        mails: rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          to: r.toAddress,
          subject: r.subject,
          text: r.text,
          attachments: r.attachments ?? [],
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
