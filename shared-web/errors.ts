import type { TFunction } from 'i18next';
import { ApiError, type ClientErrorCode } from './api.ts';

/** The resident-facing message for any error, in the current language. */
export function errorMessage(t: TFunction, err: unknown): string {
  return t(`errors.${errorCodeOf(err)}`);
}

export function errorCodeOf(err: unknown): ClientErrorCode {
  if (err instanceof ApiError) return err.code;
  return 'unknown';
}
