import { type Challenge, createChallenge, type Solution, solveChallenge, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../server/clock.ts';
import { testConfig } from '../../server/config.ts';
import type { Deps } from '../../server/deps.ts';
import { issueChallenge, solutionVerified } from '../../server/scheduling/fairness/challenge.ts';

/**
 * The challenge's signature and the solution's check are made with node:crypto instead of altcha-lib's WebCrypto
 * (issue #9): they must agree with altcha-lib's own `createChallenge` and `verifySolution` on every case.
 */
const KEY = 'challenge-signature-test-key-0123456789';
const deps = {
  config: { ...testConfig(), CHALLENGE_HMAC_KEY: KEY, CHALLENGE_MAX_NUMBER: 1_000 },
  clock: manualClock('2026-11-23T08:00:00Z'),
} as unknown as Deps;

const altchaVerdict = (challenge: Challenge, solution: Solution, key = KEY) =>
  verifySolution({ challenge, solution, deriveKey, hmacSignatureSecret: key }).then(
    (r) => r.verified,
    () => false,
  );
const ourVerdict = (challenge: Challenge, solution: Solution, key = KEY) =>
  solutionVerified(challenge, solution, key).catch(() => false);

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('the proof-of-work challenge, signed and checked with node:crypto', () => {
  it('signs as altcha-lib does: each verifies the other', async () => {
    const ours = await issueChallenge(deps);
    const theirs = await createChallenge({
      algorithm: 'SHA-256',
      cost: 1,
      counter: 700,
      deriveKey,
      data: { issuedAt: 1 },
      hmacSignatureSecret: KEY,
    });
    for (const challenge of [ours, theirs]) {
      const solution = (await solveChallenge({ challenge, deriveKey })) as Solution;
      expect(await altchaVerdict(challenge, solution)).toBe(true);
      expect(await ourVerdict(challenge, solution)).toBe(true);
    }
  });

  it('refuses what altcha-lib refuses', async () => {
    const challenge = await issueChallenge(deps);
    const solution = (await solveChallenge({ challenge, deriveKey })) as Solution;
    const cases: [string, Challenge, Solution, string?][] = [
      ['another key', challenge, solution, `${KEY}-other`],
      ['no signature', { parameters: challenge.parameters }, solution],
      ['a forged signature', { ...challenge, signature: '0'.repeat(64) }, solution],
      ['a short signature', { ...challenge, signature: 'ab' }, solution],
      [
        'issuedAt moved',
        { ...clone(challenge), parameters: { ...challenge.parameters, data: { issuedAt: 2 } } },
        solution,
      ],
      ['an easier prefix', { ...clone(challenge), parameters: { ...challenge.parameters, keyPrefix: '0' } }, solution],
      ['another counter', challenge, { ...solution, counter: solution.counter + 1 }],
      ['a negative counter', challenge, { ...solution, counter: -1 }],
      ['a fractional counter', challenge, { ...solution, counter: solution.counter + 0.5 }],
      ['a counter beyond 32 bits', challenge, { ...solution, counter: 2 ** 32 + solution.counter }],
      ['a counter as text', challenge, { ...solution, counter: String(solution.counter) as unknown as number }],
      ['an uppercase key', challenge, { ...solution, derivedKey: solution.derivedKey.toUpperCase() }],
      ['a shortened key', challenge, { ...solution, derivedKey: solution.derivedKey.slice(0, 32) }],
      ['an odd-length key', challenge, { ...solution, derivedKey: solution.derivedKey.slice(1) }],
      ['a key of another counter', challenge, { ...solution, derivedKey: 'ab'.repeat(32) }],
      ['no key', challenge, { counter: solution.counter } as Solution],
      ['no solution', challenge, null as unknown as Solution],
    ];
    for (const [label, c, s, key] of cases) {
      const theirs = await altchaVerdict(c, s, key);
      expect(theirs, `altcha-lib on ${label}`).toBe(false);
      expect(await ourVerdict(c, s, key), label).toBe(theirs);
    }
    // And the untouched pair still passes both.
    expect(await altchaVerdict(challenge, solution)).toBe(true);
    expect(await ourVerdict(challenge, solution)).toBe(true);
  });
});
