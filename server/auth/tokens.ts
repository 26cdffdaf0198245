import { createHash, randomBytes, randomInt } from 'node:crypto';

/** 256 random bits, URL-safe: session and device tokens. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Tokens are stored hashed: a leaked database does not let anyone sign in. A fast hash is right here
 * because the token itself carries 256 bits of entropy (unlike a password).
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Pairing codes are typed on a device by hand: 8 characters without look-alikes (about 40 bits). */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export function generatePairingCode(): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

export function normalizePairingCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** A generated demo password: readable, 16 characters. */
export function generateDemoPassword(): string {
  return randomBytes(12).toString('base64url');
}
