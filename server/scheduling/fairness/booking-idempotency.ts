import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from '../../errors.ts';
import { assertSameRequest, IDEMPOTENCY_KEY_PATTERN, requestFingerprint } from '../../idempotency.ts';
import type { AppointmentStore } from '../appointment-store.ts';

/**
 * `Idempotency-Key` on POST /appointments: a client that lost the answer (timeout, dropped connection)
 * sends the same request with the same key and gets the same appointment back, never a second one.
 * The same key with a different body is `422 idempotency-key-reused`.
 *
 * The lookup and the record happen inside the booking's own transaction (BEGIN IMMEDIATE), so two
 * copies of one request racing each other book once: the second sees the first's row. The answer holds
 * the manage token, which Loket otherwise keeps only as a hash; it is stored encrypted (AES-256-GCM)
 * under a key derived from the Idempotency-Key, which only the client knows, and the row is found by a
 * hash of that key. Rows are swept after `RETENTION_HOURS`.
 */
export const RETENTION_HOURS = 24;

export interface IdempotentRequest {
  keyHash: string;
  bodyHash: string;
  cipherKey: Buffer;
}

/** Null without a header; a key that is not 8–200 visible ASCII characters is `validation-failed`. */
export function idempotentRequest(header: string | undefined, scope: string, body: unknown): IdempotentRequest | null {
  if (header === undefined) return null;
  if (!IDEMPOTENCY_KEY_PATTERN.test(header))
    throw new AppError('validation-failed', 'Idempotency-Key must be 8 to 100 letters, digits, - or _');
  return {
    keyHash: createHash('sha256').update(`appointments\n${scope}\n${header}`).digest('hex'),
    bodyHash: requestFingerprint(body),
    cipherKey: Buffer.from(hkdfSync('sha256', header, scope, 'loket booking answer', 32)),
  };
}

function seal(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

function open(key: Buffer, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

/** Inside the booking transaction: the answer already given to this request, if any. */
export async function previousAnswer<T>(
  tx: { appointments: AppointmentStore },
  request: IdempotentRequest,
): Promise<T | null> {
  const row = await tx.appointments.bookingAnswer(request.keyHash);
  if (!row) return null;
  assertSameRequest(row.bodyHash, request.bodyHash);
  return JSON.parse(open(request.cipherKey, row.response)) as T;
}

/** Inside the booking transaction: remembers the answer with the booking. */
export async function rememberAnswer(
  tx: { appointments: AppointmentStore },
  request: IdempotentRequest,
  appointmentId: number,
  answer: unknown,
  now: Date,
): Promise<void> {
  await tx.appointments.rememberBookingAnswer({
    keyHash: request.keyHash,
    bodyHash: request.bodyHash,
    appointmentId,
    response: seal(request.cipherKey, JSON.stringify(answer)),
    createdAt: now,
  });
}

export function sweepBookingRequests(tx: { appointments: AppointmentStore }, now: Date): Promise<number> {
  return tx.appointments.sweepBookingAnswers(new Date(now.getTime() - RETENTION_HOURS * 3_600_000));
}
