import { createHash, randomFillSync, timingSafeEqual } from 'node:crypto';
import { CHECK_IN_CODE_LENGTH } from '../contracts/check-in.ts';

/** No 0/O, 1/I/L: readable over the phone and from paper. 32 symbols = 5 bits each. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const SYMBOLS = `${ALPHABET}`;
export const REFERENCE_LENGTH = 12;

/**
 * Random bytes drawn from the CSPRNG a few kilobytes at a time and handed out once each: every booking draws a
 * reference, a manage token and a check-in code, and three calls into the CSPRNG for 52 bytes cost about ten
 * times what one refill shared by some seventy bookings does (the `uuid` package and Node's own `randomUUID`
 * batch the same way). The bytes are as random as before; a byte is never handed out twice.
 */
const pool = Buffer.allocUnsafe(4096);
let poolOffset = pool.length;

function randomFromPool(size: number): Buffer {
  if (poolOffset + size > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + size);
  poolOffset += size;
  return bytes;
}

/** A booking reference: 12 symbols from 31 → about 59 bits of entropy, uniform (rejection sampling). */
export function generateReference(): string {
  let out = '';
  while (out.length < REFERENCE_LENGTH) {
    for (const byte of randomFromPool(16)) {
      // 248 = 8 × 31: bytes above it would bias the first symbols.
      if (byte < 248 && out.length < REFERENCE_LENGTH) out += SYMBOLS[byte % SYMBOLS.length];
    }
  }
  return out;
}

/** Uppercases and drops separators, so `abcd-efgh-jkmn` finds `ABCDEFGHJKMN`. */
export function normaliseReference(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}

export const REFERENCE_PATTERN = new RegExp(`^[${ALPHABET}]{${REFERENCE_LENGTH}}$`);

/** A manage token: 256 random bits, base64url. Only its SHA-256 is stored. */
export function generateManageToken(): string {
  return randomFromPool(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function tokenMatches(token: string, storedHash: string): boolean {
  const a = Buffer.from(hashToken(token), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A check-in code (server/contracts/check-in.ts): uniform over the 10⁶ codes. One office-day of a few hundred
 * appointments uses a tiny part of them; the kiosk limits wrong attempts.
 */
export function generateCheckInCode(): string {
  const codes = 10 ** CHECK_IN_CODE_LENGTH;
  // Values at or above the largest multiple of `codes` below 2³² would favour the low codes: draw again.
  const below = 2 ** 32 - (2 ** 32 % codes);
  for (;;) {
    const value = randomFromPool(4).readUInt32LE(0);
    if (value < below) return String(value % codes).padStart(CHECK_IN_CODE_LENGTH, '0');
  }
}
