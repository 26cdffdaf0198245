import { type ErrorCode, errorStatus } from './contracts/errors.ts';

/**
 * The one error type domain code throws for expected failures. It lives outside `server/http/` so
 * domain code never imports the HTTP layer; `server/http/errors.ts` maps it to problem+json and the
 * hub maps it to a command error, both by `code` (status per code in `server/contracts/errors.ts`).
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly extra: Record<string, unknown>;

  /** `options.cause`: the failure behind it (e.g. the database's error behind `unavailable`), logged, never sent. */
  constructor(code: ErrorCode, detail?: string, extra: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(detail ?? code, options);
    this.name = 'AppError';
    this.code = code;
    this.extra = extra;
  }

  get status(): number {
    return errorStatus[this.code];
  }
}
