import { createRoute, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { Problem as ProblemSchema } from '../contracts/errors.ts';
import {
  CallNextAnswer,
  CheckInBody,
  CounterDto,
  CounterIdParam,
  IssueTicketBody,
  IssueTicketHeaders,
  LocationIdParam,
  PauseCounterBody,
  PublicTicketParam,
  QueueSnapshot,
  TicketDto,
  TicketIdParam,
  TransferTicketBody,
} from '../contracts/queue.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { createRouter } from '../http/router.ts';
import { callNext } from './call-next.ts';
import { checkIn } from './check-in.ts';
import { createCheckInAttempts } from './check-in-attempts.ts';
import { pauseCounter, signInCounter, signOutCounter } from './counter-actions.ts';
import { issueTicket } from './issue-ticket.ts';
import { actedTicketView, getCounterView, getPublicTicket, getQueueSnapshot, getTicketById } from './queue-read.ts';
import {
  cancelTicket,
  finishTicket,
  markNoShow,
  parkTicket,
  recallTicket,
  returnTicket,
  startTicket,
  transferTicket,
} from './ticket-actions.ts';

/**
 * HTTP twins of the hub: kiosk actions (tickets, check-ins), the live snapshot, the resident's public
 * ticket page, and counter actions for clients that cannot hold a socket. Thin: parse, call, answer.
 * Every change is published as a domain event, so hub clients see HTTP actions too.
 */
const Problem = { 'application/problem+json': { schema: ProblemSchema } };
const problems = {
  400: { description: 'Invalid input', content: Problem },
  401: { description: 'No valid token', content: Problem },
  403: { description: 'Not allowed here', content: Problem },
  404: { description: 'Not found', content: Problem },
  409: { description: 'Not possible in this state', content: Problem },
};
const security: { [name: string]: string[] }[] = [{ bearer: [] }, { cookie: [] }];
const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});
const ok = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export function queueRoutes(deps: Deps) {
  const router = createRouter();
  const principal = (c: Context) => c.get('principal');
  const checkInAttempts = createCheckInAttempts({
    limit: deps.config.CHECK_IN_MISSES_PER_10_MINUTES,
    windowMs: 10 * 60_000,
    clock: deps.clock,
    store: deps.sharedLimits,
  });

  router.openapi(
    createRoute({
      method: 'post',
      path: '/locations/{id}/tickets',
      tags: ['queue'],
      summary: 'Take a walk-in ticket (paired kiosk of this location, or its staff)',
      security,
      request: {
        params: LocationIdParam,
        headers: IssueTicketHeaders,
        body: jsonBody(IssueTicketBody),
      },
      responses: { 201: ok(TicketDto, 'The ticket with number, position and expected wait'), ...problems },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const requestKey = c.req.valid('header')['idempotency-key'];
      const row = await issueTicket(deps, principal(c), { locationId: c.req.valid('param').id, ...body, requestKey });
      return c.json(await getTicketById(deps, row.id), 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/locations/{id}/check-ins',
      tags: ['queue'],
      summary: 'Check in for an appointment by check-in code, reference or QR content (paired kiosk, or staff)',
      security,
      request: {
        params: LocationIdParam,
        body: jsonBody(CheckInBody),
      },
      responses: {
        201: ok(TicketDto, 'Checked in: the ticket (due at the appointment time, or a walk-in when late)'),
        200: ok(TicketDto, 'Already checked in: the same ticket'),
        422: { description: 'Too early (with `opensAt`) or too late', content: Problem },
        429: { description: 'Too many wrong codes from this kiosk (with `retryAfter`)', content: Problem },
        ...problems,
      },
    }),
    async (c) => {
      const who = principal(c);
      // Misses are counted per kiosk (per staff member at a desk), so codes cannot be guessed at the door.
      const key = !who
        ? null
        : who.kind === 'device'
          ? `device:${who.deviceId}`
          : who.kind === 'staff'
            ? `staff:${who.userId}`
            : `api-client:${who.clientId}`;
      const wait = key ? await checkInAttempts.blockedFor(key) : null;
      if (wait !== null)
        throw new AppError('rate-limited', 'Too many wrong codes; ask a member of staff', { retryAfter: wait });
      try {
        const result = await checkIn(deps, who, { locationId: c.req.valid('param').id, ...c.req.valid('json') });
        return c.json(await getTicketById(deps, result.ticket.id), result.created ? 201 : 200);
      } catch (err) {
        if (key && err instanceof AppError && (err.code === 'not-found' || err.code === 'validation-failed'))
          await checkInAttempts.miss(key);
        throw err;
      }
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/locations/{id}/queue',
      tags: ['queue'],
      summary: 'Live queue snapshot (staff of the location or its devices)',
      security,
      request: { params: LocationIdParam },
      responses: { 200: ok(QueueSnapshot, 'Snapshot'), ...problems },
    }),
    async (c) => c.json(await getQueueSnapshot(deps, principal(c), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/tickets/{publicId}',
      tags: ['queue'],
      summary: "The resident's ticket page: status, position and expected wait (no login; the id is unguessable)",
      request: { params: PublicTicketParam },
      responses: { 200: ok(TicketDto, 'The ticket'), 404: problems[404], 400: problems[400] },
    }),
    async (c) => c.json(await getPublicTicket(deps, c.req.valid('param').publicId), 200),
  );

  const counterAction = (
    path: string,
    summary: string,
    body: z.ZodObject | null,
    run: (c: Context, counterId: number, body: Record<string, unknown>) => Promise<unknown>,
    response: z.ZodType,
  ) =>
    router.openapi(
      createRoute({
        method: 'post',
        path: `/counters/{counterId}/${path}`,
        tags: ['counter'],
        summary,
        security,
        request: { params: CounterIdParam, ...(body ? { body: jsonBody(body) } : {}) },
        responses: { 200: ok(response, 'Done'), ...problems },
      }),
      // biome-ignore lint/suspicious/noExplicitAny: one shell for several routes with different bodies
      async (c: any) => c.json(await run(c, c.req.valid('param').counterId, body ? c.req.valid('json') : {}), 200),
    );

  counterAction(
    'sign-in',
    'Take this counter',
    null,
    async (c, counterId) => {
      await signInCounter(deps, principal(c), { counterId });
      return getCounterView(deps, counterId);
    },
    CounterDto,
  );
  counterAction(
    'sign-out',
    'Leave this counter',
    null,
    async (c, counterId) => {
      await signOutCounter(deps, principal(c), { counterId });
      return getCounterView(deps, counterId);
    },
    CounterDto,
  );
  counterAction(
    'pause',
    'Pause or resume the counter',
    PauseCounterBody,
    async (c, counterId, b) => {
      await pauseCounter(deps, principal(c), { counterId, paused: b.paused as boolean });
      return getCounterView(deps, counterId);
    },
    CounterDto,
  );
  counterAction(
    'call-next',
    'Finish the current ticket and call the next one',
    null,
    async (c, counterId) => {
      const result = await callNext(deps, principal(c), { counterId });
      // The same answer as the hub's queue:call-next: the ticket as the transaction called it.
      return { ticket: result.calledTicket } satisfies CallNextAnswer;
    },
    CallNextAnswer,
  );

  const ticketActions = {
    recall: recallTicket,
    start: startTicket,
    finish: finishTicket,
    'no-show': markNoShow,
    return: returnTicket,
    park: parkTicket,
    cancel: cancelTicket,
  } as const;
  for (const [name, action] of Object.entries(ticketActions)) {
    router.openapi(
      createRoute({
        method: 'post',
        path: `/tickets/{ticketId}/${name}`,
        tags: ['counter'],
        summary: `Ticket: ${name}`,
        security,
        request: { params: TicketIdParam },
        responses: { 200: ok(TicketDto, 'The ticket after the action'), ...problems },
      }),
      async (c) => {
        const acted = await action(deps, principal(c), { ticketId: c.req.valid('param').ticketId });
        return c.json(await actedTicketView(deps, acted), 200);
      },
    );
  }
  router.openapi(
    createRoute({
      method: 'post',
      path: '/tickets/{ticketId}/transfer',
      tags: ['counter'],
      summary: 'Ticket: transfer to another service and/or one counter (keeps the time already waited)',
      security,
      request: {
        params: TicketIdParam,
        body: jsonBody(TransferTicketBody),
      },
      responses: { 200: ok(TicketDto, 'The ticket, waiting again'), ...problems },
    }),
    async (c) => {
      const acted = await transferTicket(deps, principal(c), {
        ticketId: c.req.valid('param').ticketId,
        ...c.req.valid('json'),
      });
      return c.json(await actedTicketView(deps, acted), 200);
    },
  );
  return router;
}
