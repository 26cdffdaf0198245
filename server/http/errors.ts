import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ZodError } from 'zod';
import { type ErrorCode, errorStatus, type Problem } from '../contracts/errors.ts';
import { AppError } from '../errors.ts';
import { type CauseLog, causeLog, type Logger } from '../logger.ts';

const titles: Record<ErrorCode, string> = {
  'validation-failed': 'The request is not valid',
  unauthorized: 'Authentication required',
  'invalid-credentials': 'Unknown username or wrong password',
  forbidden: 'Not allowed',
  'challenge-required': 'Solve the proof-of-work challenge first',
  'challenge-invalid': 'The proof-of-work solution is not valid',
  'invalid-origin': 'Cross-origin request refused',
  'not-found': 'Not found',
  'method-not-allowed': 'Method not allowed',
  'slot-unavailable': 'That time is no longer available',
  'booking-limit-reached': 'Too many active bookings for this e-mail address',
  'invalid-state': 'Not possible in the current state',
  conflict: 'Conflict',
  'hold-expired': 'The hold has lapsed; the time is free again',
  'outside-walk-in-hours': 'No tickets outside walk-in hours',
  'payload-too-large': 'Request body too large',
  'unsupported-media-type': 'Send JSON',
  'check-in-too-early': 'Too early to check in',
  'check-in-too-late': 'Too late to check in',
  'outside-opening-hours': 'The office is closed now',
  'idempotency-key-reused': 'Idempotency-Key already used for another request',
  'rate-limited': 'Too many requests',
  internal: 'Something went wrong on our side',
  unavailable: 'Service temporarily unavailable',
};

export function toProblem(code: ErrorCode, detail?: string, extra: Record<string, unknown> = {}): Problem {
  return {
    type: `https://loket.dev/problems/${code}`,
    title: titles[code],
    status: errorStatus[code],
    code,
    detail,
    ...extra,
  };
}

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8', ...headers },
  });
}

/** Maps anything thrown to problem+json; unknown errors are logged and never leak their message. */
export function errorToProblem(err: unknown, log?: Logger): Problem {
  if (err instanceof AppError)
    return toProblem(err.code, err.message === err.code ? undefined : err.message, err.extra);
  if (err instanceof ZodError) {
    return toProblem('validation-failed', 'The request does not match the schema', {
      errors: err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  if (err instanceof HTTPException) {
    const byStatus: Record<number, ErrorCode> = {
      400: 'validation-failed',
      401: 'unauthorized',
      403: 'forbidden',
      404: 'not-found',
      405: 'method-not-allowed',
      413: 'payload-too-large',
      415: 'unsupported-media-type',
      429: 'rate-limited',
    };
    const code = byStatus[err.status];
    if (code) return toProblem(code, err.message || undefined);
  }
  log?.error('unhandled error', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  return toProblem('internal');
}

/** How often one cause of 503 `unavailable` is logged at most (the others in between are counted). */
const UNAVAILABLE_LOG_WINDOW_MS = 5_000;

/**
 * A 503 `unavailable` (the storage cannot be reached or cannot take writes: PostgreSQL out of connections, the
 * SQLite file gone, the disk full) as a warning with its cause — the AppError's message (an SQLSTATE or SQLite code)
 * and the message of the database's error behind it — rate-limited per cause, so an operator seeing 503s sees why.
 * The route is its pattern (no ids); no request body, no personal data.
 */
export function logUnavailable(logCause: CauseLog, err: AppError, method: string, route: string): void {
  const behind = err.cause instanceof Error ? err.cause.message.slice(0, 200) : undefined;
  logCause('request answered 503 unavailable', err.message, {
    ...(behind && behind !== err.message ? { error: behind } : {}),
    method,
    route,
  });
}

export function onError(log: Logger, unavailableWindowMs = UNAVAILABLE_LOG_WINDOW_MS) {
  const logCause = causeLog(log, unavailableWindowMs);
  return (err: Error, c: Context): Response => {
    if (err instanceof AppError && err.code === 'unavailable')
      logUnavailable(logCause, err, c.req.method, c.req.routePath);
    const problem: Problem = { ...errorToProblem(err, log), instance: c.req.path };
    const headers: Record<string, string> = {};
    if (problem.code === 'rate-limited' && typeof problem.retryAfter === 'number') {
      headers['retry-after'] = String(problem.retryAfter);
    }
    return problemResponse(problem, headers);
  };
}

/** The one validation hook for every zod-validated route: a failed parse is a 400 problem. */
export function validationHook(
  result: { success: true } | { success: false; error: ZodError },
  _c: Context,
): undefined {
  if (!result.success) throw result.error;
  return undefined;
}
