import { z } from 'zod';

/** The HTTP contract of the mail outbox (GET /outbox, supervisors and admins). */

export const OutboxMail = z
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
  .meta({ id: 'OutboxMail' });
export type OutboxMail = z.infer<typeof OutboxMail>;

export const OutboxQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  unsent: z.enum(['true', 'false']).optional(),
});
export const OutboxResponse = z.object({ mails: z.array(OutboxMail) });
export type OutboxResponse = z.infer<typeof OutboxResponse>;
