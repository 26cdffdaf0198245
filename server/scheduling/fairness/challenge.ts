import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Challenge, createChallenge, randomInt, type Solution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import type { Principal } from '../../auth/principal.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import type { AppointmentStore } from '../appointment-store.ts';
import type { LocationRow } from '../office-cache.ts';

/**
 * ALTCHA proof-of-work for anonymous bookings (rule 8), self-hosted: the challenge comes from
 * `GET /api/v1/challenge`, the widget in booking/ solves it in the browser (no third party, no cookie,
 * no tracking), and `POST /appointments` carries the solution in the `Altcha` header. A solution is
 * good for one booking and for `CHALLENGE_TTL_MINUTES`; it is spent in the booking's transaction, so a
 * booking that fails (slot taken) leaves it usable for the next try.
 *
 * Deterministic mode: the server picks the counter and signs the key prefix it implies, so every
 * challenge costs the solver about the same work (counter × cost hashes) and verifying costs one.
 */

/** Signed into the challenge: when it was issued (our clock), so expiry follows the injected clock. */
interface ChallengeData {
  issuedAt: number;
  [key: string]: string | number | boolean | null;
}

const processSecrets = new WeakMap<object, string>();

/** The HMAC secret: `CHALLENGE_HMAC_KEY`, or one random secret per process (set it when running several nodes). */
function secret(deps: Deps): string {
  if (deps.config.CHALLENGE_HMAC_KEY) return deps.config.CHALLENGE_HMAC_KEY;
  let s = processSecrets.get(deps.config);
  if (!s) {
    s = randomBytes(32).toString('hex');
    processSecrets.set(deps.config, s);
  }
  return s;
}

/**
 * The challenge's signature as altcha-lib makes and checks it — HMAC-SHA-256 of the parameters as JSON with their
 * keys sorted, in hex — computed with node:crypto: altcha-lib's own goes through WebCrypto (a key import and a
 * sign, each a job on the thread pool and a promise), about 45 µs of CPU per signature against 2 µs here, and a
 * booking needs two (issue #9). `tests/appointments/challenge-signature.test.ts` holds it to altcha-lib's.
 */
function signatureOf(parameters: Challenge['parameters'], key: string): string {
  return createHmac('sha256', key)
    .update(JSON.stringify(sortKeys(parameters)))
    .digest('hex');
}

/** altcha-lib's canonical order: keys sorted at every depth, undefined values left out, arrays as they are. */
function sortKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .flatMap((key) => (record[key] === undefined ? [] : [[key, sortKeys(record[key])]])),
  );
}

export async function issueChallenge(deps: Deps): Promise<Challenge> {
  const max = deps.config.CHALLENGE_MAX_NUMBER;
  const data: ChallengeData = { issuedAt: deps.clock.now().getTime() };
  // Unsigned (its parameters come sorted), then signed as altcha-lib would sign it.
  const { parameters } = await createChallenge({
    algorithm: 'SHA-256',
    cost: 1,
    counter: randomInt(Math.floor(max / 2), max),
    deriveKey,
    data,
  });
  return { parameters, signature: signatureOf(parameters, secret(deps)) };
}

const HEX_KEY = /^(?:[0-9a-f]{2})+$/;
const HEX = /^[0-9a-fA-F]*$/;

/**
 * altcha-lib's `verifySolution` for the challenges issued here (no key signature, no expiry of its own: ours is
 * `issuedAt`), with the signature checked by `signatureOf`: the signature over the parameters as sent, a
 * well-formed solution (lowercase hex key, a uint32 counter), and the key derived anew from the counter equal to
 * the one sent and starting with the signed prefix.
 */
export async function solutionVerified(challenge: Challenge, solution: Solution, key: string): Promise<boolean> {
  const p = challenge.parameters;
  if (typeof challenge.signature !== 'string') return false;
  const expected = Buffer.from(signatureOf(p, key));
  const given = Buffer.from(challenge.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  const counter = solution?.counter;
  if (typeof solution?.derivedKey !== 'string' || !HEX_KEY.test(solution.derivedKey)) return false;
  if (!Number.isInteger(counter) || counter < 0 || counter > 0xffffffff) return false;
  const { nonce, salt, keyPrefix } = p;
  if (typeof nonce !== 'string' || typeof salt !== 'string' || typeof keyPrefix !== 'string') return false;
  if (nonce.length % 2 !== 0 || salt.length % 2 !== 0 || !HEX.test(nonce) || !HEX.test(salt)) return false;
  const nonceBytes = Buffer.from(nonce, 'hex');
  const password = new Uint8Array(nonceBytes.length + 4);
  password.set(nonceBytes, 0);
  new DataView(password.buffer).setUint32(nonceBytes.length, counter, false);
  const { derivedKey } = await deriveKey(p, new Uint8Array(Buffer.from(salt, 'hex')), password);
  const derivedHex = Buffer.from(derivedKey).toString('hex');
  return derivedHex === solution.derivedKey && derivedHex.startsWith(keyPrefix.toLowerCase());
}

export interface VerifiedChallenge {
  /** The challenge's nonce: recorded as spent with the booking. */
  id: string;
  expiresAt: Date;
}

function parsePayload(raw: string): { challenge: Challenge; solution: Solution } | null {
  try {
    const json = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as unknown;
    if (!json || typeof json !== 'object') return null;
    const p = json as { challenge?: Challenge; solution?: Solution };
    if (!p.challenge?.parameters || typeof p.challenge.parameters !== 'object' || !p.solution) return null;
    return { challenge: p.challenge, solution: p.solution };
  } catch {
    return null;
  }
}

/** Online bookings made at the location in the last five minutes: the pressure measure. */
export function recentOnlineBookings(
  repos: { appointments: AppointmentStore },
  locationId: string,
  now: Date,
): Promise<number> {
  return repos.appointments.recentOnlineBookings(locationId, new Date(now.getTime() - 5 * 60_000));
}

/** Whether an anonymous booking at this location must carry a solved challenge right now. */
export async function challengeRequired(
  repos: { appointments: AppointmentStore },
  location: LocationRow,
  now: Date,
): Promise<boolean> {
  if (location.challengeMode === 'always') return true;
  if (location.challengeMode === 'off') return false;
  return (await recentOnlineBookings(repos, location.id, now)) >= location.challengePressureBookings;
}

/**
 * Checks the `Altcha` header of a booking. Staff and devices (API clients with credentials) are exempt.
 * Null when no challenge is needed; otherwise the verified challenge to spend in the booking's
 * transaction. Missing → `challenge-required`; malformed, forged, expired or wrong → `challenge-invalid`.
 */
export async function checkBookingChallenge(
  deps: Deps,
  input: { location: LocationRow; principal: Principal | null | undefined; header: string | undefined },
): Promise<VerifiedChallenge | null> {
  if (input.principal) return null;
  const now = deps.clock.now();
  if (!(await challengeRequired(deps.storage.read, input.location, now))) return null;
  if (!input.header)
    throw new AppError('challenge-required', 'Solve the challenge from GET /api/v1/challenge and send it as Altcha');
  const payload = input.header.length <= 8_192 ? parsePayload(input.header) : null;
  if (!payload) throw new AppError('challenge-invalid', 'The Altcha header is not a challenge solution');
  let verified = false;
  try {
    verified = await solutionVerified(payload.challenge, payload.solution, secret(deps));
  } catch {
    verified = false;
  }
  if (!verified) throw new AppError('challenge-invalid', 'The challenge solution is not valid');
  const issuedAt = Number(payload.challenge.parameters.data?.issuedAt);
  const expiresAt = issuedAt + deps.config.CHALLENGE_TTL_MINUTES * 60_000;
  if (!Number.isFinite(issuedAt) || expiresAt <= now.getTime())
    throw new AppError('challenge-invalid', 'The challenge has expired; fetch a new one');
  return { id: String(payload.challenge.parameters.nonce), expiresAt: new Date(expiresAt) };
}

/** Inside the booking transaction: marks the solution used; a second use is `challenge-invalid`. */
export async function spendChallenge(
  tx: { appointments: AppointmentStore },
  challenge: VerifiedChallenge,
): Promise<void> {
  if (tx.appointments.spendChallengeWithNext)
    return tx.appointments.spendChallengeWithNext(challenge.id, challenge.expiresAt);
  if (!(await tx.appointments.spendChallenge(challenge.id, challenge.expiresAt)))
    throw new AppError('challenge-invalid', 'This challenge solution was used already');
}

/** Forgets spent challenges that expired (they can no longer be replayed anyway). */
export function sweepSpentChallenges(tx: { appointments: AppointmentStore }, now: Date): Promise<number> {
  return tx.appointments.sweepSpentChallenges(now);
}
