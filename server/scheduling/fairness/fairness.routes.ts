import { createRoute, z } from '@hono/zod-openapi';
import { bearerToken, requireStaff } from '../../auth/middleware.ts';
import { Problem, supervisorRouteProblems } from '../../contracts/errors.ts';
import {
  AltchaChallengeSchema,
  BookingProtectionSchema,
  BookingRulesSchema,
  ConfirmHoldRequest,
} from '../../contracts/fairness.ts';
import { Appointment, LocationId, ReferenceParam } from '../../contracts/scheduling.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { createRateLimiter, rateLimit } from '../../http/rate-limit.ts';
import { createRouter } from '../../http/router.ts';
import { issueChallenge } from './challenge.ts';
import { confirmHold } from './holds.ts';
import { bookingRules, readProtection, updateProtection } from './protection.ts';

const ProblemContent = { 'application/problem+json': { schema: Problem } };
const problem = (description: string) => ({ description, content: ProblemContent });
const staffSecurity: { [name: string]: string[] }[] = [{ bearer: [] }, { cookie: [] }];
const LocationParam = z.object({ id: LocationId });
const json = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/**
 * Fair booking (rule 8): the proof-of-work challenge, the booking rules a resident sees, the
 * supervisor's settings per location, and confirming a hold by the link in the mail.
 */
export function fairnessRoutes(deps: Deps) {
  const router = createRouter();
  const confirmLimiter = createRateLimiter(
    { name: 'confirm', limit: deps.config.RATE_LIMIT_LOOKUPS_PER_MINUTE, windowMs: 60_000 },
    { clock: deps.monotonic, store: deps.sharedLimits },
  );
  router.use(
    '/appointments/:reference/confirm',
    rateLimit({ host: confirmLimiter, trustProxy: deps.config.TRUST_PROXY }),
  );
  router.use('/locations/:id/booking-protection', requireStaff('supervisor', 'admin'));

  return router
    .openapi(
      createRoute({
        method: 'get',
        path: '/challenge',
        tags: ['appointments'],
        summary: 'A fresh ALTCHA proof-of-work challenge (self-hosted; solve it and send it as the Altcha header)',
        responses: { 200: json(AltchaChallengeSchema.openapi('AltchaChallenge'), 'Challenge') },
      }),
      async (c) => {
        c.header('cache-control', 'no-store');
        return c.json((await issueChallenge(deps)) as unknown as z.infer<typeof AltchaChallengeSchema>, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/locations/{id}/booking-rules',
        tags: ['appointments'],
        summary: 'What applies when booking here now: hold and confirmation, challenge, release schedule, phone share',
        request: { params: LocationParam },
        responses: { 200: json(BookingRulesSchema.openapi('BookingRules'), 'Rules'), 404: problem('No such location') },
      }),
      async (c) => c.json(await bookingRules(deps, c.req.valid('param').id), 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/locations/{id}/booking-protection',
        tags: ['admin'],
        summary: 'Fair-booking settings of a location (supervisor)',
        security: staffSecurity,
        request: { params: LocationParam },
        responses: {
          200: json(BookingProtectionSchema, 'Settings'),
          ...supervisorRouteProblems,
        },
      }),
      async (c) => {
        const staff = c.get('principal');
        if (staff?.kind !== 'staff') throw new AppError('unauthorized');
        return c.json(await readProtection(deps, staff, c.req.valid('param').id), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'put',
        path: '/locations/{id}/booking-protection',
        tags: ['admin'],
        summary: 'Save the fair-booking settings of a location (supervisor; audited)',
        security: staffSecurity,
        request: {
          params: LocationParam,
          body: { required: true, content: { 'application/json': { schema: BookingProtectionSchema } } },
        },
        responses: {
          200: json(BookingProtectionSchema, 'Saved'),
          400: problem('Invalid settings'),
          ...supervisorRouteProblems,
        },
      }),
      async (c) => {
        const staff = c.get('principal');
        if (staff?.kind !== 'staff') throw new AppError('unauthorized');
        return c.json(await updateProtection(deps, staff, c.req.valid('param').id, c.req.valid('json')), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/appointments/{reference}/confirm',
        tags: ['appointments'],
        summary: 'Confirm a held appointment with the code from the mail (manage token as Bearer)',
        security: [{ manageToken: [] }],
        request: {
          params: ReferenceParam,
          body: {
            required: true,
            content: { 'application/json': { schema: ConfirmHoldRequest } },
          },
        },
        responses: {
          200: json(Appointment, 'The confirmed appointment'),
          400: problem('Invalid request'),
          404: problem('Wrong reference, token or code'),
          409: problem('hold-expired: the hold lapsed; or the appointment cannot be confirmed'),
          429: problem('Rate limited'),
        },
      }),
      async (c) => {
        const { reference } = c.req.valid('param');
        const dto = await confirmHold(deps, {
          reference,
          token: bearerToken(c.req.header('authorization')),
          code: c.req.valid('json').code,
        });
        return c.json(dto, 200);
      },
    );
}
