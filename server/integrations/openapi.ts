import { z } from 'zod';

/** RFC 9457 problem details as this module's routes document them. */
export const IntegrationProblem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  code: z.string(),
});

export const problemContent = { 'application/problem+json': { schema: IntegrationProblem } };
