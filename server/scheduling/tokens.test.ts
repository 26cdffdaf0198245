import { describe, expect, it } from 'vitest';
import { CHECK_IN_CODE_LENGTH } from '../contracts/check-in.ts';
import { generateCheckInCode, generateManageToken, generateReference, REFERENCE_PATTERN } from './tokens.ts';

describe('tokens drawn from the shared pool of random bytes', () => {
  // 3,000 rounds take about 150 KiB: the 4 KiB pool is refilled dozens of times, at every offset.
  const rounds = 3000;

  it('hands out each byte once: no reference or manage token repeats across refills', () => {
    const references = new Set<string>();
    const tokens = new Set<string>();
    for (let k = 0; k < rounds; k++) {
      const reference = generateReference();
      const token = generateManageToken();
      generateCheckInCode();
      expect(reference).toMatch(REFERENCE_PATTERN);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      references.add(reference);
      tokens.add(token);
    }
    expect(references.size).toBe(rounds);
    expect(tokens.size).toBe(rounds);
  });

  it('draws check-in codes of six digits over the whole range', () => {
    const firstDigits = new Set<string>();
    for (let k = 0; k < rounds; k++) {
      const code = generateCheckInCode();
      expect(code).toMatch(new RegExp(`^\\d{${CHECK_IN_CODE_LENGTH}}$`));
      firstDigits.add(code[0] as string);
    }
    expect(firstDigits.size).toBe(10);
  });
});
