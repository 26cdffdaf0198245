import { z } from 'zod';

/**
 * Every error code the API and the hub can answer, with its HTTP status. Adding a code without a
 * status does not compile. Front-ends show a message per code (nl and en).
 */
export const errorStatus = {
  'validation-failed': 400,
  unauthorized: 401,
  'invalid-credentials': 401,
  forbidden: 403,
  'challenge-required': 403,
  'challenge-invalid': 403,
  'invalid-origin': 403,
  'not-found': 404,
  'method-not-allowed': 405,
  'slot-unavailable': 409,
  'booking-limit-reached': 409,
  'invalid-state': 409,
  conflict: 409,
  'hold-expired': 409,
  'outside-walk-in-hours': 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'check-in-too-early': 422,
  'check-in-too-late': 422,
  'outside-opening-hours': 422,
  'idempotency-key-reused': 422,
  'rate-limited': 429,
  internal: 500,
  /** Storage cannot take writes (file gone or replaced, read-only, disk full): nothing was stored. */
  unavailable: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof errorStatus;

export const errorCodes = Object.keys(errorStatus) as ErrorCode[];

/**
 * RFC 9457 problem details with our `code` member: the one error body of every route (and, as
 * `error.code`, of every hub ack). Extra members carry details such as `errors` or `opensAt`.
 */
export const Problem = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.enum(errorCodes as [ErrorCode, ...ErrorCode[]]),
    detail: z.string().optional(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof Problem>;

/** An OpenAPI response entry answering the problem schema. */
export function problemDoc(description: string) {
  return { description, content: { 'application/problem+json': { schema: Problem } } };
}

/** The refusals of a supervisor's route on one location: not signed in, not its supervisor, no such location. */
export const supervisorRouteProblems = {
  401: problemDoc('Not signed in'),
  403: problemDoc('Not a supervisor of this location'),
  404: problemDoc('No such location'),
};
