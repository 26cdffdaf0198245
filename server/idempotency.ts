import { createHash } from 'node:crypto';
import { AppError } from './errors.ts';

/**
 * Idempotency-Key support shared by the routes that take one (kiosk tickets, bookings): a retry with
 * the same key and the same body returns what the first request made; the same key with another
 * body is a client bug or an attack and gets 422 `idempotency-key-reused`, never the first result.
 */

/** What the header must look like: 8–100 URL-safe characters (a UUID fits). */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{8,100}$/;

/** JSON with object keys sorted at every depth, so key order does not change a fingerprint. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** SHA-256 (base64url) of the canonical JSON of a request's validated body. */
export function requestFingerprint(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('base64url');
}

/**
 * Compares a stored request's fingerprint with a retry's. A row stored before fingerprints existed
 * (null) is accepted as the same request.
 */
export function assertSameRequest(stored: string | null, retry: string): void {
  if (stored !== null && stored !== retry) {
    throw new AppError('idempotency-key-reused', 'This Idempotency-Key was used for a request with another body');
  }
}
